#!/usr/bin/env python3
"""capture.py -- record the first bytes a real client sends.

Listens on 127.0.0.1:PORT, accepts one connection, reads whatever the client
sends until it has been quiet for --quiet seconds (default 1.5), or until
--max-bytes have arrived, writes the bytes to OUT and closes.  The server
never answers, so the client only ever sends its opening packet; its
connection then fails, which is expected.

If a command follows `--`, it is started once the listener is up, with every
"{port}" in its arguments replaced by the port, and is killed after the
capture.  Without a command, start the client yourself in another shell.

    python3 capture.py --port 54321 --out psql_ssl.bin -- \
        psql "host=127.0.0.1 port={port} sslmode=require user=demo dbname=demo"
"""
import argparse
import os
import select
import signal
import socket
import subprocess
import sys
import time


def capture_main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--out", required=True)
    ap.add_argument("--quiet", type=float, default=1.5,
                    help="stop after this many seconds without new bytes")
    ap.add_argument("--max-bytes", type=int, default=65536)
    ap.add_argument("--accept-timeout", type=float, default=30.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd

    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.port))
    ls.listen(1)
    port = ls.getsockname()[1]
    print(f"capture: listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)

    child = None
    if cmd:
        argv = [s.replace("{port}", str(port)) for s in cmd]
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)

    ls.settimeout(a.accept_timeout)
    try:
        conn, _ = ls.accept()
    except socket.timeout:
        print("capture: no client connected", file=sys.stderr)
        return 1
    data = b""
    last = time.monotonic()
    while len(data) < a.max_bytes:
        left = a.quiet - (time.monotonic() - last)
        if left <= 0:
            break
        r, _, _ = select.select([conn], [], [], left)
        if not r:
            break
        chunk = conn.recv(a.max_bytes - len(data))
        if not chunk:
            break
        data += chunk
        last = time.monotonic()
    conn.close()
    ls.close()
    with open(a.out, "wb") as f:
        f.write(data)
    print(f"capture: {len(data)} bytes -> {a.out}", file=sys.stderr)

    if child is not None:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()
    return 0 if data else 1


if __name__ == "__main__":
    sys.exit(capture_main())
