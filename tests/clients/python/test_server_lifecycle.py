"""rosettad as an operator meets it: init, ready line, restart durability, refusals."""
import os
import socket
import subprocess
import tempfile
import time

import psycopg2
import pytest

from conftest import ROSETTAD, Server, free_port, init_data


def test_committed_rows_survive_a_restart(fresh_server):
    srv = fresh_server.start()
    conn = psycopg2.connect(srv.dsn())
    cur = conn.cursor()
    cur.execute("create table durable (v text)")
    cur.execute("insert into durable values ('kept')")
    conn.commit()
    cur.execute("insert into durable values ('lost')")  # never committed
    assert srv.stop() == 0
    conn.close()
    srv.start()
    conn = psycopg2.connect(srv.dsn())
    cur = conn.cursor()
    cur.execute("select v from durable")
    assert cur.fetchall() == [("kept",)]
    conn.close()


def test_users_file_holds_no_password(fresh_server):
    with open(os.path.join(fresh_server.data, "users")) as f:
        text = f.read()
    assert "demo\t" in text and "SCRAM-SHA-256$" in text
    assert "\tdemo" not in text.replace("demo\t", "")  # the password itself is nowhere


def test_refuses_non_loopback_with_default_password():
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data")
        init_data(data)
        r = subprocess.run([ROSETTAD, "serve", "--data", data, "--listen", "0.0.0.0",
                            "--pg-port", str(free_port())] +
                           [a for name in ("mysql", "tds", "drda", "tns", "https", "unified")
                            for a in (f"--{name}-port", "0")],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode != 0
        assert "default password" in r.stderr


def test_a_second_server_cannot_take_a_port_in_use(server):
    # Listeners use SO_REUSEPORT between their own loops; another process must not share them.
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data")
        init_data(data)
        r = subprocess.run([ROSETTAD, "serve", "--data", data, "--listen", "127.0.0.1",
                            "--pg-port", str(server.pg_port)] +
                           [a for name in ("mysql", "tds", "drda", "tns", "https", "unified")
                            for a in (f"--{name}-port", "0")],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode != 0
        assert "Address already in use" in r.stderr
    conn = psycopg2.connect(server.dsn())  # the first server still has its port
    conn.close()


def test_serves_non_loopback_after_password_change():
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data")
        init_data(data, password="a-much-better-secret")
        srv = Server(data, {"pg": free_port()}, extra=["--listen", "0.0.0.0"]).start()
        try:
            conn = psycopg2.connect(srv.dsn(password="a-much-better-secret"))
            conn.close()
        finally:
            assert srv.stop() == 0


def test_unified_port_routes_postgresql_by_first_bytes(server):
    conn = psycopg2.connect(server.dsn(port=server.ports["unified"]))
    cur = conn.cursor()
    cur.execute("select 'via unified'")
    assert cur.fetchone() == ("via unified",)
    conn.close()


def test_unified_port_silence_means_mysql(server):
    # A silent client is a MySQL client waiting for the server's greeting (HandshakeV10).
    s = socket.create_connection(("127.0.0.1", server.ports["unified"]), timeout=10)
    head = s.recv(5)
    assert len(head) == 5 and head[3] == 0 and head[4] == 10  # sequence 0, protocol 10
    s.close()
    import pymysql
    conn = pymysql.connect(host="127.0.0.1", port=server.ports["unified"], user="demo", password="demo",
                           database="demo")
    cur = conn.cursor()
    cur.execute("select 'mysql via unified'")
    assert cur.fetchone() == ("mysql via unified",)
    conn.close()


def test_auth_and_idle_timeouts_close_only_their_connections(fresh_server):
    """The tick watches logging-in connections for --auth-timeout and, when set, every
    connection for --idle-timeout: a silent socket is closed, so is an idle session, and a
    session that keeps working is not."""
    # The auth timeout leaves room for a TLS + SCRAM login under ASan on a loaded 2-core CI
    # machine, which has been seen to take over a second.
    fresh_server.extra += ["--auth-timeout", "5", "--idle-timeout", "4"]
    srv = fresh_server.start()
    idle = [psycopg2.connect(srv.dsn()) for _ in range(20)]  # logged in: off the tick's pending list
    busy = psycopg2.connect(srv.dsn())  # after the idle ones, whose logins may take seconds under ASan
    busy.cursor().execute("select 1")
    silent = socket.create_connection(("127.0.0.1", srv.ports["pg"]), timeout=0.5)
    closed, deadline = False, time.time() + 60
    while not closed and time.time() < deadline:  # the working session works while we wait
        busy.cursor().execute("select 1")
        try:
            closed = silent.recv(1) == b""  # closed by the server without a word from us
            assert closed, "the server wrote to a client that never spoke"
        except socket.timeout:
            pass
    assert closed
    deadline = time.time() + 8
    while time.time() < deadline:  # the working session stays open past the idle timeout
        busy.cursor().execute("select 1")
        time.sleep(0.5)
    for conn in idle:
        with pytest.raises(psycopg2.OperationalError):
            conn.cursor().execute("select 1")
    busy.cursor().execute("select 1")
    busy.close()
