"""mysql-connector-python against rosettad, both the pure-Python protocol and the C
extension: TLS and plain, both auth plugins (full caching_sha2 authentication over TLS),
errors with their errnos, transactions, multi-statements, a 20 MB BLOB."""
import decimal

import mysql.connector
import pytest
from mysql.connector import errorcode, errors

IMPLS = [pytest.param(True, id="pure"), pytest.param(False, id="cext")]


def connect(server, pure, **kw):
    args = dict(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo", database="demo",
                use_pure=pure)
    args.update(kw)
    return mysql.connector.connect(**args)


@pytest.mark.parametrize("pure", IMPLS)
def test_tls_and_plain_select_1(server, pure):
    conn = connect(server, pure)  # TLS is preferred when the server offers it
    cur = conn.cursor()
    cur.execute("SELECT 1, 'x', 2.5")
    assert cur.fetchall() == [(1, "x", decimal.Decimal("2.5"))]
    cur.execute("SHOW VARIABLES LIKE 'have_ssl'")
    assert cur.fetchall()[0][1] == "YES"
    conn.close()
    conn = connect(server, pure, ssl_disabled=True)
    cur = conn.cursor()
    cur.execute("SELECT 1")
    assert cur.fetchall() == [(1,)]
    conn.close()


@pytest.mark.parametrize("pure", IMPLS)
def test_native_password_plugin(server, pure):
    # (a client library built without the plugin sends no token and is switched to caching_sha2)
    conn = connect(server, pure, auth_plugin="mysql_native_password")
    cur = conn.cursor()
    cur.execute("SELECT 3")
    assert cur.fetchall() == [(3,)]
    conn.close()


@pytest.mark.parametrize("pure", IMPLS)
def test_wrong_password_is_1045(server, pure):
    with pytest.raises(errors.ProgrammingError) as e:
        connect(server, pure, password="wrong")
    assert e.value.errno == errorcode.ER_ACCESS_DENIED_ERROR == 1045
    assert e.value.sqlstate == "28000"


@pytest.mark.parametrize("pure", IMPLS)
def test_full_authentication_over_tls(fresh_server, pure):
    fresh_server.extra += ["--mysql-auth-cache", "0"]
    fresh_server.start()
    conn = connect(fresh_server, pure)
    cur = conn.cursor()
    cur.execute("SELECT 4")
    assert cur.fetchall() == [(4,)]
    conn.close()
    with pytest.raises(errors.ProgrammingError) as e:
        connect(fresh_server, pure, password="wrong")
    assert e.value.errno == 1045


@pytest.mark.parametrize("pure", IMPLS)
def test_crud_errors_and_transactions(server, pure):
    conn = connect(server, pure)
    tag = "p" if pure else "c"
    cur = conn.cursor()
    cur.execute(f"DROP TABLE IF EXISTS mc_{tag}")
    cur.execute(f"CREATE TABLE mc_{tag} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(30) UNIQUE, n BIGINT)")
    conn.autocommit = True
    cur.execute(f"INSERT INTO mc_{tag} (name, n) VALUES (%s, %s)", ("a", 1))
    assert cur.rowcount == 1 and cur.lastrowid >= 1
    cur.execute(f"UPDATE mc_{tag} SET n = n + 10 WHERE name = %s", ("a",))
    assert cur.rowcount == 1
    cur.execute(f"SELECT name, n FROM mc_{tag}")
    assert cur.fetchall() == [("a", 11)]
    with pytest.raises(errors.IntegrityError) as e:
        cur.execute(f"INSERT INTO mc_{tag} (name) VALUES ('a')")
    assert e.value.errno == 1062
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("SELEC 1")
    assert e.value.errno == 1064
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("SELECT * FROM mc_missing")
    assert e.value.errno == 1146
    # autocommit off: rollback and commit
    conn.autocommit = False
    cur.execute(f"INSERT INTO mc_{tag} (name, n) VALUES ('b', 2)")
    conn.rollback()
    cur.execute(f"SELECT COUNT(*) FROM mc_{tag}")
    assert cur.fetchall() == [(1,)]
    cur.execute(f"INSERT INTO mc_{tag} (name, n) VALUES ('c', 3)")
    conn.commit()
    other = connect(server, pure)
    ocur = other.cursor()
    ocur.execute(f"SELECT name FROM mc_{tag} ORDER BY name")
    assert ocur.fetchall() == [("a",), ("c",)]
    other.close()
    conn.close()


@pytest.mark.parametrize("pure", IMPLS)
def test_multi_statements(server, pure):
    conn = connect(server, pure, autocommit=True)
    cur = conn.cursor()
    sql = "SELECT 1 AS a; SELECT 'two' AS b"
    got = []
    try:
        for res in cur.execute(sql, multi=True):  # connector < 9.2
            got.append(res.fetchall() if res.with_rows else res.rowcount)
    except TypeError:  # connector >= 9.2: execute(..., map_results=True) then nextset()
        cur.execute(sql, map_results=True)
        got.append(cur.fetchall())
        while cur.nextset():
            got.append(cur.fetchall())
    assert got == [[(1,)], [("two",)]]
    conn.close()


@pytest.mark.parametrize("pure", IMPLS)
def test_20mb_blob(server, pure):
    conn = connect(server, pure, autocommit=True)
    tag = "p" if pure else "c"
    cur = conn.cursor()
    cur.execute(f"DROP TABLE IF EXISTS mc_blob_{tag}")
    cur.execute(f"CREATE TABLE mc_blob_{tag} (id INT PRIMARY KEY, b LONGBLOB)")
    data = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    cur.execute(f"INSERT INTO mc_blob_{tag} VALUES (1, %s)", (data,))
    cur.execute(f"SELECT b FROM mc_blob_{tag}")
    (got,) = cur.fetchone()
    assert bytes(got) == data
    cur.execute(f"DROP TABLE mc_blob_{tag}")
    conn.close()


@pytest.mark.parametrize("pure", IMPLS)
def test_change_user_and_reset_connection(server, pure):
    conn = connect(server, pure)
    cur = conn.cursor()
    cur.execute("SET @marker = 'kept'")
    cur.execute("SELECT @marker")
    assert cur.fetchall()[0][0] == "kept"
    conn.reset_session()  # COM_RESET_CONNECTION: variables are gone, the connection stays
    cur = conn.cursor()
    cur.execute("SELECT @marker, DATABASE()")
    assert cur.fetchall() == [(None, "demo")]
    conn.cmd_change_user(username="demo", password="demo", database="demo")  # COM_CHANGE_USER
    cur = conn.cursor()
    cur.execute("SELECT CURRENT_USER() IS NOT NULL, DATABASE()")
    assert cur.fetchall() == [(1, "demo")]
    with pytest.raises(errors.ProgrammingError) as e:
        conn.cmd_change_user(username="demo", password="wrong", database="demo")
    assert e.value.errno == 1045
