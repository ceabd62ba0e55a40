"""psql (postgresql-client) against rosettad: TLS, CRUD, errors, as a user types them."""
import os
import subprocess


def psql(server, *args, password="demo", sslmode="require", stdin=None):
    env = dict(os.environ, PGPASSWORD=password, PGCONNECT_TIMEOUT="10")
    conninfo = f"host=127.0.0.1 port={server.pg_port} user=demo dbname=demo sslmode={sslmode} gssencmode=disable"
    return subprocess.run(["psql", conninfo, "-X", "-v", "ON_ERROR_STOP=1", *args],
                          input=stdin, capture_output=True, text=True, env=env, timeout=120)


def test_psql_connects_over_tls(server):
    r = psql(server, "-c", r"\conninfo")
    assert r.returncode == 0, r.stderr
    assert "SSL connection (protocol: TLSv1.3" in r.stdout


def test_psql_crud(server):
    script = """
create table psql_items (id integer primary key, name varchar(20));
insert into psql_items values (1, 'one'), (2, 'two');
update psql_items set name = 'deux' where id = 2;
delete from psql_items where id = 1;
select id, name from psql_items;
"""
    r = psql(server, "-At", stdin=script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["CREATE TABLE", "INSERT 0 2", "UPDATE 1", "DELETE 1", "2|deux"]


def test_psql_transaction_rollback(server):
    script = """
create table psql_tx (v integer);
begin;
insert into psql_tx values (1);
rollback;
select count(*) from psql_tx;
"""
    r = psql(server, "-At", stdin=script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "0"


def test_psql_reports_sqlstate(server):
    r = psql(server, "-c", r"\set VERBOSITY verbose", "-c", "select * from nosuch")
    assert r.returncode != 0
    assert "ERROR:  42P01" in r.stderr


def test_psql_wrong_password(server):
    r = psql(server, "-c", "select 1", password="wrong")
    assert r.returncode == 2
    assert 'password authentication failed for user "demo"' in r.stderr


def test_psql_describe_commands(server):
    setup = ("create table psql_desc (id serial primary key, name varchar(20) not null);"
             "create index psql_desc_name on psql_desc (name);")
    assert psql(server, "-c", setup).returncode == 0
    r = psql(server, "-c", r"\dt psql_desc")
    assert r.returncode == 0, r.stderr
    assert "public | psql_desc | table | demo" in r.stdout
    r = psql(server, "-c", r"\di psql_desc*")
    assert r.returncode == 0, r.stderr
    assert "psql_desc_name | index | demo  | psql_desc" in r.stdout
    assert "psql_desc_pkey | index | demo  | psql_desc" in r.stdout
    r = psql(server, "-c", r"\dn")
    assert r.returncode == 0 and "public" in r.stdout


def test_regex_operators_and_oid_casts(server):
    import psycopg2
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("create table regex_t (id integer primary key)")
    cur.execute("select 'abc' ~ '^a', 'ABC' ~* '^a', 'abc' !~ 'z', 'abc' !~* 'A', 'abc' OPERATOR(pg_catalog.~) 'c$'")
    assert cur.fetchone() == (True, True, True, False, True)
    cur.execute("select 'regex_t'::regclass = oid, oid::regclass::text, 'int4'::regtype::oid from pg_class "
                "where relname = 'regex_t'")
    assert cur.fetchone() == (True, "regex_t", 23)
    conn.rollback()
    conn.close()


def test_psql_describe_table(server):
    setup = ("create table psql_dt_parent (id serial primary key, code varchar(12) not null unique);"
             "create table psql_dt_child (id integer primary key,"
             " parent_id integer references psql_dt_parent(id), note text default 'n/a');"
             "create index psql_dt_child_note on psql_dt_child (note);")
    assert psql(server, "-c", setup).returncode == 0
    r = psql(server, "-c", r"\d psql_dt_parent")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert 'Table "public.psql_dt_parent"' in out
    assert " id     | integer               |           | not null | nextval('psql_dt_parent_id_seq'::regclass)" in out
    assert " code   | character varying(12) |           | not null | " in out
    assert '"psql_dt_parent_pkey" PRIMARY KEY, btree (id)' in out
    assert '"psql_dt_parent_code_key" UNIQUE CONSTRAINT, btree (code)' in out
    assert 'TABLE "psql_dt_child" CONSTRAINT "psql_dt_child_parent_id_fkey" FOREIGN KEY (parent_id) REFERENCES psql_dt_parent(id)' in out
    r = psql(server, "-c", r"\d+ psql_dt_child")
    assert r.returncode == 0, r.stderr
    assert " note      | text    |           |          | 'n/a'   | " in r.stdout
    assert '"psql_dt_child_note" btree (note)' in r.stdout
    assert "Foreign-key constraints:" in r.stdout


def test_psql_roles_databases_expanded(server):
    r = psql(server, "-c", r"\du")
    assert r.returncode == 0, r.stderr
    assert "List of roles" in r.stdout and " demo " in r.stdout
    r = psql(server, "-c", r"\l")
    assert r.returncode == 0, r.stderr
    assert "List of databases" in r.stdout and " demo " in r.stdout
    r = psql(server, "-c", r"\x", "-c", "select 1 as a, 'b' as b")
    assert r.returncode == 0, r.stderr
    assert "-[ RECORD 1 ]" in r.stdout and "a | 1" in r.stdout
