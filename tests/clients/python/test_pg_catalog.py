"""PostgreSQL system catalogs (pg_catalog, information_schema) read by real clients.

Every row about a user relation comes from the store's own schema, so each test
creates its tables first and checks that the catalogs describe exactly them.
psql's \\d commands and SQLAlchemy's inspect() need parser features that are not
there yet (`~`, OPERATOR(pg_catalog.~), `= ANY (ARRAY[..])`, `::regclass`); the
catalog queries below are the ones those commands are built from.
"""
import os
import subprocess

import psycopg2
import pytest
import sqlalchemy as sa


def psql(server, *args):
    env = dict(os.environ, PGPASSWORD="demo", PGCONNECT_TIMEOUT="10")
    conninfo = f"host=127.0.0.1 port={server.pg_port} user=demo dbname=demo sslmode=require gssencmode=disable"
    return subprocess.run(["psql", conninfo, "-X", "-v", "ON_ERROR_STOP=1", *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def schema(server):
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("create table cat_parent (id integer primary key, code varchar(12) not null unique,"
                " score float8, note text default 'none')")
    cur.execute("create table cat_child (id integer primary key,"
                " parent_id integer references cat_parent(id) on delete cascade, label varchar(30))")
    cur.execute("create index cat_child_label_idx on cat_child (label)")
    yield conn
    cur.execute("drop table cat_child")
    cur.execute("drop table cat_parent")
    conn.close()


def rows(conn, sql, params=None):
    cur = conn.cursor()
    cur.execute(sql, params)
    return cur.fetchall()


def test_pg_class_lists_tables_and_indexes(schema):
    got = rows(schema, "select c.relname, c.relkind, n.nspname from pg_catalog.pg_class c"
                       " join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
                       " where c.relname like 'cat\\_%%' order by c.relname")
    assert got == [
        ("cat_child", "r", "public"), ("cat_child_label_idx", "i", "public"), ("cat_child_pkey", "i", "public"),
        ("cat_parent", "r", "public"), ("cat_parent_code_key", "i", "public"), ("cat_parent_pkey", "i", "public")]


def test_bare_and_qualified_names_reach_the_same_catalog(schema):
    assert rows(schema, "select count(*) from pg_class") == rows(schema, "select count(*) from pg_catalog.pg_class")


def test_pg_attribute_types_as_format_type_spells_them(schema):
    got = rows(schema, "select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef"
                       " from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid"
                       " where c.relname = 'cat_parent' and a.attnum > 0 and not a.attisdropped order by a.attnum")
    assert got == [("id", "integer", True, False), ("code", "character varying(12)", True, False),
                   ("score", "double precision", False, False), ("note", "text", False, True)]


def test_attribute_typmod_and_type_oids(schema):
    got = rows(schema, "select a.atttypid, a.atttypmod from pg_attribute a join pg_class c on c.oid = a.attrelid"
                       " where c.relname = 'cat_parent' order by a.attnum")
    assert got == [(23, -1), (1043, 16), (701, -1), (25, -1)]


def test_column_default_through_pg_attrdef(schema):
    got = rows(schema, "select pg_catalog.pg_get_expr(d.adbin, d.adrelid) from pg_catalog.pg_attrdef d"
                       " join pg_catalog.pg_class c on c.oid = d.adrelid where c.relname = 'cat_parent'")
    assert got == [("'none'",)]


def test_constraints_and_their_definitions(schema):
    got = rows(schema, "select r.conname, r.contype, pg_catalog.pg_get_constraintdef(r.oid, true)"
                       " from pg_catalog.pg_constraint r join pg_catalog.pg_class c on c.oid = r.conrelid"
                       " where c.relname in ('cat_parent', 'cat_child') order by 1")
    assert got == [("cat_child_parent_id_fkey", "f", "FOREIGN KEY (parent_id) REFERENCES cat_parent(id) ON DELETE CASCADE"),
                   ("cat_child_pkey", "p", "PRIMARY KEY (id)"),
                   ("cat_parent_code_key", "u", "UNIQUE (code)"),
                   ("cat_parent_pkey", "p", "PRIMARY KEY (id)")]


def test_foreign_key_points_at_the_referenced_relation(schema):
    got = rows(schema, "select f.relname, r.conkey, r.confkey from pg_constraint r join pg_class f on f.oid = r.confrelid"
                       " where r.contype = 'f' and r.conname = 'cat_child_parent_id_fkey'")
    assert got == [("cat_parent", "{2}", "{1}")]


def test_indexes_through_pg_index(schema):
    got = rows(schema, "select c2.relname, i.indisprimary, i.indisunique, i.indkey,"
                       " pg_catalog.pg_get_indexdef(i.indexrelid, 0, true)"
                       " from pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i"
                       " where c.relname = 'cat_child' and c.oid = i.indrelid and i.indexrelid = c2.oid"
                       " order by i.indisprimary desc, c2.relname")
    assert got == [("cat_child_pkey", True, True, "1", "CREATE UNIQUE INDEX cat_child_pkey ON public.cat_child USING btree (id)"),
                   ("cat_child_label_idx", False, False, "3",
                    "CREATE INDEX cat_child_label_idx ON public.cat_child USING btree (label)")]


def test_information_schema_does_not_collide_with_a_user_table(schema):
    cur = schema.cursor()
    cur.execute("create table tables (x integer)")
    try:
        assert rows(schema, "select count(*) from tables") == [(0,)]
        got = rows(schema, "select table_name, table_type from information_schema.tables"
                           " where table_name in ('cat_parent', 'tables') order by 1")
        assert got == [("cat_parent", "BASE TABLE"), ("tables", "BASE TABLE")]
    finally:
        cur.execute("drop table tables")


def test_information_schema_columns(schema):
    got = rows(schema, "select column_name, data_type, is_nullable, character_maximum_length"
                       " from information_schema.columns where table_name = 'cat_child' order by ordinal_position")
    assert got == [("id", "integer", "NO", None), ("parent_id", "integer", "YES", None),
                   ("label", "character varying", "YES", 30)]


def test_information_schema_key_column_usage(schema):
    got = rows(schema, "select tc.constraint_type, k.column_name from information_schema.table_constraints tc"
                       " join information_schema.key_column_usage k on k.constraint_name = tc.constraint_name"
                       " where tc.table_name = 'cat_parent' order by 1")
    assert got == [("PRIMARY KEY", "id"), ("UNIQUE", "code")]


def test_catalog_result_columns_have_postgres_types(schema):
    cur = schema.cursor()
    cur.execute("select oid, relname, relhasindex, relnatts, relkind from pg_class where relname = 'cat_parent'")
    # oid is PostgreSQL's oid (26) and relkind its one-byte "char" (18); relname stays text, not name (19)
    assert [d.type_code for d in cur.description] == [26, 25, 16, 21, 18]
    oid, name, hasindex, natts, kind = cur.fetchone()
    assert isinstance(oid, int) and oid >= 16384 and hasindex is True and natts == 4 and kind == "r"


def test_relation_oids_are_stable_across_connections(server, schema):
    other = psycopg2.connect(server.dsn())
    try:
        q = "select oid from pg_class where relname = 'cat_parent'"
        assert rows(other, q) == rows(schema, q)
    finally:
        other.close()


def test_vector_type_is_registered_by_name(schema):
    assert rows(schema, "select typname, typnamespace from pg_type where oid = to_regtype('vector')") == [("vector", 2200)]


def test_database_role_namespace_rows(schema):
    assert rows(schema, "select datname from pg_catalog.pg_database") == [("demo",)]
    assert rows(schema, "select rolname from pg_catalog.pg_roles") == [("demo",)]
    assert rows(schema, "select nspname from pg_catalog.pg_namespace order by oid") == [
        ("pg_catalog",), ("public",), ("information_schema",)]


def test_functions_clients_call_on_connect(schema):
    (version, sch, pid), = rows(schema, "select version(), current_schema(), pg_backend_pid()")
    assert version.startswith("PostgreSQL 15.0 ") and sch == "public" and pid > 0


def test_psql_lists_catalog_rows(server, schema):
    r = psql(server, "-At", "-c", "select c.relname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull"
                                  " from pg_catalog.pg_class c join pg_catalog.pg_attribute a on a.attrelid = c.oid"
                                  " where c.relname = 'cat_child' order by a.attnum")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["cat_child|integer|t", "cat_child|integer|f", "cat_child|character varying(30)|f"]


@pytest.fixture
def engine(server):
    eng = sa.create_engine(f"postgresql+psycopg2://demo:demo@127.0.0.1:{server.pg_port}/demo?sslmode=require")
    yield eng
    eng.dispose()


def test_sqlalchemy_connects_and_reads_the_server_version(engine):
    with engine.connect() as conn:
        assert conn.execute(sa.text("select 1")).scalar() == 1
    assert engine.dialect.server_version_info[:2] == (15, 0)


def test_sqlalchemy_create_all_shows_in_the_catalogs(engine):
    md = sa.MetaData()
    sa.Table("sa_author", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("name", sa.String(40), nullable=False, unique=True),
             sa.Column("rating", sa.Float), sa.Column("active", sa.Boolean),
             sa.Column("born", sa.DateTime), sa.Column("bio", sa.Text))
    sa.Table("sa_book", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("author_id", sa.Integer, sa.ForeignKey("sa_author.id")),
             sa.Column("title", sa.String(100), index=True))
    md.create_all(engine, checkfirst=False)
    try:
        with engine.connect() as conn:
            cols = conn.execute(sa.text(
                "select a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull from pg_attribute a"
                " join pg_class c on c.oid = a.attrelid where c.relname = 'sa_author' order by a.attnum")).all()
            assert [tuple(r) for r in cols] == [
                ("id", "integer", True), ("name", "character varying(40)", True), ("rating", "double precision", False),
                ("active", "boolean", False), ("born", "timestamp without time zone", False), ("bio", "text", False)]
            cons = conn.execute(sa.text(
                "select contype, pg_get_constraintdef(oid) from pg_constraint"
                " where conrelid = (select oid from pg_class where relname = 'sa_book') order by contype")).all()
            assert [tuple(r) for r in cons] == [("f", "FOREIGN KEY (author_id) REFERENCES sa_author(id)"),
                                                ("p", "PRIMARY KEY (id)")]
            idx = conn.execute(sa.text("select indexname from pg_indexes where tablename = 'sa_book' order by 1")).all()
            assert [r[0] for r in idx] == ["ix_sa_book_title", "sa_book_pkey"]
    finally:
        md.drop_all(engine, checkfirst=False)
