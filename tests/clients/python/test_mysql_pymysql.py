"""PyMySQL against rosettad's MySQL port: TLS and plain, both auth plugins (with
caching_sha2 full authentication over TLS and through RSA), errors, transactions,
multi-statements, a 20 MB BLOB."""
import pymysql
import pytest
from pymysql.constants import CLIENT


def connect(server, **kw):
    args = dict(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo", database="demo",
                autocommit=True)
    args.update(kw)
    return pymysql.connect(**args)


def test_seed_line_tls_select_1(server):
    conn = pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                           database="demo", ssl={'ssl': {}})
    cur = conn.cursor()
    cur.execute("select 1")
    assert cur.fetchall() == ((1,),)
    conn.close()


def test_plain_connection_and_session_functions(server):
    conn = connect(server, ssl_disabled=True, autocommit=False)
    cur = conn.cursor()
    cur.execute("SELECT DATABASE(), SCHEMA(), CONNECTION_ID() > 0, @@version, @@session.autocommit")
    db, schema, has_id, version, autocommit = cur.fetchone()
    assert (db, schema, has_id) == ("demo", "demo", 1)
    assert version.startswith("8.0")
    assert str(autocommit) == "0"  # PyMySQL turns autocommit off unless asked
    conn.autocommit(True)
    cur.execute("SELECT @@autocommit")
    assert str(cur.fetchone()[0]) == "1"
    assert conn.thread_id() > 0
    cur.execute("SELECT CONNECTION_ID()")
    assert cur.fetchone()[0] == conn.thread_id()
    conn.close()


class NativeConnection(pymysql.connections.Connection):
    """Answers the greeting with a mysql_native_password token instead of caching_sha2's."""

    def _get_server_information(self):
        super()._get_server_information()
        self._auth_plugin_name = "mysql_native_password"


def test_native_password_plugin(server):
    conn = NativeConnection(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                            database="demo", ssl_disabled=True)
    cur = conn.cursor()
    cur.execute("SELECT 2")
    assert cur.fetchone() == (2,)
    conn.close()
    with pytest.raises(pymysql.err.OperationalError) as e:
        NativeConnection(host="127.0.0.1", port=server.mysql_port, user="demo", password="bad", database="demo")
    assert e.value.args[0] == 1045


@pytest.mark.parametrize("tls", [True, False])
def test_wrong_password_is_1045(server, tls):
    with pytest.raises(pymysql.err.OperationalError) as e:
        connect(server, password="nope", ssl_disabled=not tls)
    assert e.value.args[0] == 1045
    assert "Access denied for user 'demo'@'127.0.0.1' (using password: YES)" in e.value.args[1]
    with pytest.raises(pymysql.err.OperationalError) as e:
        connect(server, user="nobody", password="nope", ssl_disabled=not tls)
    assert e.value.args[0] == 1045  # unknown users get the same answer


def test_unknown_database_is_1049(server):
    with pytest.raises(pymysql.err.OperationalError) as e:
        connect(server, database="nosuchdb")
    assert e.value.args[0] == 1049


def test_full_authentication_over_tls_and_rsa(fresh_server):
    fresh_server.extra += ["--mysql-auth-cache", "0"]  # every caching_sha2 login is a full one
    fresh_server.start()
    conn = connect(fresh_server, ssl={'ssl': {}})  # password inside TLS
    cur = conn.cursor()
    cur.execute("select 1")
    assert cur.fetchone() == (1,)
    conn.close()
    conn = connect(fresh_server, ssl_disabled=True)  # asks for our RSA key, sends the password encrypted
    cur = conn.cursor()
    cur.execute("select 2")
    assert cur.fetchone() == (2,)
    conn.close()
    with pytest.raises(pymysql.err.OperationalError) as e:
        connect(fresh_server, password="bad", ssl_disabled=True)
    assert e.value.args[0] == 1045
    with pytest.raises(pymysql.err.OperationalError) as e:
        connect(fresh_server, password="bad", ssl={'ssl': {}})
    assert e.value.args[0] == 1045


def test_crud_and_errors(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS pm_items")
    cur.execute("CREATE TABLE pm_items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) UNIQUE, "
                "qty INT, price DOUBLE)")
    cur.execute("INSERT INTO pm_items (name, qty, price) VALUES (%s, %s, %s)", ("it's", 3, 1.5))
    assert cur.rowcount == 1
    first = cur.lastrowid
    assert first >= 1
    cur.executemany("INSERT INTO pm_items (name, qty, price) VALUES (%s, %s, %s)",
                    [("b", 1, 2.0), ("c", 2, 3.25)])
    assert cur.rowcount == 2
    cur.execute("UPDATE pm_items SET qty = qty + 1 WHERE qty < %s", (3,))
    assert cur.rowcount == 2
    cur.execute("DELETE FROM pm_items WHERE name = %s", ("b",))
    assert cur.rowcount == 1
    cur.execute("SELECT id, name, qty, price FROM pm_items ORDER BY id")
    rows = cur.fetchall()
    assert rows == ((first, "it's", 3, 1.5), (first + 2, "c", 3, 3.25))
    assert [d[0] for d in cur.description] == ["id", "name", "qty", "price"]
    with pytest.raises(pymysql.err.IntegrityError) as e:
        cur.execute("INSERT INTO pm_items (name) VALUES ('c')")
    assert e.value.args[0] == 1062
    with pytest.raises(pymysql.err.ProgrammingError) as e:
        cur.execute("SELEC 1")
    assert e.value.args[0] == 1064
    with pytest.raises(pymysql.err.ProgrammingError) as e:
        cur.execute("SELECT * FROM pm_nonexistent")
    assert e.value.args[0] == 1146
    cur.execute("SELECT 1")  # the connection is still usable
    assert cur.fetchone() == (1,)
    conn.close()


def test_autocommit_off_commit_and_rollback(server):
    conn = connect(server)
    other = connect(server)
    cur, ocur = conn.cursor(), other.cursor()
    cur.execute("DROP TABLE IF EXISTS pm_tx")
    cur.execute("CREATE TABLE pm_tx (v INT)")
    conn.autocommit(False)
    assert conn.get_autocommit() is False
    cur.execute("INSERT INTO pm_tx VALUES (1)")
    assert conn.server_status & 1  # SERVER_STATUS_IN_TRANS
    ocur.execute("SELECT COUNT(*) FROM pm_tx")
    assert ocur.fetchone() == (0,)  # not visible before COMMIT
    conn.commit()
    ocur.execute("SELECT COUNT(*) FROM pm_tx")
    assert ocur.fetchone() == (1,)
    cur.execute("INSERT INTO pm_tx VALUES (2)")
    conn.rollback()
    cur.execute("SELECT v FROM pm_tx ORDER BY v")
    assert cur.fetchall() == ((1,),)
    conn.commit()
    # autocommit back on: each statement commits by itself
    conn.autocommit(True)
    cur.execute("INSERT INTO pm_tx VALUES (3)")
    ocur.execute("SELECT COUNT(*) FROM pm_tx")
    assert ocur.fetchone() == (2,)
    # an explicit transaction, and DDL committing it
    cur.execute("START TRANSACTION")
    cur.execute("INSERT INTO pm_tx VALUES (4)")
    cur.execute("CREATE TABLE pm_tx2 (x INT)")  # implicit commit
    cur.execute("ROLLBACK")
    ocur.execute("SELECT COUNT(*) FROM pm_tx")
    assert ocur.fetchone() == (3,)
    cur.execute("DROP TABLE pm_tx2")
    conn.close()
    other.close()


def test_multi_statements(server):
    conn = connect(server, client_flag=CLIENT.MULTI_STATEMENTS)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS pm_multi; CREATE TABLE pm_multi (id INT AUTO_INCREMENT PRIMARY KEY, v INT); "
                "INSERT INTO pm_multi (v) VALUES (5), (6); SELECT v FROM pm_multi ORDER BY v; SELECT 'end'")
    results = []
    while True:
        results.append((cur.rowcount, cur.fetchall() if cur.description else None))
        if not cur.nextset():
            break
    assert results[-3][0] == 2  # the INSERT
    assert results[-2][1] == ((5,), (6,))
    assert results[-1][1] == (("end",),)
    # an error stops the batch
    with pytest.raises(pymysql.err.ProgrammingError):
        cur.execute("SELECT 1; SELECT * FROM pm_missing; INSERT INTO pm_multi (v) VALUES (7)")
        while cur.nextset():
            pass
    conn2 = connect(server)
    c2 = conn2.cursor()
    c2.execute("SELECT COUNT(*) FROM pm_multi")
    assert c2.fetchone() == (2,)
    # without the capability, two statements are a syntax error and nothing runs
    with pytest.raises(pymysql.err.ProgrammingError) as e:
        c2.execute("INSERT INTO pm_multi (v) VALUES (8); INSERT INTO pm_multi (v) VALUES (9)")
    assert e.value.args[0] == 1064
    c2.execute("SELECT COUNT(*) FROM pm_multi")
    assert c2.fetchone() == (2,)
    conn.close()
    conn2.close()


def test_20mb_blob_round_trip(server):
    conn = connect(server, max_allowed_packet=64 * 1024 * 1024)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS pm_blob")
    cur.execute("CREATE TABLE pm_blob (id INT PRIMARY KEY, b LONGBLOB)")
    data = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    cur.execute("INSERT INTO pm_blob VALUES (1, %s)", (data,))
    cur.execute("SELECT b, LENGTH(b) FROM pm_blob WHERE id = 1")
    got, n = cur.fetchone()
    assert n == len(data)
    assert got == data
    cur.execute("DROP TABLE pm_blob")
    conn.close()


def test_ping_select_db_and_kill(server):
    conn = connect(server)
    conn.ping()
    conn.select_db("demo")
    cur = conn.cursor()
    cur.execute("USE demo")
    cur.execute("SELECT DATABASE()")
    assert cur.fetchone() == ("demo",)
    victim = connect(server)
    vid = victim.thread_id()
    cur.execute("KILL QUERY %d" % vid)
    victim.ping(reconnect=False)  # KILL QUERY leaves the connection alive
    cur.execute("KILL %d" % vid)
    with pytest.raises(pymysql.err.OperationalError):
        victim.cursor().execute("SELECT 1")
    with pytest.raises(pymysql.err.MySQLError) as e:
        cur.execute("KILL 999999")
    assert e.value.args[0] == 1094
    conn.close()


def test_variables_drivers_read(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("SELECT @@max_allowed_packet, @@sql_mode, @@transaction_isolation, @@lower_case_table_names, "
                "@@character_set_client, @@time_zone")
    mp, mode, iso, lctn, cs, tz = cur.fetchone()
    assert int(mp) >= 16 * 1024 * 1024
    assert "STRICT_TRANS_TABLES" in mode
    assert iso and str(lctn) == "0" and cs == "utf8mb4" and tz
    cur.execute("SET NAMES utf8mb4")
    cur.execute("SHOW VARIABLES LIKE 'version%'")
    names = [r[0] for r in cur.fetchall()]
    assert "version" in names
    conn.close()


def test_kill_query_interrupts_a_running_statement(server):
    import threading
    killer = connect(server)
    victim = connect(server)
    outcome = {}

    def run():
        try:
            cur = victim.cursor()
            cur.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
                        "SELECT COUNT(*) FROM c")
            outcome["rows"] = cur.fetchall()
        except pymysql.err.MySQLError as e:
            outcome["error"] = e

    t = threading.Thread(target=run)
    t.start()
    kcur = killer.cursor()
    while t.is_alive() and "error" not in outcome:
        kcur.execute("KILL QUERY %d" % victim.thread_id())  # until the statement is running and stops
        t.join(0.5)
    t.join()
    assert outcome["error"].args[0] == 1317
    assert "interrupted" in outcome["error"].args[1]
    cur = victim.cursor()
    cur.execute("SELECT 3")  # the connection survives KILL QUERY
    assert cur.fetchone() == (3,)
    killer.close()
    victim.close()


def test_hex_follows_mysql_not_sqlite(server):
    """HEX of NULL is NULL, of a number its 64-bit value in hexadecimal, of a string its bytes."""
    conn = connect(server)
    with conn.cursor() as cur:
        cur.execute("select hex(null), hex(255), hex(-1), hex('abc'), hex(x'00ff')")
        assert cur.fetchone() == (None, "FF", "FFFFFFFFFFFFFFFF", "616263", "00FF")
        cur.execute("select hex(%s)", ("é",))
        assert cur.fetchone() == ("C3A9",)
    conn.close()
