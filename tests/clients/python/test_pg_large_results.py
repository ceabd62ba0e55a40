"""Large results stream out: the server never holds a whole result in memory.

A handler hands its output to the transport every CONN_DRAIN_AT bytes
(host/net/conn.h), and the transport writes it from the worker, waiting while
the client is slow.  So `SELECT` of a million ~100-byte rows (~100 MB on the
wire) leaves the server's RSS nearly flat, whether the client buffers the
whole result (psycopg2, libpq) or reads it row by row (PyMySQL's SSCursor); and
a client that vanishes mid-result costs the server its statement and the
connection's transaction, nothing more.

The server here is conftest's `lean_server` (a small AddressSanitizer
quarantine), so the RSS bound holds for sanitizer builds too.
"""
import signal
import subprocess
import sys
import time

import mysql.connector
import psycopg
import psycopg2
import pymysql
import pymysql.cursors
import pytest

from server_memory import RssPeak

ROWS = 1_000_000
PAD = 90
RESULT_BYTES = ROWS * (PAD + 6)  # the payload alone, without framing: ~96 MB
PG_QUERY = f"select i, repeat('x', {PAD}) || i as payload from generate_series(1, {ROWS}) s(i)"
MYSQL_QUERY = (f"select i, concat(repeat('x', {PAD}), i) as payload from "
               f"(with recursive s(i) as (select 1 union all select i + 1 from s where i < {ROWS}) "
               f"select i from s) t")
EXPECTED_SUM = ROWS * (ROWS + 1) // 2




def check_rows(rows):
    count = total = 0
    for i, payload in rows:
        count += 1
        total += i
        if payload != "x" * PAD + str(i):
            raise AssertionError(f"row {count}: {payload!r}")
    assert count == ROWS
    assert total == EXPECTED_SUM


@pytest.mark.parametrize("sslmode", ["require", "disable"])
def test_psycopg2_simple_query_result_streams(lean_server, sslmode):
    conn = psycopg2.connect(lean_server.dsn(sslmode=sslmode))
    conn.autocommit = True
    cur = conn.cursor()  # client-side: libpq receives the whole result before execute returns
    cur.execute("select 1")  # the session's first-use costs (catalogs, store connection) come before the baseline
    with RssPeak(lean_server.proc.pid) as peak:
        cur.execute(PG_QUERY)
    assert cur.rowcount == ROWS
    check_rows(cur)
    peak.assert_bounded(RESULT_BYTES)
    conn.close()


def test_psycopg2_extended_execute_result_streams(lean_server):
    """Execute with no row limit (psycopg2 sends parameters inline; a bound parameter forces Parse/Bind)."""
    with psycopg.connect(lean_server.dsn(), autocommit=True) as conn:
        conn.execute("select 1")
        with RssPeak(lean_server.proc.pid) as peak:
            cur = conn.execute(f"select i, repeat('x', {PAD}) || i as payload "
                               f"from generate_series(1, %s::int) s(i)", (ROWS,))
            rows = cur.fetchall()
        check_rows(rows)
        del rows
        peak.assert_bounded(RESULT_BYTES)


def mysql_connect(server, **kw):
    return pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                           database="demo", **kw)


def test_pymysql_unbuffered_result_streams(lean_server):
    conn = mysql_connect(lean_server, cursorclass=pymysql.cursors.SSCursor)
    cur = conn.cursor()
    cur.execute("select 1")
    cur.fetchall()
    with RssPeak(lean_server.proc.pid) as peak:
        cur.execute(MYSQL_QUERY)
        check_rows(cur)
    peak.assert_bounded(RESULT_BYTES)
    conn.close()


def test_mysql_binary_result_streams(lean_server):
    """The binary protocol's rows (COM_STMT_EXECUTE), through mysql-connector's prepared cursor
    (a third of the rows: this pure-Python decoder is the slow part)."""
    rows = ROWS // 3
    conn = mysql.connector.connect(host="127.0.0.1", port=lean_server.mysql_port, user="demo",
                                   password="demo", database="demo", ssl_disabled=True)
    cur = conn.cursor(prepared=True)
    cur.execute("select ?", (1,))
    cur.fetchall()
    with RssPeak(lean_server.proc.pid) as peak:
        cur.execute(MYSQL_QUERY.replace(f"i < {ROWS}", "i < ?"), (rows,))
        count = total = 0
        while True:
            batch = cur.fetchmany(10_000)
            if not batch:
                break
            for i, payload in batch:
                count += 1
                total += i
                if isinstance(payload, (bytes, bytearray)):
                    payload = payload.decode()
                assert payload == "x" * PAD + str(i)
    assert count == rows and total == rows * (rows + 1) // 2
    peak.assert_bounded(rows * (PAD + 6))
    conn.close()


# ---- a client that vanishes mid-result -------------------------------------

PG_DROPPER = """
import sys, time, psycopg
conn = psycopg.connect(sys.argv[1])
conn.execute("insert into drop_t values (2, 'uncommitted')")
n = 0
for row in conn.cursor().stream(sys.argv[2]):  # single-row mode: rows are read as they come
    n += 1
    if n == 1000:
        print("streaming", flush=True)
        time.sleep(600)
"""

MYSQL_DROPPER = """
import sys, time, pymysql, pymysql.cursors
conn = pymysql.connect(host="127.0.0.1", port=int(sys.argv[1]), user="demo", password="demo",
                       database="demo", cursorclass=pymysql.cursors.SSCursor)
cur = conn.cursor()
cur.execute("begin")
cur.execute("insert into drop_t values (2, 'uncommitted')")
cur.execute(sys.argv[2])
for n, row in enumerate(cur, 1):
    if n == 1000:
        print("streaming", flush=True)
        time.sleep(600)
"""


def kill_mid_result(script, *args):
    """Run a client that reads the start of a large result, then SIGKILL it (its socket closes with data unread)."""
    child = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "streaming", f"client did not start reading: {line!r}"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()


def wait_for_log(server, text, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in server.read_log():
            return True
        time.sleep(0.1)
    return False


def prepare_drop_table(server):
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("drop table if exists drop_t")
    cur.execute("create table drop_t (id integer primary key, note text)")
    cur.execute("insert into drop_t values (1, 'committed')")
    conn.close()


def assert_healthy_after_drop(server):
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("select id, note from drop_t order by id")
    assert cur.fetchall() == [(1, "committed")]  # the dropped client's insert was rolled back
    cur.execute("insert into drop_t values (3, 'after')")  # the write lock was released with it
    conn.commit()
    cur.execute("select count(*), sum(i) from generate_series(1, 1000) s(i)")
    assert cur.fetchone() == (1000, 500500)
    conn.close()
    my = mysql_connect(server)
    with my.cursor() as mc:
        mc.execute("select id from drop_t order by id")
        assert [r[0] for r in mc.fetchall()] == [1, 3]
    my.close()


def test_pg_client_dropping_mid_result_leaves_server_healthy(lean_server):
    prepare_drop_table(lean_server)
    dsn = lean_server.dsn()
    kill_mid_result(PG_DROPPER, dsn, PG_QUERY)
    assert wait_for_log(lean_server, "event=result_abandoned"), lean_server.read_log()[-2000:]
    assert_healthy_after_drop(lean_server)


def test_mysql_client_dropping_mid_result_leaves_server_healthy(lean_server):
    prepare_drop_table(lean_server)
    before = lean_server.read_log().count("event=result_abandoned")
    kill_mid_result(MYSQL_DROPPER, str(lean_server.mysql_port), MYSQL_QUERY)
    deadline = time.time() + 30
    while lean_server.read_log().count("event=result_abandoned") == before and time.time() < deadline:
        time.sleep(0.1)
    assert lean_server.read_log().count("event=result_abandoned") > before
    assert_healthy_after_drop(lean_server)
