"""VECTOR(N) through the PostgreSQL surface in pgvector's syntax, from psycopg2 and asyncpg."""
import asyncio
import random

import asyncpg
import psycopg2
import psycopg2.errors
import pytest


def vec(v):
    return "[" + ",".join(repr(float(x)) for x in v) + "]"


def test_pgvector_syntax_top_k_matches_brute_force(server):
    rng = random.Random(7)
    rows = [(i, rng.choice(["books", "toys", "food"]), [rng.uniform(-1, 1) for _ in range(8)]) for i in range(1, 301)]
    query = [rng.uniform(-1, 1) for _ in range(8)]
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("create extension if not exists vector")
    cur.execute("create table vec_items (id integer primary key, category text, embedding vector(8))")
    cur.executemany("insert into vec_items values (%s, %s, %s)", [(i, c, vec(v)) for i, c, v in rows])
    conn.commit()

    def l2(a, b):
        return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5
    f32 = [(i, c, [float(f"{x:.9g}") for x in v]) for i, c, v in rows]
    expect = [i for _, i in sorted((l2(v, query), i) for i, c, v in f32 if c == "books")][:10]
    cur.execute("select id from vec_items where category = %s order by embedding <-> %s, id limit 10",
                ("books", vec(query)))
    assert [r[0] for r in cur.fetchall()] == expect

    cur.execute("select embedding from vec_items where id = 1")
    text = cur.fetchone()[0]
    assert text.startswith("[") and len(text.strip("[]").split(",")) == 8
    conn.close()


def test_vector_errors_are_pgvector_errors(server):
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("create table vec_err (id integer primary key, embedding vector(3))")
    with pytest.raises(psycopg2.errors.DataException) as e:
        cur.execute("insert into vec_err values (1, '[1,2]')")
    assert e.value.pgcode == "22000" and "expected 3 dimensions, not 2" in str(e.value)
    with pytest.raises(psycopg2.errors.InvalidTextRepresentation) as e:
        cur.execute("insert into vec_err values (1, '[1,a,2]')")
    assert e.value.pgcode == "22P02"
    cur.execute("insert into vec_err values (1, '[1, 2,3]')")
    cur.execute("select embedding, embedding <=> '[1,2,3]', embedding <#> '[1,1,1]' from vec_err")
    assert cur.fetchone() == ("[1,2,3]", 0.0, -6.0)
    conn.close()


def test_vector_parameters_from_asyncpg(server):
    async def body():
        c = await asyncpg.connect(host="127.0.0.1", port=server.pg_port, user="demo", password="demo",
                                  database="demo", ssl="require")
        try:
            await c.execute("create table vec_async (id integer primary key, embedding vector(2))")
            await c.executemany("insert into vec_async values ($1, $2)", [(1, "[0,0]"), (2, "[3,4]"), (3, "[1,1]")])
            rows = await c.fetch("select id, embedding <-> $1 as d from vec_async order by d", "[0,0]")
            assert [(r["id"], round(r["d"], 6)) for r in rows] == [(1, 0.0), (3, 1.414214), (2, 5.0)]
        finally:
            await c.close()
    asyncio.run(body())
