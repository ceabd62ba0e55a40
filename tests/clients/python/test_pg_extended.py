"""The extended query protocol through real drivers that use it: asyncpg (named statements,
binary results, portals with row limits) and psycopg 3 (server-side parameter binding)."""
import asyncio

import asyncpg
import psycopg
import psycopg.errors
import pytest


def run(coro):
    return asyncio.run(coro)


async def connect(server):
    return await asyncpg.connect(host="127.0.0.1", port=server.pg_port, user="demo", password="demo",
                                 database="demo", ssl="require")


def test_asyncpg_rows_in_binary_with_types(server):
    async def body():
        c = await connect(server)
        try:
            await c.execute("create table ext_types (id integer primary key, name text, score double precision, big bigint)")
            await c.execute("insert into ext_types values (1, 'a', 1.5, 9000000000), (2, null, -0.25, -1)")
            rows = await c.fetch("select id, name, score, big from ext_types order by id")
            assert [tuple(r) for r in rows] == [(1, "a", 1.5, 9000000000), (2, None, -0.25, -1)]
        finally:
            await c.close()
    run(body())


def test_asyncpg_prepared_statement_reused(server):
    async def body():
        c = await connect(server)
        try:
            await c.execute("create table ext_prep (v integer)")
            await c.execute("insert into ext_prep values (1), (2), (3)")
            stmt = await c.prepare("select v from ext_prep order by v")
            assert [r["v"] for r in await stmt.fetch()] == [1, 2, 3]
            await c.execute("insert into ext_prep values (4)")
            assert [r["v"] for r in await stmt.fetch()] == [1, 2, 3, 4]  # the same server-side statement, run again
        finally:
            await c.close()
    run(body())


def test_asyncpg_cursor_fetches_in_batches(server):
    async def body():
        c = await connect(server)
        try:
            await c.execute("create table ext_big (v integer)")
            await c.execute("insert into ext_big with recursive n(x) as (select 1 union all select x + 1 from n where x < 5000) select x from n")
            async with c.transaction():
                seen = [r["v"] async for r in c.cursor("select v from ext_big order by v", prefetch=100)]
                assert seen == list(range(1, 5001))
                cur = await c.cursor("select v from ext_big order by v")
                assert [r["v"] for r in await cur.fetch(3)] == [1, 2, 3]
                assert [r["v"] for r in await cur.fetch(2)] == [4, 5]  # the portal resumed where it stopped
        finally:
            await c.close()
    run(body())


def test_asyncpg_errors_and_transactions(server):
    async def body():
        c = await connect(server)
        try:
            await c.execute("create table ext_tx (id integer primary key)")
            with pytest.raises(asyncpg.exceptions.UndefinedTableError):
                await c.fetch("select * from nosuch")
            await c.execute("insert into ext_tx values (1)")
            with pytest.raises(asyncpg.exceptions.UniqueViolationError) as e:
                await c.execute("insert into ext_tx values (1)")
            assert e.value.sqlstate == "23505"
            with pytest.raises(RuntimeError):
                async with c.transaction():
                    await c.execute("insert into ext_tx values (2)")
                    raise RuntimeError("roll it back")
            assert [r["id"] for r in await c.fetch("select id from ext_tx")] == [1]
            async with c.transaction():
                await c.execute("insert into ext_tx values (3)")
            assert [r["id"] for r in await c.fetch("select id from ext_tx order by id")] == [1, 3]
        finally:
            await c.close()
    run(body())


def psycopg3(server):
    return psycopg.connect(f"host=127.0.0.1 port={server.pg_port} user=demo password=demo dbname=demo sslmode=require")


def test_psycopg3_server_side_binding(server):
    with psycopg3(server) as conn:
        conn.execute("create table ext_p3 (id integer primary key, name text, score double precision)")
        with conn.cursor() as cur:
            cur.executemany("insert into ext_p3 values (%s, %s, %s)", [(1, "one", 1.0), (2, "two", None), (3, "it's", 3.5)])
            cur.execute("select name, score from ext_p3 where id = %s", (3,))
            assert cur.fetchall() == [("it's", 3.5)]
            cur.execute("select id from ext_p3 where name = %s", ("two",), prepare=True)
            assert cur.fetchall() == [(2,)]
            cur.execute("select id from ext_p3 where name = %s", ("one",), prepare=True)
            assert cur.fetchall() == [(1,)]
            cur.execute("select count(*) from ext_p3 where score is null")
            assert cur.fetchone() == (1,)


def test_psycopg3_errors_are_native_classes(server):
    with psycopg3(server) as conn:
        conn.execute("create table ext_p3e (id integer primary key)")
        conn.execute("insert into ext_p3e values (%s)", (1,))
        conn.commit()
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("insert into ext_p3e values (%s)", (1,))
        conn.rollback()
        with pytest.raises(psycopg.errors.SyntaxError):
            conn.execute("selec %s", (1,))
        conn.rollback()
        assert conn.execute("select count(*) from ext_p3e").fetchone() == (1,)


def test_asyncpg_expression_and_parameter_types_at_prepare(server):
    async def body():
        c = await connect(server)
        try:
            await c.execute("create table ext_bind (id integer primary key, name text)")
            await c.execute("insert into ext_bind values (1, 'a'), (2, 'b')")
            assert await c.fetchval("select count(*) from ext_bind") == 2
            assert await c.fetchval("select name from ext_bind where id = $1", 2) == "b"
        finally:
            await c.close()
    run(body())


def test_binder_describes_parameter_and_result_types(server):
    """Issue 3's acceptance through the PostgreSQL surface: types known at Parse/Describe."""
    async def body():
        c = await connect(server)
        try:
            await c.execute("create table ext_desc (id integer primary key, name text, big bigint, score double precision)")
            stmt = await c.prepare("select name, big from ext_desc where id = $1")
            assert [t.name for t in stmt.get_parameters()] == ["int4"]
            assert [(a.name, a.type.name) for a in stmt.get_attributes()] == [("name", "text"), ("big", "int8")]
            stmt = await c.prepare("select id from ext_desc where name = $1")
            assert [t.name for t in stmt.get_parameters()] == ["text"]
            stmt = await c.prepare("select $1::int8")
            assert [t.name for t in stmt.get_parameters()] == ["int8"]
            assert [(a.name, a.type.name) for a in stmt.get_attributes()] == [("int8", "int8")]
            stmt = await c.prepare("insert into ext_desc (id, name, score) values ($1, $2, $3)")
            assert [t.name for t in stmt.get_parameters()] == ["int4", "text", "float8"]
            stmt = await c.prepare("select count(*), sum(id), avg(score), max(name) from ext_desc")
            assert [a.type.name for a in stmt.get_attributes()] == ["int8", "int8", "float8", "text"]
            await c.execute("insert into ext_desc values ($1, $2, $3, $4)", 7, "seven", 70000000000, 0.5)
            assert await c.fetchrow("select name, big, score from ext_desc where id = $1", 7) == ("seven", 70000000000, 0.5)
        finally:
            await c.close()
    run(body())


def test_canonical_errors_through_asyncpg(server):
    async def body():
        c = await connect(server)
        try:
            with pytest.raises(asyncpg.exceptions.UndefinedTableError) as e:
                await c.fetch("select * from nosuch")
            assert e.value.sqlstate == "42P01" and 'relation "nosuch" does not exist' in str(e.value)
            await c.execute("create table ext_err (id integer primary key)")
            await c.execute("insert into ext_err values (1)")
            with pytest.raises(asyncpg.exceptions.UniqueViolationError):
                await c.execute("insert into ext_err values (1)")
            with pytest.raises(asyncpg.exceptions.DivisionByZeroError) as e:
                await c.fetchval("select 1/0")
            assert e.value.sqlstate == "22012"
            with pytest.raises(asyncpg.exceptions.PostgresSyntaxError) as e:
                await c.fetch("selec 1")
            assert e.value.sqlstate == "42601"
            assert await c.fetchval("select 7/2") == 3  # integer division, as PostgreSQL
        finally:
            await c.close()
    run(body())


def test_asyncpg_binary_date_time_uuid_numeric(server):
    import datetime
    import decimal
    import uuid

    async def body():
        c = await connect(server)
        try:
            await c.execute("create table ext_bin (id integer primary key, d date, t time, ts timestamp, "
                            "tz timestamptz, u uuid, n numeric(12,4))")
            u = uuid.UUID("12345678-1234-5678-1234-567812345678")
            ts = datetime.datetime(2024, 2, 29, 13, 14, 15, 123456)
            tz = datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)
            await c.execute("insert into ext_bin values ($1, $2, $3, $4, $5, $6, $7)", 1, datetime.date(1969, 7, 20),
                            datetime.time(8, 30, 0, 5), ts, tz, u, decimal.Decimal("-1234.56"))
            row = await c.fetchrow("select d, t, ts, tz, u, n from ext_bin where id = 1")
            assert tuple(row) == (datetime.date(1969, 7, 20), datetime.time(8, 30, 0, 5), ts, tz, u,
                                  decimal.Decimal("-1234.56"))
            assert await c.fetchval("select count(*) from ext_bin where ts > $1", datetime.datetime(2020, 1, 1)) == 1
            assert await c.fetchval("select count(*) from ext_bin where d < $1", datetime.date(1970, 1, 1)) == 1
        finally:
            await c.close()
    run(body())


def test_asyncpg_binary_interval_both_ways(server):
    """Intervals are kept as written; asyncpg reads and binds them in binary (months, days, µs)."""
    import datetime

    async def body():
        c = await connect(server)
        try:
            await c.execute("create table ext_iv (id integer primary key, d interval)")
            await c.execute("insert into ext_iv values (1, '1 day 02:00:00'), (2, '90 minutes'), "
                            "(3, '1 year 2 mons 3 days'), (4, '-01:30'), (5, '1.5 days'), (6, '3 hours ago'), "
                            "(7, null)")
            rows = {r["id"]: r["d"] for r in await c.fetch("select id, d from ext_iv")}
            td = datetime.timedelta
            assert rows == {1: td(days=1, hours=2), 2: td(minutes=90), 3: td(days=365 + 60 + 3),
                            4: td(minutes=-90), 5: td(days=1, hours=12), 6: td(hours=-3), 7: None}
            v = td(days=2, hours=3, microseconds=5)
            await c.execute("insert into ext_iv values ($1, $2)", 8, v)
            assert await c.fetchval("select d from ext_iv where id = 8") == v
            assert await c.fetchval("select d::text from ext_iv where id = 8") == "2 days 03:00:00.000005"
            assert await c.fetchval("select $1::interval", td(seconds=-90)) == td(seconds=-90)
            with pytest.raises(asyncpg.exceptions.InvalidDatetimeFormatError):
                await c.execute("insert into ext_iv values (9, 'soon')")
                await c.fetchval("select d from ext_iv where id = 9")
        finally:
            await c.close()

    asyncio.run(body())
