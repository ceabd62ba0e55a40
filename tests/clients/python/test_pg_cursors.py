"""SQL-level cursors (DECLARE / FETCH / MOVE / CLOSE) from psycopg2 and psycopg 3.

A cursor is a session portal: FETCH steps the store statement, so a cursor over
a result far larger than memory keeps the server's memory flat.
"""
import psycopg
import psycopg2
import psycopg2.errors
import pytest

WIDE = 4000        # bytes of payload per row
ROWS = 100_000     # ~400 MB of rows if the server built the result in memory
WIDE_QUERY = f"select i, repeat('x', {WIDE}) || i as payload from generate_series(1, {ROWS}) s(i)"


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


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
