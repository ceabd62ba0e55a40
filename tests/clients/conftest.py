"""Fixtures shared by every client suite: a real rosettad on free loopback ports.

The server binary is $ROSETTAD (the Makefile points it at the sanitizer build);
each server gets a fresh data directory made with `rosettad init`.  At teardown
the server is stopped with SIGTERM and must exit 0 with no sanitizer report.
"""
import os
import select
import signal
import socket
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROSETTAD = os.environ.get("ROSETTAD", os.path.join(ROOT, "build", "release", "rosettad"))
LISTENERS = ("pg", "mysql", "tds", "drda", "tns", "https", "http", "unified")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One rosettad process serving a private data directory."""

    def __init__(self, data, ports, extra=()):
        self.data = data
        self.ports = ports
        self.extra = list(extra)
        self.proc = None
        self.log_path = os.path.join(data, "server.log")

    @property
    def pg_port(self):
        return self.ports["pg"]

    @property
    def mysql_port(self):
        return self.ports["mysql"]

    def dsn(self, **kw):
        params = dict(host="127.0.0.1", port=self.pg_port, dbname="demo", user="demo",
                      password="demo", sslmode="require", gssencmode="disable")
        params.update(kw)
        return " ".join(f"{k}={v}" for k, v in params.items())

    def start(self):
        args = [ROSETTAD, "serve", "--data", self.data, "--listen", "127.0.0.1", "--threads", "2"]
        for name in LISTENERS:
            args += [f"--{name}-port", str(self.ports.get(name, 0))]
        args += self.extra
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log)
        deadline = time.time() + 20
        line = b""
        while time.time() < deadline:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if r:
                line = self.proc.stdout.readline()
                if b"ready" in line:
                    return self
            if self.proc.poll() is not None:
                break
        raise RuntimeError(f"rosettad did not become ready: {line!r}\n{self.read_log()}")

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        """SIGTERM; returns the exit code.  Fails the test on a sanitizer report."""
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("rosettad did not stop on SIGTERM")
        self.log.close()
        log = self.read_log()
        assert "AddressSanitizer" not in log and "runtime error:" not in log, log
        return rc


def init_data(path, user="demo", password="demo"):
    subprocess.run([ROSETTAD, "init", "--data", path, "--user", user, "--password", password],
                   check=True, capture_output=True)


@pytest.fixture(scope="session")
def server():
    """One server for the whole run: PostgreSQL, MySQL and the unified port, each on a free port."""
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data")
        init_data(data)
        srv = Server(data, {"pg": free_port(), "mysql": free_port(), "unified": free_port()}).start()
        yield srv
        assert srv.stop() == 0


@pytest.fixture(scope="module")
def lean_server():
    """A server of the module's own for tests that measure its memory: AddressSanitizer's
    quarantine is kept small, so a sanitizer build's RSS follows what the server holds, not
    what ASan keeps freed (a release build ignores the option)."""
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data")
        init_data(data)
        srv = Server(data, {"pg": free_port(), "mysql": free_port()})
        old = os.environ.get("ASAN_OPTIONS")
        os.environ["ASAN_OPTIONS"] = ":".join(filter(None, [old, "quarantine_size_mb=8"]))
        try:
            srv.start()
        finally:
            if old is None:
                del os.environ["ASAN_OPTIONS"]
            else:
                os.environ["ASAN_OPTIONS"] = old
        yield srv
        assert srv.stop() == 0


@pytest.fixture
def fresh_server():
    """A server of the test's own, for tests that restart or misconfigure it."""
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data")
        init_data(data)
        srv = Server(data, {"pg": free_port(), "mysql": free_port()})
        yield srv
        srv.stop()
