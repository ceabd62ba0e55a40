"""MySQL prepared statements and the binary protocol through mysql-connector-python.

Every test runs with the pure-Python protocol and with the C extension (which
uses libmysqlclient's mysql_stmt_* calls); the cursor and long-data tests drive
COM_STMT_FETCH and COM_STMT_SEND_LONG_DATA through the pure protocol's own calls.
"""
import datetime
import decimal
import io

import mysql.connector
import mysql.connector.errors as myerr
import pytest


def connect(server, pure, **kw):
    return mysql.connector.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                                   database="demo", use_pure=pure, **kw)


@pytest.fixture(params=[True, False], ids=["pure", "cext"])
def cnx(server, request):
    c = connect(server, request.param)
    c.autocommit = True
    yield c
    c.close()


def fresh_table(cnx, name, ddl):
    cur = cnx.cursor()
    cur.execute(f"drop table if exists {name}")
    cur.execute(f"create table {name} ({ddl})")
    cur.close()


ALL_TYPES = ("id int primary key, i int, b bigint, f float, d double, n decimal(10,2), v varchar(50), "
             "t text, bl blob, dt date, ts datetime, tm time, flag boolean")

ROW = (1, -7, 9007199254740993, 1.5, 2.25, decimal.Decimal("12.50"), "héllo wörld", "a longer text " * 20,
       b"\x00\x01\xfe\xff", datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 13, 14, 15),
       datetime.timedelta(hours=26, minutes=3, seconds=4), True)


def is_pure(cnx):
    return isinstance(cnx, mysql.connector.connection.MySQLConnection)


def test_every_type_round_trips_through_prepared_statements(cnx):
    table = "ps_types_" + ("p" if is_pure(cnx) else "c")
    fresh_table(cnx, table, ALL_TYPES)
    cur = cnx.cursor(prepared=True)
    row = ROW
    if not is_pure(cnx):  # the C extension sends a timedelta's seconds as microseconds; a time is sent right
        row = ROW[:11] + (datetime.time(2, 3, 4),) + ROW[12:]
    cur.execute(f"insert into {table} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    assert cur.rowcount == 1
    cur.execute(f"insert into {table} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (2,) + (None,) * 12)
    cur.execute(f"select id, i, b, f, d, n, v, t, bl, dt, ts, tm, flag from {table} where id = ?", (1,))
    got = cur.fetchone()
    assert got[:5] == ROW[:5]
    assert got[5] == decimal.Decimal("12.50") or float(got[5]) == 12.5
    assert got[6] == ROW[6] and got[7] == ROW[7]
    assert bytes(got[8]) == ROW[8]
    assert got[9:11] == ROW[9:11]
    assert got[11] == (ROW[11] if is_pure(cnx) else datetime.timedelta(hours=2, minutes=3, seconds=4))
    assert got[12] == 1
    assert cur.fetchone() is None
    cur.execute(f"select * from {table} where id = ?", (2,))
    assert cur.fetchall() == [(2,) + (None,) * 12]
    # column types as the client sees them
    cur.execute(f"select i, b, d, v, dt, ts from {table} where id = ?", (1,))
    cur.fetchall()
    types = [d[1] for d in cur.description]
    ft = mysql.connector.FieldType
    assert types == [ft.LONG, ft.LONGLONG, ft.DOUBLE, ft.VAR_STRING, ft.DATE, ft.DATETIME]
    cur.close()


def test_parameters_compare_with_every_type(cnx):
    fresh_table(cnx, "ps_where", ALL_TYPES)
    cur = cnx.cursor(prepared=True)
    cur.execute("insert into ps_where values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ROW)
    for col, val in [("i", -7), ("b", 9007199254740993), ("d", 2.25), ("v", "héllo wörld"),
                     ("dt", datetime.date(2024, 2, 29)), ("ts", datetime.datetime(2024, 2, 29, 13, 14, 15)),
                     ("bl", b"\x00\x01\xfe\xff")]:
        cur.execute(f"select id from ps_where where {col} = ?", (val,))
        assert cur.fetchall() == [(1,)], col
    cur.execute("select ? + 1, ?, ?", (41, "text", None))
    row = cur.fetchone()
    assert int(row[0]) == 42 and row[1] == "text" and row[2] is None
    cur.close()


def test_executemany_and_rowcounts_and_lastrowid(cnx):
    fresh_table(cnx, "ps_dml", "id int auto_increment primary key, name varchar(20), qty int")
    cur = cnx.cursor(prepared=True)
    cur.executemany("insert into ps_dml (name, qty) values (?, ?)", [(f"n{i}", i) for i in range(50)])
    if is_pure(cnx):  # the C extension's executemany sums -1 per statement, whatever the server says
        assert cur.rowcount == 50
    cur.execute("insert into ps_dml (name, qty) values (?, ?)", ("last", 100))
    assert cur.rowcount == 1
    assert cur.lastrowid == 51
    cur.execute("update ps_dml set qty = qty + ? where qty < ?", (1000, 10))
    assert cur.rowcount == 10
    cur.execute("delete from ps_dml where qty >= ?", (1000,))
    assert cur.rowcount == 10
    cur.execute("select count(*), sum(qty) from ps_dml")
    assert tuple(int(x) for x in cur.fetchone()) == (41, sum(range(10, 50)) + 100)
    cur.close()


def test_a_statement_is_executed_many_times_with_new_values(cnx):
    cur = cnx.cursor(prepared=True)
    for i in range(20):
        cur.execute("select ? * 2, ?", (i, f"s{i}"))
        row = cur.fetchone()
        assert int(row[0]) == 2 * i and row[1] == f"s{i}"
    cur.close()


def test_errors_arrive_as_native_exceptions(cnx):
    fresh_table(cnx, "ps_err", "id int primary key")
    cur = cnx.cursor(prepared=True)
    cur.execute("insert into ps_err values (?)", (1,))
    with pytest.raises(myerr.IntegrityError) as e:
        cur.execute("insert into ps_err values (?)", (1,))
    assert e.value.errno == 1062
    with pytest.raises(myerr.ProgrammingError) as e:
        cur.execute("selec ? frm", (1,))
    assert e.value.errno == 1064
    with pytest.raises(myerr.ProgrammingError) as e:
        cur.execute("select * from ps_no_such_table where id = ?", (1,))
    assert e.value.errno == 1146
    # the connection is still good
    cur.execute("select count(*) from ps_err where id = ?", (1,))
    assert int(cur.fetchone()[0]) == 1
    cur.close()


@pytest.fixture(scope="module")
def big_table(server):
    """ps_big: x = 1..100000."""
    c = connect(server, True)
    c.autocommit = True
    fresh_table(c, "ps_big", "x int primary key")
    cur = c.cursor()
    cur.execute("insert into ps_big with recursive s(x) as (select 1 union all select x + 1 from s where x < 100000) "
                "select x from s")
    cur.close()
    c.close()
    return "ps_big"


def test_a_large_result_streams_through_a_prepared_cursor(cnx, big_table):
    cur = cnx.cursor(prepared=True)
    cur.execute(f"select x, x * 2 from {big_table} where x <= ? order by x", (100000,))
    n = total = 0
    for row in cur:
        n += 1
        total += row[1]
    assert n == 100000
    assert total == 100000 * 100001
    cur.close()


def test_read_only_cursor_fetches_in_batches(server, big_table):
    """COM_STMT_EXECUTE with CURSOR_TYPE_READ_ONLY, then COM_STMT_FETCH until LAST_ROW_SENT."""
    c = connect(server, True)
    stmt = c.cmd_stmt_prepare(f"select x, concat('row', x) from {big_table} where x > ? order by x".encode())
    res = c.cmd_stmt_execute(stmt["statement_id"], data=(0,), parameters=stmt["parameters"], flags=1)
    ncols, columns, eof = res
    assert ncols == 2
    assert eof["status_flag"] & 0x40  # SERVER_STATUS_CURSOR_EXISTS
    seen, batches = 0, 0
    while True:
        c.cmd_stmt_fetch(stmt["statement_id"], 7000)
        rows, eof = c.get_rows(binary=True, columns=columns)
        batches += 1
        assert len(rows) <= 7000
        for r in rows:
            seen += 1
            assert r[0] == seen
        if eof["status_flag"] & 0x80:  # SERVER_STATUS_LAST_ROW_SENT
            break
        assert eof["status_flag"] & 0x40
    assert seen == 100000
    assert batches >= 15
    # the statement can run again, and a reset closes a fresh cursor
    res = c.cmd_stmt_execute(stmt["statement_id"], data=(99990,), parameters=stmt["parameters"], flags=1)
    c.cmd_stmt_fetch(stmt["statement_id"], 3)
    rows, eof = c.get_rows(binary=True, columns=res[1])
    assert [r[0] for r in rows] == [99991, 99992, 99993]
    assert [r[1] for r in rows][0] in ("row99991", b"row99991")
    c.cmd_stmt_reset(stmt["statement_id"])
    with pytest.raises(myerr.DatabaseError):
        c.cmd_stmt_fetch(stmt["statement_id"], 1)
        c.get_rows(binary=True, columns=res[1])
    c.cmd_stmt_close(stmt["statement_id"])
    c.close()


def test_unknown_statement_handle_is_an_error(server):
    c = connect(server, True)
    with pytest.raises(myerr.DatabaseError) as e:
        c.cmd_stmt_execute(987654)
    assert e.value.errno == 1243
    c.cmd_stmt_close(987654)  # no reply, no harm
    cur = c.cursor()
    cur.execute("select 1")
    assert cur.fetchall() == [(1,)]
    c.close()


def test_a_20_mb_blob_is_sent_as_long_data(server):
    c = connect(server, True)
    c.autocommit = True
    fresh_table(c, "ps_long", "id int primary key, data longblob")
    blob = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    cur = c.cursor(prepared=True)
    cur.execute("insert into ps_long values (?, ?)", (1, io.BytesIO(blob)))
    assert cur.rowcount == 1
    # (mysql-connector's binary-row reader cannot take a row past 16 MiB: compare slices)
    cur.execute("select length(data), substr(data, 1, 1000), substr(data, ?, 1000) from ps_long where id = ?",
                (len(blob) - 999, 1))
    length, head, tail = cur.fetchone()
    assert length == len(blob)
    assert bytes(head) == blob[:1000]
    assert bytes(tail) == blob[-1000:]
    cur.close()
    c.close()


def test_transactions_through_prepared_statements(cnx):
    fresh_table(cnx, "ps_txn", "id int primary key")
    cnx.autocommit = False
    cur = cnx.cursor(prepared=True)
    cur.execute("insert into ps_txn values (?)", (1,))
    cnx.rollback()
    cur.execute("insert into ps_txn values (?)", (2,))
    cnx.commit()
    cur.execute("select id from ps_txn")
    assert cur.fetchall() == [(2,)]
    cnx.autocommit = True
    cur.close()


def test_statements_described_only_when_run_return_their_rows(cnx):
    """SHOW and SELECT @@var have no columns at PREPARE; EXECUTE sends them."""
    fresh_table(cnx, "ps_show", "id int")
    cur = cnx.cursor(prepared=True)
    cur.execute("show tables")
    assert ("ps_show",) in cur.fetchall()
    cur.execute("select @@version")
    assert "rosetta" in cur.fetchone()[0]
    cur.execute("set @ps_x = 1")
    cur.close()
