"""PostgreSQL arrays through real drivers: array columns, array parameters and array results,
in text (psycopg2, psycopg 3, psql) and in binary (asyncpg, psycopg 3 binary cursors).

asyncpg knows only oid[] and text[] by heart; for every other array type it runs its
introspection query (typed oid, oid[] and "char" columns, `$1::oid[]`), so these tests
also prove the catalog types those columns as PostgreSQL does.
"""
import asyncio
import datetime
import decimal
import subprocess
import uuid

import asyncpg
import psycopg
import psycopg2

ROW = dict(ints=[1, None, 3], texts=["a", "b,c", None, "", 'x"y', "NULL"], floats=[1.5, -2.0],
           bools=[True, False, None], big=[2 ** 40, -1])


def dsn(server):
    return f"host=127.0.0.1 port={server.pg_port} user=demo password=demo dbname=demo sslmode=require"


async def aconnect(server):
    return await asyncpg.connect(host="127.0.0.1", port=server.pg_port, user="demo", password="demo",
                                 database="demo", ssl="require")


def make_table(server, name):
    with psycopg2.connect(dsn(server)) as conn, conn.cursor() as cur:
        cur.execute(f"create table {name} (id integer primary key, ints integer[], texts text[],"
                    f" floats float8[], bools boolean[], big bigint array)")
    conn.close()


def test_asyncpg_array_columns_round_trip_in_binary(server):
    make_table(server, "arr_apg")

    async def body():
        conn = await aconnect(server)
        try:
            await conn.execute("insert into arr_apg values ($1, $2, $3, $4, $5, $6)", 1, *ROW.values())
            await conn.execute("insert into arr_apg (id, ints, texts) values (2, '{}', $1)", [])
            row = await conn.fetchrow("select * from arr_apg where id = 1")
            assert {k: row[k] for k in ROW} == ROW
            row = await conn.fetchrow("select ints, texts, floats from arr_apg where id = 2")
            assert (row["ints"], row["texts"], row["floats"]) == ([], [], None)
            # the statement's types are PostgreSQL's array OIDs
            st = await conn.prepare("select ints, texts, floats, bools, big from arr_apg")
            assert [a.type.oid for a in st.get_attributes()] == [1007, 1009, 1022, 1000, 1016]
            assert [a.type.name for a in st.get_attributes()] == ["int4[]", "text[]", "float8[]", "bool[]", "int8[]"]
            # an array parameter compared with ANY
            ids = await conn.fetch("select id from arr_apg where 3 = any(ints) or id = any($1::int4[])", [2])
            assert sorted(r["id"] for r in ids) == [1, 2]
        finally:
            await conn.close()
    asyncio.run(body())


def test_asyncpg_array_parameters_of_every_element_type(server):
    values = [
        ("int2[]", [1, -2]), ("int4[]", [7, None]), ("int8[]", [2 ** 40]), ("float4[]", [0.5, -1.25]),
        ("float8[]", [1e-300]), ("numeric[]", [decimal.Decimal("1.25"), decimal.Decimal("-10")]),
        ("text[]", ["é", ""]), ("varchar[]", ["v"]), ("bool[]", [True, None]),
        ("date[]", [datetime.date(2024, 2, 29)]), ("timestamp[]", [datetime.datetime(2020, 1, 2, 3, 4, 5, 6)]),
        ("uuid[]", [uuid.UUID(int=5)]), ("oid[]", [1, 4000000000]),
        ("interval[]", [datetime.timedelta(days=1, seconds=2)]),
    ]

    async def body():
        conn = await aconnect(server)
        try:
            for typ, v in values:
                assert await conn.fetchval(f"select $1::{typ}", v) == v, typ
            assert await conn.fetchval("select cardinality($1::int8[])", [1, 2, 3]) == 3
            assert await conn.fetchval("select array_append(array[1, 2], 3)") == [1, 2, 3]
            assert await conn.fetchval("select array_cat($1::text[], array['c'])", ["a", "b"]) == ["a", "b", "c"]
            assert await conn.fetchval("select array_remove(array[1, 2, 1], 1)") == [2]
            assert await conn.fetchval("select array_position(array['x', 'y'], 'y')") == 2
            assert await conn.fetchval("select '{}'::int[]") == []
        finally:
            await conn.close()
    asyncio.run(body())


def test_asyncpg_introspects_catalog_types(server):
    """oid columns decode as int, "char" as bytes, and `vector` is a scalar base type."""
    async def body():
        conn = await aconnect(server)
        try:
            st = await conn.prepare("select oid, typtype, typelem, typarray from pg_type where typname = $1")
            assert [a.type.name for a in st.get_attributes()] == ["oid", "char", "oid", "oid"]
            assert tuple(await st.fetchrow("_int4")) == (1007, b"b", 23, 0)
            assert tuple(await st.fetchrow("vector")) == (16385, b"b", 0, 16386)
        finally:
            await conn.close()
    asyncio.run(body())


def test_psycopg2_array_columns_in_text(server):
    make_table(server, "arr_p2")
    conn = psycopg2.connect(dsn(server))
    cur = conn.cursor()
    cur.execute("insert into arr_p2 values (%s, %s, %s, %s, %s, %s)", (1, *ROW.values()))
    cur.execute("select ints, texts, floats, bools, big from arr_p2")
    assert [d.type_code for d in cur.description] == [1007, 1009, 1022, 1000, 1016]
    assert cur.fetchone() == tuple(ROW.values())
    cur.execute("update arr_p2 set ints = array_append(ints, 9) where 1 = any(ints)")
    assert cur.rowcount == 1
    cur.execute("select ints[4], array_length(ints, 1) from arr_p2")
    assert cur.fetchone() == (9, 4)
    conn.commit()
    conn.close()


def test_psycopg3_array_columns_in_text_and_binary(server):
    make_table(server, "arr_p3")
    with psycopg.connect(dsn(server)) as conn:
        conn.execute("insert into arr_p3 values (%s, %s, %s, %s, %s, %s)", (1, *ROW.values()))
        conn.execute("insert into arr_p3 (id, ints) values (%b, %b)", (2, [4, 5]))  # binary parameters
        want = [tuple(ROW.values()), ([4, 5], None, None, None, None)]
        q = "select ints, texts, floats, bools, big from arr_p3 order by id"
        assert conn.execute(q).fetchall() == want
        assert conn.cursor(binary=True).execute(q).fetchall() == want


def test_psql_shows_array_columns_as_postgres_does(server):
    make_table(server, "arr_psql")
    with psycopg2.connect(dsn(server)) as conn, conn.cursor() as cur:
        cur.execute("insert into arr_psql (id, ints, texts) values (1, %s, %s)", ([1, None], ["a", "b c", ""]))
    conn.close()
    conninfo = f"host=127.0.0.1 port={server.pg_port} user=demo dbname=demo sslmode=require"
    r = subprocess.run(["psql", conninfo, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", r"\d arr_psql",
                        "-c", "select ints, texts from arr_psql"],
                       env={"PGPASSWORD": "demo", "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "ints|integer[]" in r.stdout and "texts|text[]" in r.stdout and "big|bigint[]" in r.stdout
    assert r.stdout.rstrip().endswith('{1,NULL}|{a,"b c",""}')


def test_mysql_clients_read_a_postgres_array_column_as_text(server):
    """MySQL has no array type: a column created as integer[] through PostgreSQL reads back as
    PostgreSQL's text form, through PyMySQL (text protocol) and mysql-connector's prepared
    cursor (binary protocol)."""
    import pymysql
    make_table(server, "arr_my")
    with psycopg2.connect(dsn(server)) as conn, conn.cursor() as cur:
        cur.execute("insert into arr_my (id, ints, texts) values (1, %s, %s)", ([1, None, 3], ["a", "b c"]))
    conn.close()
    my = pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                         database="demo", ssl={"ssl": {}})
    try:
        with my.cursor() as cur:
            cur.execute("select ints, texts from arr_my where id = 1")
            assert cur.fetchone() == ("{1,NULL,3}", '{a,"b c"}')
            assert [d[1] for d in cur.description] == [pymysql.constants.FIELD_TYPE.BLOB] * 2
    finally:
        my.close()
    import mysql.connector
    mc = mysql.connector.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                                 database="demo", use_pure=True)
    try:
        cur = mc.cursor(prepared=True)  # COM_STMT_EXECUTE: the binary protocol
        cur.execute("select ints, texts from arr_my where id = ?", (1,))
        assert [bytes(v).decode() if isinstance(v, (bytes, bytearray)) else v for v in cur.fetchone()] == \
            ["{1,NULL,3}", '{a,"b c"}']
    finally:
        mc.close()
