"""Server-side cursors: SQL-level ones (DECLARE / FETCH / MOVE / CLOSE) from psycopg2,
psycopg 3, SQLAlchemy's stream_results and psql's FETCH_COUNT, and protocol-level
portals read with Execute row limits from asyncpg.

A cursor is a session portal: FETCH steps the store statement, so a cursor over
a result far larger than memory keeps the server's memory flat.
"""
import asyncio
import os
import subprocess

import asyncpg
import psycopg
import psycopg2
import psycopg2.errors
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from server_memory import RssPeak, rss_kb

WIDE = 4000        # bytes of payload per row
ROWS = 100_000     # ~400 MB of rows if the server built the result in memory
WIDE_QUERY = f"select i, repeat('x', {WIDE}) || i as payload from generate_series(1, {ROWS}) s(i)"




def sanitizer_build(pid):
    """ASan keeps freed memory in quarantine and per-thread caches: its RSS says nothing about streaming."""
    with open(f"/proc/{pid}/maps") as f:
        return "libasan" in f.read()


def test_psycopg2_named_cursor_streams_without_materialising(server):
    pid = server.proc.pid
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor(name="wide_c")
    cur.itersize = 200  # FETCH FORWARD 200: ~800 kB per batch (bigger batches are bounded too, by
    #                     what the allocator keeps per executor thread, not by the result size)
    cur.execute(WIDE_QUERY)
    base = rss_kb(pid)
    peak = base
    count = 0
    for i, payload in cur:
        count += 1
        if count == 1 or count % 10_000 == 0:
            assert payload == "x" * WIDE + str(i)
            peak = max(peak, rss_kb(pid))
    assert count == ROWS
    assert i == ROWS
    growth_mb = (peak - base) / 1024
    if not sanitizer_build(pid):
        assert growth_mb < 50, f"server RSS grew {growth_mb:.0f} MB over a {ROWS * WIDE // 2**20} MB result"
    cur.close()
    conn.commit()
    conn.close()


def test_psycopg2_fetchmany_move_and_close(server):
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor(name="small_c")
    cur.execute("select i from generate_series(1, 10) s(i)")
    assert cur.fetchmany(3) == [(1,), (2,), (3,)]
    cur.scroll(2)  # MOVE FORWARD 2
    assert cur.fetchone() == (6,)
    assert cur.fetchall() == [(7,), (8,), (9,), (10,)]
    cur.close()
    plain = conn.cursor()
    with pytest.raises(psycopg2.errors.InvalidCursorName):
        plain.execute("fetch next from small_c")
    conn.rollback()
    conn.close()


def test_declare_rules_and_hold(server):
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    cur = conn.cursor()
    with pytest.raises(psycopg2.errors.NoActiveSqlTransaction):
        cur.execute("declare c1 cursor for select 1")
    cur.execute("begin")
    cur.execute("declare c2 cursor for select i from generate_series(1, 5) s(i)")
    cur.execute("declare h cursor with hold for select i from generate_series(1, 5) s(i)")
    cur.execute("fetch 2 from c2")
    assert cur.fetchall() == [(1,), (2,)]
    assert cur.statusmessage == "FETCH 2"
    cur.execute("commit")
    with pytest.raises(psycopg2.errors.InvalidCursorName):
        cur.execute("fetch 1 from c2")  # WITHOUT HOLD ended with its transaction
    cur.execute("move 3 in h")
    assert cur.statusmessage == "MOVE 3"
    cur.execute("fetch all from h")
    assert cur.fetchall() == [(4,), (5,)]
    cur.execute("close h")
    with pytest.raises(psycopg2.errors.InvalidCursorName):
        cur.execute("close h")
    conn.close()


def test_psycopg3_server_side_cursor(server):
    with psycopg.connect(server.dsn()) as conn:
        with conn.cursor(name="p3c") as cur:
            cur.itersize = 500
            cur.execute("select i, i * 2 from generate_series(1, 2000) s(i)")
            assert cur.description[0].name == "i"
            first = cur.fetchmany(3)
            assert first == [(1, 2), (2, 4), (3, 6)]
            rest = cur.fetchall()
            assert len(rest) == 1997 and rest[-1] == (2000, 4000)


# ---- 100k rows through each client's server-side cursor ---------------------
#
# Every client below reads a 100k-row, ~100 MB result through its own kind of
# server-side cursor (a portal read with Execute row limits, or DECLARE/FETCH)
# from conftest's `lean_server` (small ASan quarantine, so its RSS means
# something in sanitizer builds too): count and checksum must match, and the
# server's RSS must not grow by more than a quarter of the result.

CURSOR_ROWS = 100_000
CURSOR_PAD = 1000
CURSOR_QUERY = (f"select i, repeat('x', {CURSOR_PAD}) || i as payload "
                f"from generate_series(1, {CURSOR_ROWS}) s(i)")
CURSOR_BYTES = CURSOR_ROWS * CURSOR_PAD


class Checksum:
    def __init__(self):
        self.count = self.total = 0

    def add(self, i, payload):
        self.count += 1
        self.total += i
        if payload != "x" * CURSOR_PAD + str(i):
            raise AssertionError(f"row {self.count}: {payload[:20]!r}...")

    def check(self):
        assert self.count == CURSOR_ROWS
        assert self.total == CURSOR_ROWS * (CURSOR_ROWS + 1) // 2


def test_asyncpg_cursor_over_100k_rows(lean_server):
    async def body():
        conn = await asyncpg.connect(host="127.0.0.1", port=lean_server.pg_port, user="demo", password="demo",
                                     database="demo", ssl="require")
        try:
            await conn.fetchval("select 1")
            sums = Checksum()
            with RssPeak(lean_server.proc.pid) as peak:
                async with conn.transaction():
                    # a portal read 1000 rows per Execute (PortalSuspended between batches)
                    async for i, payload in conn.cursor(CURSOR_QUERY, prefetch=1000):
                        sums.add(i, payload)
            sums.check()
            peak.assert_bounded(CURSOR_BYTES)
            async with conn.transaction():  # and the explicit form: fetch(n) resumes the portal
                cur = await conn.cursor("select i from generate_series(1, 10) s(i)")
                assert [r[0] for r in await cur.fetch(3)] == [1, 2, 3]
                assert [r[0] for r in await cur.fetch(4)] == [4, 5, 6, 7]
                assert [r[0] for r in await cur.fetch(10)] == [8, 9, 10]
            async with conn.transaction():  # forward() is a MOVE on the protocol-level portal
                cur = await conn.cursor("select i from generate_series(1, 100) s(i)")
                assert [r[0] for r in await cur.fetch(2)] == [1, 2]
                assert await cur.forward(10) == 10
                assert await cur.fetchrow() == (13,)
                assert await cur.forward(1000) == 87
                assert await cur.fetch(5) == []
        finally:
            await conn.close()
    asyncio.run(body())


@pytest.mark.parametrize("driver", ["psycopg2", "psycopg"])
def test_sqlalchemy_stream_results_over_100k_rows(lean_server, driver):
    eng = sa.create_engine(f"postgresql+{driver}://demo:demo@127.0.0.1:{lean_server.pg_port}/demo?sslmode=require")
    try:
        with eng.connect() as conn:
            conn.execute(sa.text("select 1"))
            sums = Checksum()
            with RssPeak(lean_server.proc.pid) as peak:
                # stream_results: a named (server-side) cursor; yield_per: fetched 1000 rows at a time
                result = conn.execution_options(stream_results=True, yield_per=1000).execute(sa.text(CURSOR_QUERY))
                for i, payload in result:
                    sums.add(i, payload)
            sums.check()
            peak.assert_bounded(CURSOR_BYTES)
            conn.commit()
        with Session(eng) as session:  # the ORM spelling: Query.yield_per over a text select
            stmt = sa.select(sa.column("i")).select_from(sa.text("generate_series(1, 2500) s(i)"))
            seen = [row.i for row in session.execute(stmt, execution_options={"yield_per": 100})]
            assert seen == list(range(1, 2501))
    finally:
        eng.dispose()


def test_psql_fetch_count_over_100k_rows(lean_server):
    """psql with FETCH_COUNT reads a query through DECLARE / FETCH FORWARD 1000 in a transaction."""
    env = dict(os.environ, PGPASSWORD="demo", PGCONNECT_TIMEOUT="10")
    conninfo = f"host=127.0.0.1 port={lean_server.pg_port} user=demo dbname=demo sslmode=require gssencmode=disable"
    script = f"\\set FETCH_COUNT 1000\n{CURSOR_QUERY};\n"
    with RssPeak(lean_server.proc.pid) as peak:
        r = subprocess.run(["psql", conninfo, "-X", "-At", "-v", "ON_ERROR_STOP=1"], input=script,
                           capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    sums = Checksum()
    for line in r.stdout.splitlines():
        i, payload = line.split("|")
        sums.add(int(i), payload)
    sums.check()
    peak.assert_bounded(CURSOR_BYTES)
