"""mysqlclient (MySQLdb, over libmysqlclient) against rosettad: TLS and plain, errors,
transactions, multi-statements, a 20 MB BLOB."""
import MySQLdb
import pytest
from MySQLdb.constants import CLIENT


def connect(server, **kw):
    args = dict(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo", database="demo")
    args.update(kw)
    return MySQLdb.connect(**args)


@pytest.mark.parametrize("ssl_mode", ["REQUIRED", "DISABLED"])
def test_select_1(server, ssl_mode):
    conn = connect(server, ssl_mode=ssl_mode)
    cur = conn.cursor()
    cur.execute("SELECT 1, 'x', NULL")
    assert cur.fetchall() == ((1, "x", None),)
    assert (conn.get_host_info() or "") != ""
    conn.close()


def test_wrong_password_is_1045(server):
    with pytest.raises(MySQLdb.OperationalError) as e:
        connect(server, password="wrong")
    assert e.value.args[0] == 1045


def test_full_authentication_over_tls(fresh_server):
    fresh_server.extra += ["--mysql-auth-cache", "0"]
    fresh_server.start()
    conn = connect(fresh_server, ssl_mode="REQUIRED")
    cur = conn.cursor()
    cur.execute("SELECT 5")
    assert cur.fetchall() == ((5,),)
    conn.close()
    with pytest.raises(MySQLdb.OperationalError) as e:
        connect(fresh_server, ssl_mode="REQUIRED", password="bad")
    assert e.value.args[0] == 1045


def test_crud_errors_transactions(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS mdb_t")
    cur.execute("CREATE TABLE mdb_t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) UNIQUE)")
    cur.execute("INSERT INTO mdb_t (name) VALUES (%s), (%s)", ("a", "b"))
    assert cur.rowcount == 2
    assert conn.insert_id() >= 1
    conn.commit()
    with pytest.raises(MySQLdb.IntegrityError) as e:
        cur.execute("INSERT INTO mdb_t (name) VALUES ('a')")
    assert e.value.args[0] == 1062
    with pytest.raises(MySQLdb.ProgrammingError) as e:
        cur.execute("SELEC 1")
    assert e.value.args[0] == 1064
    with pytest.raises(MySQLdb.ProgrammingError) as e:
        cur.execute("SELECT * FROM mdb_missing")
    assert e.value.args[0] == 1146
    conn.autocommit(False)
    cur.execute("DELETE FROM mdb_t WHERE name = 'a'")
    conn.rollback()
    cur.execute("SELECT name FROM mdb_t ORDER BY name")
    assert cur.fetchall() == (("a",), ("b",))
    cur.execute("UPDATE mdb_t SET name = 'c' WHERE name = 'b'")
    conn.commit()
    other = connect(server)
    ocur = other.cursor()
    ocur.execute("SELECT name FROM mdb_t ORDER BY name")
    assert ocur.fetchall() == (("a",), ("c",))
    other.close()
    conn.close()


def test_multi_statements(server):
    conn = connect(server, client_flag=CLIENT.MULTI_STATEMENTS | CLIENT.MULTI_RESULTS, autocommit=True)
    cur = conn.cursor()
    cur.execute("SELECT 1; SELECT 2, 3; SELECT 'x'")
    sets = [cur.fetchall()]
    while cur.nextset():
        sets.append(cur.fetchall())
    assert sets == [((1,),), ((2, 3),), (("x",),)]
    conn.close()


def test_20mb_blob(server):
    conn = connect(server, autocommit=True)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS mdb_blob")
    cur.execute("CREATE TABLE mdb_blob (id INT PRIMARY KEY, b LONGBLOB)")
    data = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    cur.execute("INSERT INTO mdb_blob VALUES (1, %s)", (data,))
    cur.execute("SELECT b FROM mdb_blob")
    assert cur.fetchone()[0] == data
    cur.execute("DROP TABLE mdb_blob")
    conn.close()
