"""One million rows in and out through every Python-side PostgreSQL client's COPY path:
psycopg2 copy_expert, psycopg 3 cursor.copy (text and binary), asyncpg
copy_records_to_table / copy_from_table, and psql's \\copy.

Every row is (id integer, name text, v double precision) with name NULL on
every 1000th row and v = id / 4 (exact in binary floating point), so each
round trip is checked by count, sums and sampled rows on both sides.
"""
import asyncio
import io
import os
import subprocess
import tempfile

import asyncpg
import psycopg
import psycopg2

N = 1_000_000
ID_SUM = N * (N - 1) // 2
V_SUM = ID_SUM / 4
NAMES = N - N // 1000
NULL = "\\N"


def name_of(i):
    return None if i % 1000 == 0 else f"n{i}"


def text_rows():
    """The rows in COPY's text format, built once per test (tens of MB)."""
    return "".join(f"{i}\t{name_of(i) or NULL}\t{i / 4!r}\n" for i in range(N))


def create(cur, table):
    cur.execute(f"create table {table} (id integer, name text, v double precision)")


def check_table(cur, table):
    cur.execute(f"select count(*), sum(id), sum(v), count(name) from {table}")
    assert cur.fetchone() == (N, ID_SUM, V_SUM, NAMES)
    cur.execute(f"select id, name, v from {table} where id in (0, 1, 777777, {N - 1}) order by id")
    assert cur.fetchall() == [(0, None, 0.0), (1, "n1", 0.25), (777777, "n777777", 777777 / 4),
                              (N - 1, f"n{N - 1}", (N - 1) / 4)]


def check_text_out(text):
    """COPY TO's text output: every row once, values as they went in."""
    lines = text.split("\n")
    assert lines[-1] == ""
    lines.pop()
    assert len(lines) == N
    ids = 0
    nulls = 0
    for line in lines:
        i, name, v = line.split("\t")
        ids += int(i)
        nulls += name == "\\N"
    assert ids == ID_SUM and nulls == N // 1000
    assert "777777\tn777777\t194444.25" in lines
    assert "1000\t\\N\t250" in lines


def check_rows(rows):
    assert len(rows) == N
    assert sum(r[0] for r in rows) == ID_SUM
    assert sum(r[2] for r in rows) == V_SUM
    assert sum(r[1] is not None for r in rows) == NAMES
    by_id = {r[0]: r for r in rows if r[0] in (0, 777777)}
    assert tuple(by_id[0]) == (0, None, 0.0) and tuple(by_id[777777]) == (777777, "n777777", 777777 / 4)


def test_psycopg2_copy_expert_million_rows(server):
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    create(cur, "bulk_pg2")
    conn.commit()
    cur.copy_expert("copy bulk_pg2 from stdin", io.StringIO(text_rows()))
    assert cur.rowcount == N
    conn.commit()
    check_table(cur, "bulk_pg2")
    out = io.StringIO()
    cur.copy_expert("copy bulk_pg2 to stdout", out)
    assert cur.rowcount == N
    check_text_out(out.getvalue())
    cur.execute("drop table bulk_pg2")
    conn.commit()
    conn.close()


def test_psycopg3_copy_text_million_rows(server):
    with psycopg.connect(server.dsn()) as conn:
        with conn.cursor() as cur:
            create(cur, "bulk_pg3_text")
            with cur.copy("copy bulk_pg3_text (id, name, v) from stdin") as cp:
                for i in range(N):
                    cp.write_row((i, name_of(i), i / 4))
            assert cur.rowcount == N
            conn.commit()
            check_table(cur, "bulk_pg3_text")
            chunks = []
            with cur.copy("copy bulk_pg3_text to stdout") as cp:
                for block in cp:
                    chunks.append(bytes(block))
            check_text_out(b"".join(chunks).decode())
            cur.execute("drop table bulk_pg3_text")


def test_psycopg3_copy_binary_million_rows(server):
    with psycopg.connect(server.dsn()) as conn:
        with conn.cursor() as cur:
            create(cur, "bulk_pg3_bin")
            with cur.copy("copy bulk_pg3_bin (id, name, v) from stdin (format binary)") as cp:
                cp.set_types(["int4", "text", "float8"])
                for i in range(N):
                    cp.write_row((i, name_of(i), i / 4))
            assert cur.rowcount == N
            conn.commit()
            check_table(cur, "bulk_pg3_bin")
            with cur.copy("copy bulk_pg3_bin (id, name, v) to stdout (format binary)") as cp:
                cp.set_types(["int4", "text", "float8"])
                rows = list(cp.rows())
            check_rows(rows)
            cur.execute("drop table bulk_pg3_bin")


def test_asyncpg_copy_records_and_copy_from_table_million_rows(server):
    async def body():
        c = await asyncpg.connect(host="127.0.0.1", port=server.pg_port, user="demo", password="demo",
                                  database="demo", ssl="require")
        try:
            await c.execute("create table bulk_apg (id integer, name text, v double precision)")
            status = await c.copy_records_to_table(
                "bulk_apg", records=((i, name_of(i), i / 4) for i in range(N)))
            assert status == f"COPY {N}"
            row = await c.fetchrow("select count(*), sum(id), sum(v), count(name) from bulk_apg")
            assert tuple(row) == (N, ID_SUM, V_SUM, NAMES)
            out = io.BytesIO()
            status = await c.copy_from_table("bulk_apg", output=out)
            assert status == f"COPY {N}"
            check_text_out(out.getvalue().decode())
            await c.execute("drop table bulk_apg")
        finally:
            await c.close()
    asyncio.run(body())


def test_psql_backslash_copy_million_rows(server):
    env = dict(os.environ, PGPASSWORD="demo")
    conninfo = f"host=127.0.0.1 port={server.pg_port} user=demo dbname=demo sslmode=require gssencmode=disable"
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.tsv"), os.path.join(d, "out.tsv")
        with open(src, "w") as f:
            f.write(text_rows())
        script = ("create table bulk_psql (id integer, name text, v double precision);\n"
                  f"\\copy bulk_psql from '{src}'\n"
                  f"\\copy bulk_psql to '{dst}'\n"
                  "select count(*), sum(id), sum(v), count(name) from bulk_psql;\n"
                  "drop table bulk_psql;\n")
        r = subprocess.run(["psql", conninfo, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1"], input=script,
                           capture_output=True, text=True, env=env, timeout=600)
        assert r.returncode == 0, r.stderr
        assert r.stdout.split("\n")[:4] == ["CREATE TABLE", f"COPY {N}", f"COPY {N}",
                                            f"{N}|{ID_SUM}|{V_SUM:.0f}|{NAMES}"]
        with open(dst) as f:
            check_text_out(f.read())
