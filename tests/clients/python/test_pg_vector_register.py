"""pgvector's Python helpers (pgvector.psycopg2, pgvector.psycopg, pgvector.asyncpg) against rosettad.

register_vector looks `vector` (and `_vector`, `bit`) up in pg_type, typed as
PostgreSQL types them (oid, the one-byte "char" for typtype); VECTOR columns
and parameters carry the catalog's OID for vector, so the helpers' adapters
turn numpy arrays into parameters and columns back into numpy arrays, in
pgvector's text form or, for asyncpg and psycopg's binary parameters, its
binary form.  asyncpg introspects every OID it has no codec for with a query
over oid[] and "char" columns, which is what makes the asyncpg helper work.
"""
import asyncio

import asyncpg
import numpy as np
import psycopg
import psycopg2
from pgvector.asyncpg import register_vector as register_asyncpg
from pgvector.psycopg import register_vector as register_psycopg
from pgvector.psycopg2 import register_vector as register_psycopg2

RNG = np.random.default_rng(11)
ITEMS = RNG.uniform(-1, 1, size=(50, 4)).astype(np.float32)
QUERY = RNG.uniform(-1, 1, size=4).astype(np.float32)
EXPECT = [int(i) + 1 for i in np.argsort(np.linalg.norm(ITEMS - QUERY, axis=1), kind="stable")[:5]]


def as_array(v):
    """A VECTOR column's value through a registered helper: a numpy array, never pgvector's text."""
    assert not isinstance(v, str), f"the helper's loader was not used: {v!r}"
    return v.to_numpy() if hasattr(v, "to_numpy") else np.asarray(v)


def make_table(server, name):
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("create extension if not exists vector")
    cur.execute(f"create table {name} (id integer primary key, embedding vector(4))")
    conn.close()


def test_psycopg2_register_vector(server):
    make_table(server, "pgv_p2")
    conn = psycopg2.connect(server.dsn())
    register_psycopg2(conn)
    cur = conn.cursor()
    cur.executemany("insert into pgv_p2 values (%s, %s)", [(i + 1, v) for i, v in enumerate(ITEMS)])
    cur.execute("select id from pgv_p2 order by embedding <-> %s limit 5", (QUERY,))
    assert [r[0] for r in cur.fetchall()] == EXPECT
    cur.execute("select embedding from pgv_p2 where id = 1")
    got = as_array(cur.fetchone()[0])
    assert got.dtype == np.float32
    assert np.array_equal(got, ITEMS[0])
    conn.commit()
    conn.close()


def test_psycopg3_register_vector(server):
    make_table(server, "pgv_p3")
    with psycopg.connect(server.dsn()) as conn:
        register_psycopg(conn)
        with conn.cursor() as cur:
            cur.executemany("insert into pgv_p3 values (%s, %s)", [(i + 1, v) for i, v in enumerate(ITEMS)])
            cur.execute("select id from pgv_p3 order by embedding <-> %s limit 5", (QUERY,))
            assert [r[0] for r in cur.fetchall()] == EXPECT
            cur.execute("select embedding from pgv_p3 where id = 2")
            assert np.array_equal(as_array(cur.fetchone()[0]), ITEMS[1])
        with conn.cursor() as cur:  # a numpy parameter sent in pgvector's binary form
            cur.execute("select id from pgv_p3 order by embedding <-> %b limit 5", (QUERY,))
            assert [r[0] for r in cur.fetchall()] == EXPECT


def test_asyncpg_register_vector(server):
    make_table(server, "pgv_apg")

    async def body():
        conn = await asyncpg.connect(host="127.0.0.1", port=server.pg_port, user="demo", password="demo",
                                     database="demo", ssl="require")
        try:
            await register_asyncpg(conn)
            await conn.executemany("insert into pgv_apg values ($1, $2)",
                                   [(i + 1, v) for i, v in enumerate(ITEMS)])
            rows = await conn.fetch("select id from pgv_apg order by embedding <-> $1 limit 5", QUERY)
            assert [r["id"] for r in rows] == EXPECT
            got = await conn.fetchval("select embedding from pgv_apg where id = 1")
            assert np.array_equal(as_array(got), ITEMS[0])
        finally:
            conn.terminate()  # not close(): a failed introspection may leave an operation in progress
    asyncio.run(body())


def test_asyncpg_int8_array_parameter(server):
    async def body():
        conn = await asyncpg.connect(host="127.0.0.1", port=server.pg_port, user="demo", password="demo",
                                     database="demo", ssl="require")
        try:
            assert await conn.fetchval("select cardinality($1::int8[])", [1, 2, 3]) == 3
        finally:
            conn.terminate()
    asyncio.run(body())
