"""Exact filtered top-k through the accelerator, from PyMySQL (MariaDB's VEC_DISTANCE_* spelling).

A VECTOR(128) table of 10,000 rows with metadata columns; each
`... WHERE f ORDER BY VEC_DISTANCE_xxx(embedding, VEC_FromText(q)), id LIMIT k`
(sent through the column mirror and the CPU backend) must return exactly the
ids of the brute-force evaluation: the same function computed for every row
with no ORDER BY/LIMIT (left to the store), sorted in Python by (distance, id).
"""
import random

import pymysql
import pytest

DIM = 128
ROWS = 10_000
CATS = ["books", "toys", "food", "garden", "tools", "music", "games", "shoes", "cars", "art"]


def vec(v):
    return "[" + ",".join(repr(float(x)) for x in v) + "]"


def connect(server, **kw):
    return pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                           database="demo", **kw)


@pytest.fixture(scope="module")
def items(server):
    rng = random.Random(61)
    conn = connect(server, autocommit=True)
    cur = conn.cursor()
    cur.execute("drop table if exists accel_my")
    cur.execute("create table accel_my (id int primary key, cat varchar(20), n int, price double, "
                "flag boolean, embedding vector(128))")
    rows = []
    for i in range(1, ROWS + 1):
        v = [rng.uniform(-1, 1) for _ in range(DIM)]
        if i % 89 == 0:
            v = rows[i - 31][5]  # the vector of id i - 30: tied distances
        cat = None if i % 53 == 0 else rng.choice(CATS)
        n = None if i % 41 == 0 else rng.randrange(0, 100)
        price = None if i % 37 == 0 else round(rng.uniform(0, 1000), 2)
        rows.append((i, cat, n, price, rng.random() < 0.5, v))
    for start in range(0, ROWS, 500):
        chunk = rows[start:start + 500]
        cur.execute("insert into accel_my values " + ",".join(["(%s, %s, %s, %s, %s, VEC_FromText(%s))"] * len(chunk)),
                    [x for i, c, n, p, f, v in chunk for x in (i, c, n, p, f, vec(v))])
    conn.close()
    return rows


FUNCS = {"l2": "VEC_DISTANCE_EUCLIDEAN", "cos": "VEC_DISTANCE_COSINE"}

FILTERS = [
    None,
    "cat = 'books'",
    "n < 1",
    "n >= 50",
    "cat in ('toys', 'food') and price between 100 and 600",
    "not (n > 10) or cat is null",
    "flag = true and price > 900.5",
]


def brute_force(cur, fn, q, where, k):
    cur.execute(f"select id, {fn}(embedding, VEC_FromText(%s)) from accel_my" + (f" where {where}" if where else ""),
                (vec(q),))
    scored = [(float(d), int(i)) for i, d in cur.fetchall() if d is not None]
    return [i for d, i in sorted(scored)[:k]]


def accelerated(cur, fn, q, where, k):
    cur.execute(f"select id from accel_my" + (f" where {where}" if where else "") +
                f" order by {fn}(embedding, VEC_FromText(%s)), id limit {k}", (vec(q),))
    return [int(r[0]) for r in cur.fetchall()]


@pytest.mark.parametrize("metric", ["l2", "cos"])
def test_filtered_top_k_equals_brute_force(server, items, metric):
    fn = FUNCS[metric]
    rng = random.Random(metric)
    conn = connect(server, autocommit=True)
    cur = conn.cursor()
    for where in FILTERS:
        q = [rng.uniform(-1, 1) for _ in range(DIM)]
        expect = brute_force(cur, fn, q, where, 100)
        for k in (10, 100):
            got = accelerated(cur, fn, q, where, k)
            assert got == expect[:k], (metric, where, k)
            assert len(got) > 0
    conn.close()
    assert "event=accel_mirror table=accel_my" in server.read_log()


def test_ties_and_own_writes(server, items):
    q = items[58][5]  # id 59; id 89 holds the same vector
    conn = connect(server, autocommit=False)
    cur = conn.cursor()
    got = accelerated(cur, "VEC_DISTANCE_EUCLIDEAN", q, None, 4)
    assert got[:2] == [59, 89] and got == brute_force(cur, "VEC_DISTANCE_EUCLIDEAN", q, None, 4)
    conn.commit()
    cur.execute("insert into accel_my values (%s, 'books', 1, 1.0, true, VEC_FromText(%s))", (ROWS + 1, vec(q)))
    inside = accelerated(cur, "VEC_DISTANCE_EUCLIDEAN", q, "cat = 'books'", 5)
    assert ROWS + 1 in inside and inside == brute_force(cur, "VEC_DISTANCE_EUCLIDEAN", q, "cat = 'books'", 5)
    conn.rollback()
    assert ROWS + 1 not in accelerated(cur, "VEC_DISTANCE_EUCLIDEAN", q, "cat = 'books'", 5)
    conn.close()
