"""Hostile and broken peers: the server answers with PostgreSQL's own errors or a clean
close, and keeps serving everyone else.  These peers are written by hand on purpose —
no real client sends such bytes."""
import asyncio
import socket
import struct

import asyncpg
import psycopg2
import pytest


def raw(server, port=None):
    s = socket.create_connection(("127.0.0.1", port or server.pg_port), timeout=10)
    return s


def recv_all(s, limit=65536):
    """Everything the server sends until it closes the connection."""
    out = b""
    while len(out) < limit:
        chunk = s.recv(4096)
        if not chunk:
            return out
        out += chunk
    return out


def error_fields(data):
    """The fields of the first ErrorResponse in `data`."""
    i = 0
    while i + 5 <= len(data):
        t, n = data[i:i + 1], struct.unpack("!I", data[i + 1:i + 5])[0]
        if t == b"E":
            fields = {}
            for part in data[i + 5:i + 1 + n].split(b"\0"):
                if part:
                    fields[part[:1].decode()] = part[1:].decode()
            return fields
        i += 1 + n
    return None


def startup_packet(user="demo", database="demo"):
    body = struct.pack("!I", 196608) + b"user\0" + user.encode() + b"\0database\0" + database.encode() + b"\0\0"
    return struct.pack("!I", len(body) + 4) + body


def still_serving(server):
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("select 7")
    assert cur.fetchone() == (7,)
    conn.close()


def test_asyncpg_wrong_password_is_28P01(server):
    async def attempt():
        await asyncpg.connect(host="127.0.0.1", port=server.pg_port, user="demo", password="bad",
                              database="demo", ssl="require")
    with pytest.raises(asyncpg.exceptions.InvalidPasswordError) as e:
        asyncio.run(attempt())
    assert e.value.sqlstate == "28P01"
    still_serving(server)


def test_garbage_first_packet_is_closed(server):
    s = raw(server)
    s.sendall(b"\x17\xfe\x00\x01garbage that is no protocol at all\r\n")
    data = recv_all(s)
    s.close()
    fields = error_fields(data)
    assert data == b"" or (fields and fields["C"] == "08P01")
    still_serving(server)


def test_startup_claiming_one_gigabyte_gets_08P01(server):
    s = raw(server)
    s.sendall(struct.pack("!II", 1 << 30, 196608) + b"user\0demo\0")
    fields = error_fields(recv_all(s))
    s.close()
    assert fields["S"] == "FATAL" and fields["C"] == "08P01"
    still_serving(server)


def test_message_claiming_one_gigabyte_during_auth_gets_08P01(server):
    s = raw(server)
    s.sendall(startup_packet())
    hello = s.recv(4096)
    assert hello[:1] == b"R" and b"SCRAM-SHA-256" in hello
    s.sendall(b"p" + struct.pack("!I", 1 << 30) + b"SCRAM-SHA-256\0")
    fields = error_fields(recv_all(s))
    s.close()
    assert fields["C"] == "08P01"
    still_serving(server)


def test_malformed_sasl_gets_an_error_not_a_crash(server):
    s = raw(server)
    s.sendall(startup_packet())
    s.recv(4096)
    body = b"SCRAM-SHA-256\0" + struct.pack("!I", 5) + b"n,,x="
    s.sendall(b"p" + struct.pack("!I", len(body) + 4) + body)
    fields = error_fields(recv_all(s))
    s.close()
    assert fields["S"] == "FATAL" and fields["C"] in ("28P01", "08P01")
    still_serving(server)


def test_disconnect_mid_message(server):
    for cut in (2, 7, 15):
        s = raw(server)
        s.sendall(startup_packet()[:cut])
        s.close()
    s = raw(server)
    s.sendall(startup_packet())
    s.recv(4096)
    s.sendall(b"p\x00\x00\x01\x00SCRAM")  # half of a SASL message, then gone
    s.close()
    still_serving(server)


def test_data_sent_before_tls_handshake_is_refused(server):
    # SSLRequest immediately followed by plaintext: those bytes could have been injected.
    s = raw(server)
    s.sendall(struct.pack("!II", 8, 80877103) + startup_packet())
    data = recv_all(s)
    s.close()
    assert data in (b"S", b"")
    still_serving(server)


def test_gssenc_request_is_declined(server):
    s = raw(server)
    s.sendall(struct.pack("!II", 8, 80877104))
    assert s.recv(1) == b"N"
    s.close()


def test_query_during_authentication_is_08P01(server):
    s = raw(server)
    s.sendall(startup_packet())
    s.recv(4096)
    s.sendall(b"Q" + struct.pack("!I", 8) + b"sel\0")  # 'Q' where a SASL response is due
    fields = error_fields(recv_all(s))
    s.close()
    assert fields["C"] == "08P01"
    still_serving(server)
