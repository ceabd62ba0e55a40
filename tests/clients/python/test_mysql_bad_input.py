"""Hostile and broken MySQL clients: the server answers or closes, and keeps serving."""
import socket
import struct

import pymysql
import pytest


def read_packet(sock):
    hdr = b""
    while len(hdr) < 4:
        chunk = sock.recv(4 - len(hdr))
        if not chunk:
            return None, None
        hdr += chunk
    n = hdr[0] | hdr[1] << 8 | hdr[2] << 16
    body = b""
    while len(body) < n:
        chunk = sock.recv(n - len(body))
        if not chunk:
            return hdr[3], None
        body += chunk
    return hdr[3], body


def greeting(server):
    s = socket.create_connection(("127.0.0.1", server.mysql_port), timeout=10)
    seq, body = read_packet(s)
    assert seq == 0 and body[0] == 10  # HandshakeV10
    return s, body


def closed(sock):
    """Read until EOF; True when the server closed (after any ERR it sent)."""
    sock.settimeout(10)
    try:
        while sock.recv(65536):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def still_serving(server):
    conn = pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                           database="demo")
    cur = conn.cursor()
    cur.execute("SELECT 1")
    assert cur.fetchone() == (1,)
    conn.close()


def test_greeting_layout(server):
    s, body = greeting(server)
    version, rest = body[1:].split(b"\0", 1)
    assert version.startswith(b"8.0")
    thread_id, = struct.unpack("<I", rest[:4])
    assert thread_id > 0
    scramble1 = rest[4:12]
    caps_lo, = struct.unpack("<H", rest[13:15])
    assert caps_lo & 0x0200  # PROTOCOL_41
    assert b"\0" not in scramble1
    assert body.endswith(b"caching_sha2_password\0")
    s.close()


def test_garbage_after_greeting(server):
    s, _ = greeting(server)
    s.sendall(b"\x05\x00\x00\x01hello" + b"\xff" * 64)
    seq, body = read_packet(s)
    assert body is not None and body[0] == 0xFF  # ERR, then close
    assert closed(s)
    still_serving(server)


def test_truncated_handshake_response(server):
    s, _ = greeting(server)
    payload = struct.pack("<IIB", 0x000FA285, 1 << 24, 45)  # cut short inside the filler
    s.sendall(struct.pack("<I", len(payload))[:3] + b"\x01" + payload)
    seq, body = read_packet(s)
    assert body is not None and body[0] == 0xFF
    assert closed(s)
    s, _ = greeting(server)
    s.sendall(b"\x40\x00\x00\x01" + b"\x00" * 10)  # announces 64 bytes, sends 10, hangs up
    s.close()
    still_serving(server)


def test_oversized_packet_announced_then_disconnect(server):
    conn = pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                           database="demo")
    sock = conn._sock
    sock.sendall(b"\xff\xff\xff\x00" + b"\x03SELECT '" + b"x" * 100000)  # a 16 MB+ packet, never finished
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()
    s, _ = greeting(server)
    s.sendall(b"\xff\xff\xff\x01")  # too large before authentication: ERR 1153 and close
    seq, body = read_packet(s)
    assert body is not None and body[0] == 0xFF and struct.unpack("<H", body[1:3])[0] == 1153
    assert closed(s)
    still_serving(server)


def test_disconnect_mid_transaction(server):
    conn = pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                           database="demo", autocommit=True)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS bad_tx")
    cur.execute("CREATE TABLE bad_tx (v INT)")
    cur.execute("BEGIN")
    cur.execute("INSERT INTO bad_tx VALUES (1)")
    cur.execute("COMMIT")
    cur.execute("BEGIN")
    cur.execute("INSERT INTO bad_tx VALUES (2)")
    conn._sock.shutdown(socket.SHUT_RDWR)  # gone without COMMIT (PyMySQL's makefile keeps the fd open)
    conn._sock.close()
    other = pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                            database="demo", autocommit=True)
    oc = other.cursor()
    oc.execute("INSERT INTO bad_tx VALUES (3)")  # the abandoned write lock was released
    oc.execute("SELECT v FROM bad_tx ORDER BY v")
    assert oc.fetchall() == ((1,), (3,))
    oc.execute("DROP TABLE bad_tx")
    other.close()


def test_unknown_command_and_out_of_order(server):
    conn = pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                           database="demo")
    sock = conn._sock
    sock.sendall(b"\x01\x00\x00\x00\x7f")  # unknown command: ERR 1047, connection stays
    seq, body = read_packet(sock)
    assert seq == 1 and body[0] == 0xFF and struct.unpack("<H", body[1:3])[0] == 1047
    sock.sendall(b"\x01\x00\x00\x00\x0e")  # COM_PING
    seq, body = read_packet(sock)
    assert seq == 1 and body[0] == 0x00
    sock.sendall(b"\x01\x00\x00\x05\x0e")  # a command must start at sequence id 0
    seq, body = read_packet(sock)
    assert body[0] == 0xFF and struct.unpack("<H", body[1:3])[0] == 1156
    assert closed(sock)
    still_serving(server)
