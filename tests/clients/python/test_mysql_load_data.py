"""LOAD DATA LOCAL INFILE through PyMySQL (local_infile=True) and the mariadb CLI (--local-infile=1)."""
import os
import shutil
import subprocess

import pymysql
import pytest


def connect(server, **kw):
    args = dict(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo", database="demo",
                autocommit=True)
    args.update(kw)
    return pymysql.connect(**args)


def test_a_million_csv_rows_load_and_read_back(server, tmp_path):
    n = 1_000_000
    path = tmp_path / "million.csv"
    with open(path, "w") as f:
        f.write("id,name,score\n")
        for i in range(n):
            f.write(f'{i},"name {i}",{i % 1000}.5\n')
    c = connect(server, local_infile=True)
    cur = c.cursor()
    cur.execute("drop table if exists ld_million")
    cur.execute("create table ld_million (id int primary key, name varchar(40), score double)")
    rows = cur.execute(f"load data local infile '{path}' into table ld_million "
                       "fields terminated by ',' optionally enclosed by '\"' lines terminated by '\\n' "
                       "ignore 1 lines (id, name, score)")
    assert rows == n
    cur.execute("select count(*), min(id), max(id), sum(score) from ld_million")
    count, lo, hi, total = cur.fetchone()
    assert (count, lo, hi) == (n, 0, n - 1)
    assert total == pytest.approx(sum(i % 1000 + 0.5 for i in range(n)))
    cur.execute("select id, name, score from ld_million where id in (0, 123456, 999999) order by id")
    assert cur.fetchall() == ((0, "name 0", 0.5), (123456, "name 123456", 456.5), (999999, "name 999999", 999.5))
    c.close()


def test_escapes_enclosures_nulls_and_missing_fields(server, tmp_path):
    path = tmp_path / "tricky.tsv"
    # default format: tab-separated, backslash escapes, \N is NULL
    path.write_bytes(b"1\tplain\tx\n"
                     b"2\ttab\\there\t\\N\n"
                     b"3\tnew\\nline\tz\n"
                     b"4\tshort\n"
                     b"5\tback\\\\slash\tw\textra\n")
    c = connect(server, local_infile=True)
    cur = c.cursor()
    cur.execute("drop table if exists ld_tricky")
    cur.execute("create table ld_tricky (id int, a text, b text)")
    assert cur.execute(f"load data local infile '{path}' into table ld_tricky") == 5
    cur.execute("select id, a, b from ld_tricky order by id")
    assert cur.fetchall() == ((1, "plain", "x"), (2, "tab\there", None), (3, "new\nline", "z"), (4, "short", None),
                              (5, "back\\slash", "w"))
    # CSV with quotes: doubled quotes, separators and line breaks inside, NULL unquoted, CRLF lines
    csv = tmp_path / "quoted.csv"
    csv.write_bytes(b'1,"a, b",NULL\r\n2,"say ""hi""","two\r\nlines"\r\n3,,""\r\n')
    cur.execute("drop table if exists ld_csv")
    cur.execute("create table ld_csv (id int, a text, b text)")
    assert cur.execute(f"load data local infile '{csv}' into table ld_csv fields terminated by ',' "
                       "enclosed by '\"' lines terminated by '\\r\\n'") == 3
    cur.execute("select id, a, b from ld_csv order by id")
    assert cur.fetchall() == ((1, "a, b", None), (2, 'say "hi"', "two\r\nlines"), (3, "", ""))
    c.close()


def test_a_failing_load_reports_the_error_and_keeps_nothing(server, tmp_path):
    path = tmp_path / "dups.csv"
    path.write_text("1,a\n2,b\n1,c\n")
    c = connect(server, local_infile=True)
    cur = c.cursor()
    cur.execute("drop table if exists ld_dup")
    cur.execute("create table ld_dup (id int primary key, v text)")
    with pytest.raises(pymysql.err.IntegrityError) as e:
        cur.execute(f"load data local infile '{path}' into table ld_dup fields terminated by ','")
    assert e.value.args[0] == 1062
    cur.execute("select count(*) from ld_dup")
    assert cur.fetchone() == (0,)
    # the connection goes on
    path.write_text("1,a\n2,b\n")
    assert cur.execute(f"load data local infile '{path}' into table ld_dup fields terminated by ','") == 2
    c.close()


def test_refused_when_the_client_did_not_offer_local_files(server, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("1\n")
    c = connect(server)  # PyMySQL leaves CLIENT_LOCAL_FILES off by default
    cur = c.cursor()
    cur.execute("drop table if exists ld_refused")
    cur.execute("create table ld_refused (id int)")
    with pytest.raises(pymysql.err.OperationalError) as e:
        cur.execute(f"load data local infile '{path}' into table ld_refused")
    assert e.value.args[0] == 1148
    cur.execute("select 1")
    assert cur.fetchone() == (1,)
    c.close()


@pytest.mark.skipif(shutil.which("mariadb") is None, reason="the mariadb CLI is not installed")
def test_the_mariadb_cli_loads_a_file(server, tmp_path):
    path = tmp_path / "cli.csv"
    path.write_text("".join(f"{i},item {i}\n" for i in range(1, 10001)))
    sql = (f"drop table if exists ld_cli; create table ld_cli (id int primary key, name text); "
           f"load data local infile '{path}' into table ld_cli fields terminated by ','; "
           f"select count(*), max(name) from ld_cli;")
    out = subprocess.run(["mariadb", "--local-infile=1", "-h", "127.0.0.1", "-P", str(server.mysql_port), "-u", "demo",
                          "-pdemo", "--ssl=0", "-N", "-B", "demo", "-e", sql],
                         capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["10000", "item", "9999"]
