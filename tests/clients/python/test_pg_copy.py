"""COPY FROM STDIN / TO STDOUT, the bulk path, through psycopg2, psycopg 3 and psql's \\copy."""
import io
import os
import subprocess
import tempfile

import psycopg
import psycopg2
import psycopg2.errors
import pytest


def test_psycopg2_copy_in_and_out_text(server):
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("create table copy_t (id integer primary key, name text, v double precision)")
    n = 20000
    data = io.StringIO("".join(f"{i}\tname {i}\t{i * 0.5}\n" for i in range(n)) + "20000\t\\N\t\\N\n")
    cur.copy_expert("copy copy_t from stdin", data)
    assert cur.rowcount == n + 1
    conn.commit()
    cur.execute("select count(*), sum(id), max(name) from copy_t where v is not null")
    assert cur.fetchone() == (n, n * (n - 1) // 2, "name 9999")
    out = io.StringIO()
    cur.copy_expert("copy (select id, name, v from copy_t where id in (1, 20000) order by id) to stdout", out)
    assert out.getvalue() == "1\tname 1\t0.5\n20000\t\\N\t\\N\n"
    conn.close()


def test_psycopg2_copy_csv_with_quotes_and_header(server):
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("create table copy_csv (id integer, note text)")
    cur.copy_expert("copy copy_csv from stdin with (format csv, header true)",
                    io.StringIO('id,note\n1,"a, b"\n2,"say ""hi"""\n3,\n4,""\n5,"two\nlines"\n'))
    conn.commit()
    cur.execute("select id, note from copy_csv order by id")
    assert cur.fetchall() == [(1, "a, b"), (2, 'say "hi"'), (3, None), (4, ""), (5, "two\nlines")]
    out = io.StringIO()
    cur.copy_expert("copy copy_csv to stdout with csv header", out)
    assert out.getvalue() == 'id,note\n1,"a, b"\n2,"say ""hi"""\n3,\n4,""\n5,"two\nlines"\n'
    conn.close()


def test_a_bad_row_loads_nothing(server):
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("create table copy_atomic (id integer primary key, v integer)")
    conn.commit()
    with pytest.raises(psycopg2.errors.InvalidTextRepresentation):
        cur.copy_expert("copy copy_atomic from stdin", io.StringIO("1\t10\n2\tnot-a-number\n3\t30\n"))
    conn.rollback()
    with pytest.raises(psycopg2.errors.BadCopyFileFormat):
        cur.copy_expert("copy copy_atomic from stdin", io.StringIO("1\t10\n2\n"))
    conn.rollback()
    with pytest.raises(psycopg2.errors.UniqueViolation):
        cur.copy_expert("copy copy_atomic from stdin", io.StringIO("1\t10\n1\t11\n"))
    conn.rollback()
    cur.execute("select count(*) from copy_atomic")
    assert cur.fetchone() == (0,)
    conn.close()


def test_psycopg3_copy_write_rows_read_rows_and_copy_fail(server):
    with psycopg.connect(f"host=127.0.0.1 port={server.pg_port} user=demo password=demo dbname=demo sslmode=require") as conn:
        conn.execute("create table copy_p3 (id integer primary key, name text, ok boolean)")
        with conn.cursor() as cur:
            with cur.copy("copy copy_p3 (id, name, ok) from stdin") as cp:
                for i in range(1000):
                    cp.write_row((i, f"row\t{i}", i % 2 == 0))
            conn.commit()
            with cur.copy("copy copy_p3 to stdout") as cp:
                rows = list(cp.rows())
            assert len(rows) == 1000 and rows[1] == ("1", "row\t1", "f") and rows[0][2] == "t"
            with pytest.raises(RuntimeError):
                with cur.copy("copy copy_p3 (id, name, ok) from stdin") as cp:
                    cp.write_row((5000, "never", True))
                    raise RuntimeError("the client gives up: CopyFail")
            conn.rollback()
            assert conn.execute("select count(*) from copy_p3").fetchone() == (1000,)


def test_psql_backslash_copy_round_trip(server):
    env = dict(os.environ, PGPASSWORD="demo")
    conninfo = f"host=127.0.0.1 port={server.pg_port} user=demo dbname=demo sslmode=require gssencmode=disable"
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.csv"), os.path.join(d, "out.csv")
        with open(src, "w") as f:
            f.write("id,city\n1,Lisbon\n2,\"Porto, north\"\n")
        script = (f"create table copy_psql (id integer, city text);\n"
                  f"\\copy copy_psql from '{src}' with (format csv, header)\n"
                  f"\\copy (select * from copy_psql order by id) to '{dst}' with csv\n")
        r = subprocess.run(["psql", conninfo, "-X", "-v", "ON_ERROR_STOP=1"], input=script,
                           capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        assert "COPY 2" in r.stdout
        with open(dst) as f:
            assert f.read() == '1,Lisbon\n2,"Porto, north"\n'


def test_pgbench_style_copy_and_maintenance(server):
    """pgbench -i writes COPY ... WITH (FREEZE ON) and runs VACUUM ANALYZE."""
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("create table copy_bench (aid integer not null, bid integer, abalance integer, filler char(84))")
    cur.copy_expert("copy copy_bench from stdin with (freeze on)", io.StringIO("1\t1\t0\t\n2\t1\t0\t\n"))
    assert cur.rowcount == 2
    cur.execute("vacuum analyze copy_bench")
    assert cur.statusmessage == "VACUUM"
    cur.execute("analyze copy_bench")
    cur.execute("select count(*) from copy_bench")
    assert cur.fetchone() == (2,)
    conn.close()
