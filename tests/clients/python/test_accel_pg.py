"""Exact filtered top-k through the accelerator, from psycopg2 (pgvector's operators).

A VECTOR(128) table of 10,000 rows with metadata columns; each query
`... WHERE f ORDER BY embedding <op> q, id LIMIT k` (which the planner sends
through the column mirror and the CPU backend) must return exactly the ids of
the brute-force evaluation: the same distance SQL function computed for every
row with no ORDER BY/LIMIT (which the planner leaves to the store), sorted in
Python by (distance, id).  Inside a transaction that wrote the table the query
must see that transaction's writes; after a commit, the new data.
"""
import random

import psycopg2
import psycopg2.extras
import pytest

DIM = 128
ROWS = 10_000
CATS = ["books", "toys", "food", "garden", "tools", "music", "games", "shoes", "cars", "art"]


def vec(v):
    return "[" + ",".join(repr(float(x)) for x in v) + "]"


@pytest.fixture(scope="module")
def items(server):
    rng = random.Random(20261121)
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("create table accel_items (id integer primary key, cat text, n int4, price float8, "
                "flag bool, embedding vector(128))")
    rows = []
    for i in range(1, ROWS + 1):
        v = [rng.uniform(-1, 1) for _ in range(DIM)]
        if i % 97 == 0:  # exact duplicates of an earlier vector: tied distances
            v = rows[i - 51][5]  # id i - 50
        cat = None if i % 53 == 0 else rng.choice(CATS)
        n = None if i % 41 == 0 else rng.randrange(0, 100)
        price = None if i % 37 == 0 else round(rng.uniform(0, 1000), 2)
        rows.append((i, cat, n, price, rng.random() < 0.5, v))
    psycopg2.extras.execute_values(
        cur, "insert into accel_items values %s",
        [(i, c, n, p, f, vec(v)) for i, c, n, p, f, v in rows], page_size=500)
    conn.commit()
    conn.close()
    return rng


def brute_force(cur, op, q, where, k):
    cur.execute(f"select id, embedding {op} %s from accel_items" + (f" where {where}" if where else ""), (vec(q),))
    scored = [(d, i) for i, d in cur.fetchall() if d is not None]
    return [i for d, i in sorted(scored)[:k]]


def accelerated(cur, op, q, where, k):
    cur.execute(f"select id from accel_items" + (f" where {where}" if where else "") +
                f" order by embedding {op} %s, id limit {k}", (vec(q),))
    return [r[0] for r in cur.fetchall()]


FILTERS = [
    None,
    "cat = 'books'",                                   # ~10%
    "n < 1",                                           # ~1%
    "n >= 50",                                         # ~50%
    "cat in ('toys', 'food') and price between 100 and 600",
    "not (n > 10) or cat is null",
    "flag and price > 900.5",
    "cat <> 'art' and n not in (1, 2, 3) and price is not null",
]


@pytest.mark.parametrize("op", ["<->", "<#>", "<=>"])
def test_filtered_top_k_equals_brute_force(server, items, op):
    rng = random.Random(op)
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    cur = conn.cursor()
    for where in FILTERS:
        q = [rng.uniform(-1, 1) for _ in range(DIM)]
        expect = brute_force(cur, op, q, where, 100)
        for k in (10, 100):
            got = accelerated(cur, op, q, where, k)
            assert got == expect[:k], (op, where, k)
            assert len(got) > 0
    conn.close()
    assert "event=accel_mirror table=accel_items" in server.read_log()


def test_k_larger_than_the_matches_and_ties(server, items):
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("select embedding from accel_items where id = 47")
    q = [float(x) for x in cur.fetchone()[0].strip("[]").split(",")]
    # ids 47 and 97 hold the same vector: distance 0 twice, ordered by id
    got = accelerated(cur, "<->", q, None, 5)
    assert got[:2] == [47, 97]
    assert got == brute_force(cur, "<->", q, None, 5)
    where = "n = 7 and cat = 'music'"
    cur.execute(f"select count(*) from accel_items where {where}")
    matches = cur.fetchone()[0]
    got = accelerated(cur, "<->", q, where, 500)
    assert len(got) == matches < 500
    assert got == brute_force(cur, "<->", q, where, 500)
    assert accelerated(cur, "<->", q, "cat = 'no such category'", 10) == []
    conn.close()


def test_a_transaction_that_wrote_sees_its_own_writes(server, items):
    rng = random.Random(5)
    q = [rng.uniform(-1, 1) for _ in range(DIM)]
    near = [x + 1e-3 for x in q]
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    before = accelerated(cur, "<->", q, "cat = 'books'", 10)
    conn.commit()
    cur.execute("insert into accel_items values (%s, 'books', 5, 1.0, true, %s)", (ROWS + 1, vec(near)))
    inside = accelerated(cur, "<->", q, "cat = 'books'", 10)
    assert inside[0] == ROWS + 1
    assert inside == brute_force(cur, "<->", q, "cat = 'books'", 10)
    other = psycopg2.connect(server.dsn())
    other.autocommit = True
    assert accelerated(other.cursor(), "<->", q, "cat = 'books'", 10) == before  # not committed yet
    conn.rollback()
    assert accelerated(cur, "<->", q, "cat = 'books'", 10) == before
    conn.commit()

    # committed writes reach the mirror: an insert, an update, a delete
    cur.execute("insert into accel_items values (%s, 'books', 5, 1.0, true, %s)", (ROWS + 2, vec(near)))
    conn.commit()
    got = accelerated(other.cursor(), "<->", q, "cat = 'books'", 10)
    assert got[0] == ROWS + 2 and got == brute_force(other.cursor(), "<->", q, "cat = 'books'", 10)
    cur.execute("update accel_items set cat = 'toys' where id = %s", (ROWS + 2,))
    conn.commit()
    assert accelerated(other.cursor(), "<->", q, "cat = 'books'", 10) == before
    cur.execute("delete from accel_items where id = %s", (ROWS + 2,))
    conn.commit()
    assert accelerated(other.cursor(), "<->", q, None, 3) == brute_force(other.cursor(), "<->", q, None, 3)
    conn.close()
    other.close()


def test_other_shapes_and_targets(server, items):
    rng = random.Random(11)
    q = [rng.uniform(-1, 1) for _ in range(DIM)]
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    cur = conn.cursor()
    expect = brute_force(cur, "<=>", q, "n between 20 and 40", 7)
    # distance as a named target, ORDER BY its alias; the function spelling; cast literal
    cur.execute("select id, embedding <=> %s as dist, cat from accel_items where n between 20 and 40 "
                "order by dist, id limit 7", (vec(q),))
    rows = cur.fetchall()
    assert [r[0] for r in rows] == expect
    assert all(rows[i][1] <= rows[i + 1][1] for i in range(len(rows) - 1))
    cur.execute("select id from accel_items where n between 20 and 40 "
                "order by cosine_distance(embedding, %s::vector), id limit 7", (vec(q),))
    assert [r[0] for r in cur.fetchall()] == expect
    conn.close()
