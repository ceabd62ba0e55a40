"""COPY in PostgreSQL's binary format: asyncpg's copy_records_to_table and psycopg 3's
cursor.copy(... (format binary)) across many types, records split anywhere across
CopyData messages, and malformed streams (22P04, the COPY rolled back, the session fine)."""
import asyncio
import datetime
import decimal
import io
import struct
import uuid

import asyncpg
import psycopg
import psycopg.errors
import psycopg2
import pytest

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + struct.pack("!ii", 0, 0)
TRAILER = struct.pack("!h", -1)


def tuple_bytes(*fields):
    out = struct.pack("!h", len(fields))
    for f in fields:
        out += struct.pack("!i", -1) if f is None else struct.pack("!i", len(f)) + f
    return out


def row(i, name):
    return tuple_bytes(struct.pack("!i", i), None if name is None else name.encode(), struct.pack("!d", i / 2))


async def apg_connect(server):
    return await asyncpg.connect(host="127.0.0.1", port=server.pg_port, user="demo", password="demo",
                                 database="demo", ssl="require")


def test_asyncpg_copy_records_many_types_read_back_binary(server):
    rows = [
        (1, True, -32768, 9_000_000_000, 1.5, 2.25, decimal.Decimal("1234.5"), "héllo\ttab", b"\x00\xff\n",
         datetime.date(2024, 2, 29), datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),
         uuid.UUID("12345678-1234-5678-1234-567812345678")),
        (2, False, 7, -1, -0.5, 0.0, decimal.Decimal("-0.001"), "", b"", datetime.date(1999, 12, 31),
         datetime.datetime(2000, 1, 1), uuid.UUID(int=0)),
        (3, None, None, None, None, None, None, None, None, None, None, None),
    ]

    async def body():
        c = await apg_connect(server)
        try:
            await c.execute("create table cbin_types (id integer, ok boolean, s smallint, b bigint, f real, "
                            "d double precision, n numeric, t text, raw bytea, day date, ts timestamp, u uuid)")
            assert await c.copy_records_to_table("cbin_types", records=rows) == "COPY 3"
            got = [tuple(r) for r in await c.fetch("select * from cbin_types order by id")]
            assert got == rows
            out = io.BytesIO()
            assert await c.copy_from_query("select id, t, raw from cbin_types order by id", output=out,
                                           format="binary") == "COPY 3"
            data = out.getvalue()
            assert data.startswith(HEADER) and data.endswith(TRAILER)
            assert data[len(HEADER):-2] == (tuple_bytes(struct.pack("!i", 1), "héllo\ttab".encode(), b"\x00\xff\n")
                                            + tuple_bytes(struct.pack("!i", 2), b"", b"")
                                            + tuple_bytes(struct.pack("!i", 3), None, None))
        finally:
            await c.close()
    asyncio.run(body())


def test_asyncpg_copy_to_table_text_and_copy_from_table_csv(server):
    async def body():
        c = await apg_connect(server)
        try:
            await c.execute("create table cbin_text (id integer, name text)")
            src = io.BytesIO(b"1\tone\n2\t\\N\n3\tthree\\ttab\n")
            assert await c.copy_to_table("cbin_text", source=src) == "COPY 3"
            out = io.BytesIO()
            assert await c.copy_from_table("cbin_text", output=out, format="csv", header=True) == "COPY 3"
            assert out.getvalue() == b"id,name\n1,one\n2,\n3,three\ttab\n"
        finally:
            await c.close()
    asyncio.run(body())


def test_psycopg3_binary_write_row_read_row(server):
    with psycopg.connect(server.dsn()) as conn:
        conn.execute("create table cbin_p3 (id integer, name text, v double precision)")
        with conn.cursor() as cur:
            with cur.copy("copy cbin_p3 (id, name, v) from stdin (format binary)") as cp:
                cp.set_types(["int4", "text", "float8"])
                for i in range(500):
                    cp.write_row((i, None if i % 7 == 0 else f"r{i}", i / 2))
            assert cur.rowcount == 500
            with cur.copy("copy (select * from cbin_p3 where id < 3 order by id) to stdout (format binary)") as cp:
                cp.set_types(["int4", "text", "float8"])
                assert [cp.read_row() for _ in range(4)] == [(0, None, 0.0), (1, "r1", 0.5), (2, "r2", 1.0), None]
            with cur.copy("copy (select * from cbin_p3 where id < 0) to stdout (format binary)") as cp:
                cp.set_types(["int4", "text", "float8"])
                assert list(cp.rows()) == []  # the header and the trailer only
        conn.commit()
        assert conn.execute("select count(*), sum(id), count(name) from cbin_p3").fetchone() == (500, 124750, 428)


class Trickle(io.RawIOBase):
    """A file whose read() hands out 1 to 7 bytes at a time: psycopg2 sends each read as one CopyData."""

    def __init__(self, data):
        self.data = data
        self.pos = 0
        self.k = 0

    def readable(self):
        return True

    def read(self, size=-1):
        self.k += 1
        n = self.k % 7 + 1
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


def test_records_split_anywhere_across_copydata(server):
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("create table cbin_split (id integer, name text, v double precision)")
    stream = (SIGNATURE + struct.pack("!ii", 0, 5) + b"extra" + b"".join(row(i, f"name {i}") for i in range(300))
              + row(300, None) + TRAILER)
    cur.copy_expert("copy cbin_split from stdin with (format binary)", Trickle(stream))
    assert cur.rowcount == 301
    conn.commit()
    cur.execute("select count(*), sum(id), sum(v), count(name), max(name) from cbin_split")
    assert cur.fetchone() == (301, 45150, 22575.0, 300, "name 99")
    conn.close()


MALFORMED = [
    ("signature", b"PGCOPY\n\xff\r\n\x01" + struct.pack("!ii", 0, 0) + row(1, "a") + TRAILER,
     "COPY file signature not recognized"),
    ("oids flag", SIGNATURE + struct.pack("!ii", 1 << 16, 0) + row(1, "a") + TRAILER, "WITH OIDS"),
    ("critical flag", SIGNATURE + struct.pack("!ii", 1 << 20, 0) + row(1, "a") + TRAILER, "critical flags"),
    ("negative extension", SIGNATURE + struct.pack("!ii", 0, -1), "wrong length"),
    ("short header", SIGNATURE + b"\x00\x00", "missing flags"),
    ("field count", HEADER + row(1, "a") + tuple_bytes(b"\x00\x00\x00\x02", b"b") + TRAILER,
     "row field count is 2, expected 3"),
    ("field size", HEADER + struct.pack("!hi", 3, -2) + TRAILER, "invalid field size"),
    ("truncated tuple", HEADER + row(1, "a") + row(2, "b")[:9], "unexpected EOF"),
    ("data after trailer", HEADER + row(1, "a") + TRAILER + b"\x00", "after EOF marker"),
    ("int4 of 2 bytes", HEADER + tuple_bytes(b"\x00\x01", b"a", struct.pack("!d", 1)) + TRAILER,
     "incorrect binary data format"),
]


@pytest.mark.parametrize("case,stream,message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_binary_stream_is_22P04_and_loads_nothing(server, case, stream, message):
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        table = "cbin_bad_" + case.replace(" ", "_")
        conn.execute(f"create table {table} (id integer, name text, v double precision)")
        with conn.cursor() as cur:
            with pytest.raises(psycopg.errors.BadCopyFileFormat) as e:
                with cur.copy(f"copy {table} from stdin (format binary)") as cp:
                    cp.write(stream)
            assert message in str(e.value)
        assert conn.execute(f"select count(*) from {table}").fetchone() == (0,)


def test_failed_binary_copy_inside_a_transaction_aborts_it(server):
    with psycopg.connect(server.dsn()) as conn:
        conn.execute("create table cbin_txn (id integer, name text, v double precision)")
        conn.commit()
        conn.execute("insert into cbin_txn values (0, 'kept?', 0)")
        with conn.cursor() as cur:
            with pytest.raises(psycopg.errors.BadCopyFileFormat):
                with cur.copy("copy cbin_txn from stdin (format binary)") as cp:
                    cp.write(HEADER + row(1, "a") + b"\x00\x09")
            with pytest.raises(psycopg.errors.InFailedSqlTransaction):
                cur.execute("select 1")
        conn.rollback()
        assert conn.execute("select count(*) from cbin_txn").fetchone() == (0,)


def test_binary_with_text_options_is_refused(server):
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute("create table cbin_opts (id integer)")
        with pytest.raises(psycopg.errors.SyntaxError):
            with conn.cursor().copy("copy cbin_opts from stdin (format binary, header)"):
                pass
