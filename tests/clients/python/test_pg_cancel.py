"""A statement that runs long: it must not stall other connections, and PostgreSQL's
cancel (asyncpg sends it on a timeout; psycopg2's conn.cancel()) must stop it with 57014."""
import asyncio
import threading

import asyncpg
import psycopg2
import psycopg2.errors
import pytest

ENDLESS = "with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n"


def test_long_statement_does_not_stall_others_and_cancel_stops_it(server):
    runner = psycopg2.connect(server.dsn())
    outcome = {}

    def run():
        try:
            runner.cursor().execute(ENDLESS)
            outcome["result"] = "finished"
        except Exception as e:  # noqa: BLE001 - the test asserts the class below
            outcome["result"] = e

    t = threading.Thread(target=run)
    t.start()
    try:
        # Several other sessions come and go while the endless statement runs.
        for _ in range(5):
            other = psycopg2.connect(server.dsn())
            cur = other.cursor()
            cur.execute("select 41 + 1")
            assert cur.fetchone() == (42,)
            other.close()
        assert t.is_alive() and "result" not in outcome  # still running: nothing waited on it
    finally:
        runner.cancel()
        t.join(30)
    assert not t.is_alive()
    assert isinstance(outcome["result"], psycopg2.errors.QueryCanceled)
    assert outcome["result"].pgcode == "57014"
    cur = runner.cursor()  # the session survives its cancelled statement
    runner.rollback()
    cur.execute("select 1")
    assert cur.fetchone() == (1,)
    runner.close()


def test_asyncpg_timeout_cancels_on_the_server(server):
    async def body():
        c = await asyncpg.connect(host="127.0.0.1", port=server.pg_port, user="demo", password="demo",
                                  database="demo", ssl="require")
        try:
            with pytest.raises(asyncio.TimeoutError):
                await c.fetchval(ENDLESS, timeout=1.0)
            assert await c.fetchval("select 5") == 5  # the connection is usable again
        finally:
            await c.close()
    asyncio.run(body())


def test_cancel_with_a_wrong_key_cancels_nothing(server):
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("select 1")
    # A CancelRequest for this backend's pid with a made-up key is ignored.
    import socket
    import struct
    s = socket.create_connection(("127.0.0.1", server.pg_port), timeout=10)
    s.sendall(struct.pack("!IIII", 16, 80877102, conn.info.backend_pid, 12345))
    assert s.recv(1) == b""
    s.close()
    cur.execute("select 2")
    assert cur.fetchone() == (2,)
    conn.close()


def test_sigterm_stops_the_server_while_a_statement_runs(fresh_server):
    srv = fresh_server.start()
    conn = psycopg2.connect(srv.dsn())
    t = threading.Thread(target=lambda: _run_quietly(conn, ENDLESS))
    t.start()
    import time
    time.sleep(0.5)  # let the statement start; the assertion below is about exiting, not timing
    assert srv.stop() == 0  # SIGTERM: the running statement is interrupted, the server exits cleanly
    t.join(30)
    assert not t.is_alive()


def _run_quietly(conn, sql):
    try:
        conn.cursor().execute(sql)
    except Exception:  # noqa: BLE001 - the server is going away; the test checks the server, not this
        pass


def test_parameter_in_a_recursive_cte_is_typed_by_the_first_branch(server):
    async def body():
        c = await asyncpg.connect(host="127.0.0.1", port=server.pg_port, user="demo", password="demo",
                                  database="demo", ssl="require")
        try:
            q = "with recursive n(x) as (select 1 union all select x + 1 from n where x < $1) select x from n"
            stmt = await c.prepare(q)
            assert [t.name for t in stmt.get_parameters()] == ["int4"]
            assert [r["x"] for r in await c.fetch(q, 3)] == [1, 2, 3]
        finally:
            await c.close()
    asyncio.run(body())
