"""The cells of the MySQL client matrix the per-driver files leave open, for every Python
DB-API driver (PyMySQL, mysql-connector pure and C extension, mysqlclient), SQLAlchemy 2.x
and the mariadb CLI: TLS with both auth plugins, every canonical type and NULL through
parameters, autocommit off with commit and rollback, 100k rows read through a server-side
(unbuffered) cursor, a 20 MB BLOB, errors 1062/1064/1146 as native exceptions with MySQL 8's
words, DROP TABLE of a missing table (1051), and UPDATE's affected rows with and without
CLIENT_FOUND_ROWS."""
import datetime
import decimal
import hashlib
import shutil
import ssl
import subprocess

import MySQLdb
import MySQLdb.cursors
import mysql.connector
import pymysql
import pymysql.cursors
import pytest
from pymysql.constants import CLIENT
from sqlalchemy import create_engine, text
from sqlalchemy import exc as sa_exc

DRIVERS = ["pymysql", "connector-pure", "connector-cext", "mysqlclient"]
ROWS = 100_000


def connect(server, driver, tls=True, native=False, **kw):
    base = dict(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo", database="demo")
    if driver == "pymysql":
        args = dict(base, ssl={"ssl": {}} if tls else None, ssl_disabled=not tls)
        if native:
            return _NativePyMySQL(**args, **kw)
        return pymysql.connect(**args, **kw)
    if driver.startswith("connector"):
        args = dict(base, use_pure=driver == "connector-pure", ssl_disabled=not tls)
        if native:
            args["auth_plugin"] = "mysql_native_password"
        return mysql.connector.connect(**args, **kw)
    args = dict(base, ssl_mode="REQUIRED" if tls else "DISABLED")
    if native:
        args["auth_plugin"] = "mysql_native_password"
    return MySQLdb.connect(**args, **kw)


class _NativePyMySQL(pymysql.connections.Connection):
    """PyMySQL answering the greeting with mysql_native_password (its default follows the server)."""

    def _get_server_information(self):
        super()._get_server_information()
        self._auth_plugin_name = "mysql_native_password"


def errno(e):
    return e.errno if hasattr(e, "errno") and isinstance(e.errno, int) and e.errno > 0 else e.args[0]


def uses_tls(conn, driver):
    if driver == "pymysql":
        return isinstance(conn._sock, ssl.SSLSocket)
    if driver == "connector-pure":
        return isinstance(conn._socket.sock, ssl.SSLSocket)
    if driver == "connector-cext":
        return bool(conn._cmysql.get_ssl_cipher())
    return None  # mysqlclient tells nothing; ssl_mode REQUIRED fails without TLS, DISABLED never tries


def reset(cur, table, cols):
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(f"CREATE TABLE {table} ({cols})")


@pytest.mark.parametrize("driver", DRIVERS)
@pytest.mark.parametrize("native", [False, True], ids=["caching_sha2", "native"])
@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plain"])
def test_select_1_over_tls_and_plain_with_both_plugins(server, driver, native, tls):
    if driver == "connector-cext" and native:
        pytest.skip("the C extension's libmysqlclient 9 has no mysql_native_password plugin to load")
    conn = connect(server, driver, tls=tls, native=native)
    cur = conn.cursor()
    cur.execute("SELECT 1")
    assert cur.fetchone()[0] == 1
    assert uses_tls(conn, driver) in (tls, None)
    conn.close()


TYPES = ("id INT PRIMARY KEY, ti TINYINT, si SMALLINT, i INT, b BIGINT, f FLOAT, d DOUBLE, n DECIMAL(12,3), "
         "c CHAR(3), v VARCHAR(40), t TEXT, bl BLOB, dt DATE, ts DATETIME, tm TIME, flag BOOLEAN")
VALUES = (1, -8, 300, -70000, 9007199254740993, 1.5, 2.25, decimal.Decimal("-12.345"), "abc", "héllo ✓",
          "x" * 2000, bytes([0, 1, 2, 250, 255]), datetime.date(2024, 2, 29),
          datetime.datetime(2024, 2, 29, 13, 14, 15), "26:03:04", True)
TIME_BACK = datetime.timedelta(hours=26, minutes=3, seconds=4)  # (mysqlclient writes a timedelta as str())


def _norm(v):
    return bytes(v) if isinstance(v, (bytearray, memoryview)) else v


@pytest.mark.parametrize("driver", DRIVERS)
def test_every_type_and_null_through_parameters(server, driver):
    conn = connect(server, driver, autocommit=True)
    cur = conn.cursor()
    table = "mx_types_" + driver.replace("-", "_")
    reset(cur, table, TYPES)
    ph = ", ".join(["%s"] * 16)
    cur.execute(f"INSERT INTO {table} VALUES ({ph})", VALUES)
    cur.execute(f"INSERT INTO {table} VALUES ({ph})", (2,) + (None,) * 15)
    cur.execute(f"SELECT * FROM {table} WHERE id = %s", (1,))
    got = [_norm(v) for v in cur.fetchone()]
    want = list(VALUES)
    want[14] = TIME_BACK
    want[15] = 1  # BOOLEAN is TINYINT(1)
    assert got == want
    cur.execute(f"SELECT * FROM {table} WHERE id = %s", (2,))
    assert list(cur.fetchone()) == [2] + [None] * 15
    # and as comparisons on the server
    cur.execute(f"SELECT COUNT(*) FROM {table} WHERE v = %s AND bl = %s AND b = %s AND dt = %s AND ts = %s AND n = %s",
                (VALUES[9], VALUES[11], VALUES[4], VALUES[12], VALUES[13], VALUES[7]))
    assert cur.fetchone()[0] == 1
    cur.execute(f"SELECT COUNT(*) FROM {table} WHERE i IS NULL AND %s IS NULL", (None,))
    assert cur.fetchone()[0] == 1
    conn.close()


@pytest.mark.parametrize("driver", DRIVERS)
def test_autocommit_off_commit_and_rollback(server, driver):
    conn = connect(server, driver)
    conn.autocommit(False) if driver in ("pymysql", "mysqlclient") else setattr(conn, "autocommit", False)
    cur = conn.cursor()
    table = "mx_txn_" + driver.replace("-", "_")
    reset(cur, table, "id INT PRIMARY KEY")
    conn.commit()
    cur.execute(f"INSERT INTO {table} VALUES (1)")
    conn.rollback()
    cur.execute(f"INSERT INTO {table} VALUES (2)")
    conn.commit()
    cur.execute(f"INSERT INTO {table} VALUES (3)")  # open: not visible to others
    other = connect(server, driver, autocommit=True)
    ocur = other.cursor()
    ocur.execute(f"SELECT id FROM {table} ORDER BY id")
    assert [r[0] for r in ocur.fetchall()] == [2]
    conn.rollback()
    cur.execute(f"SELECT id FROM {table} ORDER BY id")
    assert [r[0] for r in cur.fetchall()] == [2]
    conn.commit()
    other.close()
    conn.close()


@pytest.fixture(scope="module")
def rows_table(server):
    conn = connect(server, "pymysql", autocommit=True)
    cur = conn.cursor()
    reset(cur, "mx_rows", "x INT PRIMARY KEY, s VARCHAR(20)")
    cur.execute(f"INSERT INTO mx_rows WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {ROWS}) "
                "SELECT x, CONCAT('r', x) FROM n")
    conn.close()
    return "mx_rows"


def unbuffered_cursor(conn, driver):
    if driver == "pymysql":
        return conn.cursor(pymysql.cursors.SSCursor)
    if driver == "mysqlclient":
        return conn.cursor(MySQLdb.cursors.SSCursor)
    return conn.cursor(buffered=False)


@pytest.mark.parametrize("driver", DRIVERS)
def test_100k_rows_through_an_unbuffered_cursor(server, driver, rows_table):
    conn = connect(server, driver)
    cur = unbuffered_cursor(conn, driver)
    cur.execute(f"SELECT x, s FROM {rows_table} ORDER BY x")
    n = total = 0
    while True:
        batch = cur.fetchmany(5000)
        if not batch:
            break
        for x, s in batch:
            n += 1
            total += x
            assert s == f"r{x}"
    assert (n, total) == (ROWS, ROWS * (ROWS + 1) // 2)
    cur.close()
    conn.close()


@pytest.mark.parametrize("driver", DRIVERS)
def test_errors_are_native_exceptions_in_mysql_words(server, driver):
    conn = connect(server, driver, autocommit=True)
    mod = {"pymysql": pymysql, "mysqlclient": MySQLdb}.get(driver, mysql.connector)
    cur = conn.cursor()
    table = "mx_err_" + driver.replace("-", "_")
    reset(cur, table, "id INT PRIMARY KEY, email VARCHAR(40) UNIQUE")
    cur.execute(f"INSERT INTO {table} VALUES (%s, %s)", (1, "a@x"))
    with pytest.raises(mod.IntegrityError) as e:
        cur.execute(f"INSERT INTO {table} VALUES (%s, %s)", (1, "b@x"))
    assert errno(e.value) == 1062
    assert f"Duplicate entry '1' for key '{table}.PRIMARY'" in str(e.value)
    with pytest.raises(mod.IntegrityError) as e:
        cur.execute(f"UPDATE {table} SET email = %s WHERE id = %s", ("a@x", 5))  # no row: no error
        cur.execute(f"INSERT INTO {table} (email, id) VALUES (%s, %s)", ("a@x", 2))
    assert f"Duplicate entry 'a@x' for key '{table}.email'" in str(e.value)
    with pytest.raises(mod.IntegrityError) as e:  # several rows: the first that collides
        cur.execute(f"INSERT INTO {table} VALUES (%s, %s), (%s, %s), (%s, %s)", (7, "c@x", 8, "d@x", 7, "e@x"))
    assert f"Duplicate entry '7' for key '{table}.PRIMARY'" in str(e.value)
    with pytest.raises(mod.ProgrammingError) as e:
        cur.execute("SELEC 1 FRM")
    assert errno(e.value) == 1064
    with pytest.raises(mod.ProgrammingError) as e:
        cur.execute("SELECT * FROM mx_no_such_table")
    assert errno(e.value) == 1146
    assert "Table 'demo.mx_no_such_table' doesn't exist" in str(e.value)
    with pytest.raises((mod.ProgrammingError, mod.OperationalError)) as e:
        cur.execute("DROP TABLE mx_no_such_table")
    assert errno(e.value) == 1051
    assert "Unknown table 'demo.mx_no_such_table'" in str(e.value)
    cur.execute(f"SELECT COUNT(*) FROM {table}")
    assert cur.fetchone()[0] == 1
    conn.close()


# ---- UPDATE's affected rows: changed, unless the client set CLIENT_FOUND_ROWS -------------


def test_found_rows_flag_decides_what_update_reports(server):
    for flag, expect in ((0, (0, 1, 2)), (CLIENT.FOUND_ROWS, (3, 2, 2))):
        conn = pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                               database="demo", autocommit=True, client_flag=flag)
        cur = conn.cursor()
        reset(cur, "mx_found", "id INT PRIMARY KEY, v INT, s VARCHAR(10)")
        cur.execute("INSERT INTO mx_found VALUES (1, 1, 'a'), (2, 2, 'b'), (3, NULL, 'c')")
        got = (cur.execute("UPDATE mx_found SET v = v"),
               cur.execute("UPDATE mx_found SET v = 2 WHERE id >= 2"),  # row 2 already holds 2
               cur.execute("UPDATE mx_found SET v = NULL, s = 'c' WHERE id = 3 OR id = 1"))  # row 3: NULL, 'c'
        assert got == expect, flag
        cur.execute("UPDATE mx_found SET s = 'zz' WHERE id <= 2 OR s = 'zz'")
        # the OK packet's info, as MySQL words it (PyMySQL keeps its length byte)
        assert conn._result.message.endswith(b"Rows matched: 2  Changed: 2  Warnings: 0")
        cur.execute("UPDATE mx_found SET s = 'zz' WHERE id <= 2")
        assert conn._result.message.endswith(b"Rows matched: 2  Changed: 0  Warnings: 0")
        cur.execute("SELECT id, v, s FROM mx_found ORDER BY id")
        assert cur.fetchall() == ((1, None, "zz"), (2, 2, "zz"), (3, None, "c"))
        conn.close()


@pytest.mark.parametrize("pure", [True, False], ids=["pure", "cext"])
def test_prepared_update_reports_changed_rows(server, pure):
    conn = mysql.connector.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                                   database="demo", autocommit=True, use_pure=pure)
    cur = conn.cursor(prepared=True)
    table = "mx_prep_found_" + ("p" if pure else "c")
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(f"CREATE TABLE {table} (id INT PRIMARY KEY, v INT, s VARCHAR(10))")
    cur.execute(f"INSERT INTO {table} VALUES (?, ?, ?), (?, ?, ?)", (1, 1, "a", 2, 2, "b"))
    cur.execute(f"UPDATE {table} SET v = ?, s = ? WHERE id >= ?", (2, "b", 1))
    assert cur.rowcount == 1  # row 2 already holds (2, 'b')
    cur.execute(f"UPDATE {table} SET v = v + ? WHERE id = ?", (0, 1))
    assert cur.rowcount == 0
    cur.execute(f"UPDATE {table} SET v = v + ? WHERE id = ?", (5, 1))
    assert cur.rowcount == 1
    cur.execute(f"SELECT id, v, s FROM {table} ORDER BY id")
    assert [tuple(r) for r in cur.fetchall()] == [(1, 7, "b"), (2, 2, "b")]
    # a CTE's parameter counts once
    cur.execute("WITH c AS (SELECT ? AS x) SELECT x * ? FROM c", (6, 7))
    assert int(cur.fetchall()[0][0]) == 42
    conn.close()


# ---- SQLAlchemy 2.x ----------------------------------------------------------------------


SA_DRIVERS = ["pymysql", "mysqlconnector", "mysqldb"]


def sa_engine(server, driver, tls=True, native=False):
    url = f"mysql+{driver}://demo:demo@127.0.0.1:{server.mysql_port}/demo"
    args = {}
    if driver == "pymysql":
        args = {"ssl": {"ssl": {}}} if tls else {}
    elif driver == "mysqlconnector":
        args = {"ssl_disabled": not tls}
    else:
        args = {"ssl_mode": "REQUIRED" if tls else "DISABLED"}
    if native and driver != "pymysql":
        args["auth_plugin"] = "mysql_native_password"
    return create_engine(url, connect_args=args)


@pytest.mark.parametrize("driver", SA_DRIVERS)
@pytest.mark.parametrize("native", [False, True], ids=["caching_sha2", "native"])
def test_sqlalchemy_tls_auth_types_stream_blob_errors(server, driver, native, rows_table):
    if native and driver == "pymysql":
        pytest.skip("PyMySQL's plugin choice is not a connect argument (covered above)")
    eng = sa_engine(server, driver, tls=True, native=native)
    table = f"mx_sa_{driver}_{int(native)}"
    with eng.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    if native:
        eng.dispose()
        return
    with eng.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        conn.execute(text(f"CREATE TABLE {table} ({TYPES})"))
        names = ["id", "ti", "si", "i", "b", "f", "d", "n", "c", "v", "t", "bl", "dt", "ts", "tm", "flag"]
        ins = text(f"INSERT INTO {table} VALUES ({', '.join(':' + n for n in names)})")
        conn.execute(ins, dict(zip(names, VALUES)))
        conn.execute(ins, dict(zip(names, (2,) + (None,) * 15)))
    with eng.connect() as conn:
        got = [_norm(v) for v in conn.execute(text(f"SELECT * FROM {table} WHERE id = :id"), {"id": 1}).one()]
        want = list(VALUES)
        want[14] = TIME_BACK
        want[15] = 1
        assert got == want
        assert list(conn.execute(text(f"SELECT * FROM {table} WHERE id = 2")).one()) == [2] + [None] * 15
        conn.commit()
        # a rolled-back transaction leaves nothing; autocommit off is SQLAlchemy's default
        trans = conn.begin()
        conn.execute(text(f"DELETE FROM {table}"))
        trans.rollback()
        assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 2
        # server-side cursor
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(
            text(f"SELECT x FROM {rows_table} ORDER BY x"))
        n = total = 0
        for (x,) in result:
            n += 1
            total += x
        assert (n, total) == (ROWS, ROWS * (ROWS + 1) // 2)
    # a 20 MB BLOB
    data = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    with eng.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET bl = :b WHERE id = 2"), {"b": data})
    with eng.connect() as conn:
        assert bytes(conn.execute(text(f"SELECT bl FROM {table} WHERE id = 2")).scalar()) == data
    # errors
    with pytest.raises(sa_exc.IntegrityError) as e:
        with eng.begin() as conn:
            conn.execute(text(f"INSERT INTO {table} (id) VALUES (1)"))
    assert errno(e.value.orig) == 1062
    with pytest.raises(sa_exc.ProgrammingError) as e:
        with eng.connect() as conn:
            conn.execute(text("SELEC 1 FRM"))
    assert errno(e.value.orig) == 1064
    with pytest.raises(sa_exc.ProgrammingError) as e:
        with eng.connect() as conn:
            conn.execute(text("SELECT * FROM mx_sa_missing"))
    assert errno(e.value.orig) == 1146
    with eng.begin() as conn:
        conn.execute(text(f"DROP TABLE {table}"))
    eng.dispose()


# ---- the mariadb CLI ---------------------------------------------------------------------

cli_only = pytest.mark.skipif(shutil.which("mariadb") is None, reason="mariadb CLI not installed")


def cli(server, *args, stdin=None, tls=True):
    cmd = ["mariadb", "-h127.0.0.1", "-P", str(server.mysql_port), "-udemo", "-pdemo", "demo", "--batch",
           "--ssl" if tls else "--skip-ssl", "--max-allowed-packet=64M"] + list(args)
    return subprocess.run(cmd, input=stdin, capture_output=True, timeout=300)


@cli_only
@pytest.mark.parametrize("plugin", ["caching_sha2_password", "mysql_native_password"])
@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plain"])
def test_cli_both_plugins(server, plugin, tls):
    r = cli(server, f"--default-auth={plugin}", "-e", "SELECT 1 AS one", tls=tls)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == "one\n1\n"
    r = cli(server, f"--default-auth={plugin}", "-e", "status", tls=tls)
    assert r.returncode == 0, r.stderr
    assert ("Cipher in use is TLS" in r.stdout.decode()) == tls


@cli_only
def test_cli_types_transactions_errors(server):
    script = """
DROP TABLE IF EXISTS mx_cli;
CREATE TABLE mx_cli (id INT PRIMARY KEY, n DECIMAL(12,3), v VARCHAR(20), bl BLOB, ts DATETIME, tm TIME, d DOUBLE);
INSERT INTO mx_cli VALUES (1, -12.345, 'héllo', X'00FF41', '2024-02-29 13:14:15', '26:03:04', 2.25);
INSERT INTO mx_cli VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL);
SET autocommit = 0;
INSERT INTO mx_cli (id) VALUES (3);
ROLLBACK;
INSERT INTO mx_cli (id) VALUES (4);
COMMIT;
SET autocommit = 1;
SELECT id, n, v, CASE WHEN bl IS NULL THEN NULL ELSE HEX(bl) END, ts, tm, d FROM mx_cli ORDER BY id;
UPDATE mx_cli SET v = v;
INSERT INTO mx_cli (id) VALUES (1);
"""
    r = cli(server, "-f", "-N", "-vvv", stdin=script.encode())
    out, err = r.stdout.decode(), r.stderr.decode()
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in out.splitlines() if line.startswith("|")]  # -vvv prints tables
    assert rows == [["1", "-12.345", "héllo", "00FF41", "2024-02-29 13:14:15", "26:03:04", "2.25"],
                    ["2"] + ["NULL"] * 6, ["4"] + ["NULL"] * 6]
    assert "Rows matched: 3  Changed: 0  Warnings: 0" in out
    assert "ERROR 1062 (23000) at line 14: Duplicate entry '1' for key 'mx_cli.PRIMARY'" in err
    r = cli(server, "-e", "SELEC 1")
    assert "ERROR 1064 (42000)" in r.stderr.decode()
    r = cli(server, "-e", "SELECT * FROM mx_cli_missing")
    assert "ERROR 1146 (42S02) at line 1: Table 'demo.mx_cli_missing' doesn't exist" in r.stderr.decode()
    r = cli(server, "-e", "DROP TABLE mx_cli_missing")
    assert "ERROR 1051 (42S02) at line 1: Unknown table 'demo.mx_cli_missing'" in r.stderr.decode()


@cli_only
def test_cli_100k_rows_quick_and_a_20mb_blob(server, rows_table):
    r = cli(server, "--quick", "-N", "-e", f"SELECT x, s FROM {rows_table} ORDER BY x")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert len(lines) == ROWS
    assert sum(int(line.split("\t")[0]) for line in lines) == ROWS * (ROWS + 1) // 2
    assert lines[-1] == f"{ROWS}\tr{ROWS}"
    data = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    script = ("DROP TABLE IF EXISTS mx_cli_blob; CREATE TABLE mx_cli_blob (id INT PRIMARY KEY, b LONGBLOB);\n"
              f"INSERT INTO mx_cli_blob VALUES (1, X'{data.hex()}');\n").encode()
    r = cli(server, stdin=script)
    assert r.returncode == 0, r.stderr
    r = cli(server, "--quick", "-N", "--raw", "-e", "SELECT LENGTH(b), HEX(b) FROM mx_cli_blob")
    assert r.returncode == 0, r.stderr
    length, hexed = r.stdout.decode().rstrip("\n").split("\t")
    assert int(length) == len(data)
    assert hashlib.sha256(bytes.fromhex(hexed)).digest() == hashlib.sha256(data).digest()
