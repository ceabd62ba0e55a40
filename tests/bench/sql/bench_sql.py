"""Side-by-side SQL benchmark: rosettad against PostgreSQL 15 and MariaDB 10.11.

One run on one machine: each peer and rosettad start on loopback with private
data directories and equal durability (an fsync per commit), then every
workload runs against the peer and against rosettad's matching surface,
interleaved (peer, rosettad, peer, rosettad, ...), and the medians are
reported as ratios.  Shared machines drift; ratios of interleaved runs hold.

Usage: bench_sql.py [--seconds S] [--reps R] [--idle N] [--out docs/performance.md]
Needs: pgbench, sysbench, PostgreSQL 15 and MariaDB 10.11 server binaries
(`scripts/install-deps.sh postgresql-15 mariadb-server`), psycopg2, mysqlclient, asyncpg (the client venv).
"""
import argparse
import asyncio
import os
import platform
import pwd
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PG_BIN = "/usr/lib/postgresql/15/bin"
USER, PASSWORD, DB = "demo", "demo", "demo"
# The idle-connection step logs in as a role both servers' hba trust: it measures the memory a
# connection holds, and SCRAM's client-side PBKDF2 would otherwise make opening 10,000 of them
# from one Python process take longer than the rest of the run.
IDLE_USER = "idle"
BEGIN, END = "<!-- bench-sql:begin -->", "<!-- bench-sql:end -->"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on {port}")


def run(cmd, **kw):
    kw.setdefault("check", True)
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run(cmd, **kw)


def as_user(user):
    """preexec_fn dropping root to `user` (PostgreSQL refuses to run as root)."""
    if os.getuid() != 0:
        return None
    pw = pwd.getpwnam(user)

    def drop():
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    return drop


def rss_kib(pids):
    """Proportional set size (KiB) summed over processes: shared pages counted once."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def children(pid):
    out = run(["ps", "-o", "pid=", "--ppid", str(pid)], check=False).stdout.split()
    return [int(p) for p in out]


# ---- servers -------------------------------------------------------------

class Postgres:
    name = "PostgreSQL"

    def __init__(self, base):
        self.dir = os.path.join(base, "pg")
        self.port = free_port()
        self.proc = None

    def start(self):
        os.makedirs(self.dir)
        owner = "postgres" if os.getuid() == 0 else None
        if owner:
            shutil.chown(self.dir, owner, owner)
        pwfile = os.path.join(self.dir, "..", "pgpw")
        with open(pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        os.chmod(pwfile, 0o644)
        data = os.path.join(self.dir, "data")
        run([f"{PG_BIN}/initdb", "-D", data, "-U", USER, "--pwfile", pwfile,
             "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale"],
            preexec_fn=as_user(owner) if owner else None)
        hba = os.path.join(data, "pg_hba.conf")
        with open(hba) as f:
            rules = f.read()
        with open(hba, "w") as f:
            f.write(f"host all {IDLE_USER} 127.0.0.1/32 trust\n" + rules)
        self.proc = subprocess.Popen(
            [f"{PG_BIN}/postgres", "-D", data, "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
             "-c", f"unix_socket_directories={self.dir}", "-c", "fsync=on", "-c", "synchronous_commit=on",
             "-c", "max_connections=1200", "-c", "ssl=off"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "log"), "w"),
            preexec_fn=as_user(owner) if owner else None)
        wait_port(self.port, self.proc, "postgres")
        deadline = time.time() + 30
        while run([f"{PG_BIN}/psql", "-h", self.dir, "-p", str(self.port), "-U", USER, "-d", "postgres",
                   "-c", f"create database {DB}"], check=False).returncode != 0:
            if time.time() > deadline:
                raise RuntimeError("postgres: create database failed")
            time.sleep(0.5)
        run([f"{PG_BIN}/psql", "-h", self.dir, "-p", str(self.port), "-U", USER, "-d", "postgres",
             "-c", f"create role {IDLE_USER} login"])
        return self

    def pids(self):
        return [self.proc.pid] + children(self.proc.pid)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=60)


class MariaDB:
    name = "MariaDB"

    def __init__(self, base):
        self.dir = os.path.join(base, "mariadb")
        self.port = free_port()
        self.proc = None

    def start(self):
        os.makedirs(self.dir)
        user = "mysql" if os.getuid() == 0 else pwd.getpwuid(os.getuid()).pw_name
        if os.getuid() == 0:
            shutil.chown(self.dir, user, user)
        data = os.path.join(self.dir, "data")
        run(["mariadb-install-db", "--no-defaults", f"--datadir={data}", f"--user={user}",
             "--auth-root-authentication-method=normal", "--skip-test-db"])
        sock = os.path.join(self.dir, "sock")
        self.proc = subprocess.Popen(
            ["mariadbd", "--no-defaults", f"--datadir={data}", f"--port={self.port}",
             "--bind-address=127.0.0.1", f"--socket={sock}", f"--user={user}",
             "--innodb-flush-log-at-trx-commit=1", "--skip-log-bin", "--max-connections=1200",
             "--max-prepared-stmt-count=100000", f"--pid-file={self.dir}/pid"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "log"), "w"))
        wait_port(self.port, self.proc, "mariadbd")
        run(["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-e",
             f"CREATE DATABASE {DB}; CREATE USER '{USER}'@'%' IDENTIFIED BY '{PASSWORD}';"
             f" GRANT ALL ON *.* TO '{USER}'@'%';"])
        return self

    def pids(self):
        return [self.proc.pid]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)


class Rosetta:
    name = "Rosetta"

    def __init__(self, base, binary):
        self.dir = os.path.join(base, "rosetta")
        self.binary = binary
        self.port = free_port()        # PostgreSQL surface
        self.mysql_port = free_port()  # MySQL surface
        self.proc = None

    def start(self):
        run([self.binary, "init", "--data", self.dir, "--user", USER, "--password", PASSWORD])
        run([self.binary, "init", "--data", self.dir, "--user", IDLE_USER, "--password", PASSWORD])
        with open(os.path.join(self.dir, "hba.conf"), "w") as f:
            f.write(f"host all {IDLE_USER} 127.0.0.1/32 trust\nhost all all 0.0.0.0/0 scram-sha-256\n")
        args = [self.binary, "serve", "--data", self.dir, "--listen", "127.0.0.1",
                "--pg-port", str(self.port), "--mysql-port", str(self.mysql_port)]
        for p in ("tds", "drda", "tns", "https", "http", "unified"):
            args += [f"--{p}-port", "0"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.dir, "log"), "w"))
        wait_port(self.port, self.proc, "rosettad")
        return self

    def pids(self):
        return [self.proc.pid]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)


# ---- workloads -----------------------------------------------------------

def pg_env():
    return dict(os.environ, PGPASSWORD=PASSWORD, PGSSLMODE="disable", PGGSSENCMODE="disable")


def pgbench(port, args, seconds):
    """One pgbench run: (tps, failed transactions)."""
    out = run([f"{PG_BIN}/pgbench", "-h", "127.0.0.1", "-p", str(port), "-U", USER, "-n",
               "-T", str(seconds)] + args + [DB], env=pg_env(), check=False)
    text = out.stdout + out.stderr
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    if out.returncode != 0 or not m:
        raise RuntimeError(f"pgbench {args} on port {port} failed:\n{text[-2000:]}")
    return float(m.group(1)), int(failed.group(1)) if failed else 0


def pgbench_init(port, scale):
    t = time.time()
    run([f"{PG_BIN}/pgbench", "-h", "127.0.0.1", "-p", str(port), "-U", USER, "-i", "-q",
         "-s", str(scale), DB], env=pg_env())
    return time.time() - t


def sysbench(port, test, command, seconds, threads=4, table_size=10000):
    """One sysbench step; for `run`: (transactions/s, errors)."""
    args = ["sysbench", test, "--db-driver=mysql", "--mysql-host=127.0.0.1", f"--mysql-port={port}",
            f"--mysql-user={USER}", f"--mysql-password={PASSWORD}", f"--mysql-db={DB}",
            "--mysql-ssl=off", "--tables=1", f"--table-size={table_size}", f"--threads={threads}",
            f"--time={seconds}", command]
    out = run(args, check=False)
    text = out.stdout + out.stderr
    if out.returncode != 0:
        raise RuntimeError(f"sysbench {test} {command} on port {port} failed:\n{text[-2000:]}")
    if command != "run":
        return None
    tps = re.search(r"transactions:\s+\d+\s+\(([\d.]+) per sec\.\)", text)
    errors = re.search(r"ignored errors:\s+(\d+)", text)
    return float(tps.group(1)), int(errors.group(1)) if errors else 0


def latency_pg(port, n):
    import psycopg2
    conn = psycopg2.connect(host="127.0.0.1", port=port, user=USER, password=PASSWORD, dbname=DB,
                            sslmode="disable", gssencmode="disable")
    return _latency(conn, n)


def latency_mysql(port, n):
    import MySQLdb
    conn = MySQLdb.connect(host="127.0.0.1", port=port, user=USER, password=PASSWORD, database=DB,
                           ssl_mode="DISABLED")
    return _latency(conn, n)


def _latency(conn, n):
    cur = conn.cursor()
    for _ in range(100):  # warm
        cur.execute("SELECT 1")
        cur.fetchall()
    samples = []
    for _ in range(n):
        t = time.perf_counter_ns()
        cur.execute("SELECT 1")
        cur.fetchall()
        samples.append((time.perf_counter_ns() - t) / 1000.0)
    conn.close()
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.99)]


async def _open_idle(port, n, concurrency=64):
    """Open up to n connections; returns (connections, the first error or None)."""
    import asyncpg
    conns = []
    errors = []
    sem = asyncio.Semaphore(concurrency)

    async def one():
        async with sem:
            if errors:
                return
            try:
                conns.append(await asyncpg.connect(host="127.0.0.1", port=port, user=IDLE_USER,
                                                   database=DB, ssl=False, timeout=60))
            except Exception as e:  # the server's limit is a result, not a crash of the run
                errors.append(f"{type(e).__name__}: {e}")
    await asyncio.gather(*(one() for _ in range(n)))
    return conns, (errors[0] if errors else None)


def idle_rss(server, port, n):
    """PSS (MiB) of a server before and while holding n idle PostgreSQL connections (logged in, trusted)."""
    async def hold():
        before = rss_kib(server.pids())
        conns, error = await _open_idle(port, n)
        await asyncio.sleep(1)
        after = rss_kib(server.pids())
        await asyncio.gather(*(c.close() for c in conns), return_exceptions=True)
        return before / 1024.0, after / 1024.0, len(conns), error
    return asyncio.run(hold())


# ---- the run -------------------------------------------------------------

def interleave(reps, peer_fn, ours_fn):
    """Run peer, ours, peer, ours...; return ([peer results], [our results])."""
    peer, ours = [], []
    for i in range(reps):
        order = [(peer, peer_fn), (ours, ours_fn)] if i % 2 == 0 else [(ours, ours_fn), (peer, peer_fn)]
        for acc, fn in order:
            acc.append(fn())
    return peer, ours


def median(xs):
    return statistics.median(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10, help="duration of each pgbench/sysbench run")
    ap.add_argument("--reps", type=int, default=3, help="interleaved repetitions per workload")
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--idle", type=int, default=10000, help="idle connections held by rosettad")
    ap.add_argument("--idle-peer", type=int, default=1000, help="idle connections held by each peer")
    ap.add_argument("--rosettad", default=os.path.join(ROOT, "build", "release", "rosettad"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"))
    ap.add_argument("--only", default="", help="comma-separated: pgbench,sysbench,latency,idle")
    a = ap.parse_args()
    only = set(filter(None, a.only.split(",")))

    def wanted(what):
        return not only or what in only

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    base = tempfile.mkdtemp(prefix="rosetta-bench-")
    os.chmod(base, 0o755)
    pg, maria, ros = Postgres(base), MariaDB(base), Rosetta(base, a.rosettad)
    rows = []   # (workload, peer name, peer median, rosetta median, unit, higher is better)
    notes = []
    started = time.time()
    try:
        for s in (pg, maria, ros):
            print(f"starting {s.name}", flush=True)
            s.start()

        if wanted("pgbench"):
            for s, port in ((pg, pg.port), (ros, ros.port)):
                notes.append(f"pgbench -i -s {a.scale} on {s.name}: {pgbench_init(port, a.scale):.1f} s")
                print(notes[-1], flush=True)
            for label, args in (
                    ("pgbench -S -M prepared, 1 client", ["-S", "-M", "prepared", "-c", "1", "-j", "1"]),
                    ("pgbench -S -M prepared, 4 clients", ["-S", "-M", "prepared", "-c", "4", "-j", "2"]),
                    ("pgbench -S -M prepared, 16 clients", ["-S", "-M", "prepared", "-c", "16", "-j", "2"]),
                    ("pgbench -S -M simple, 4 clients", ["-S", "-M", "simple", "-c", "4", "-j", "2"]),
                    ("pgbench TPC-B-like, 4 clients", ["-c", "4", "-j", "2"])):
                peer, ours = interleave(a.reps, lambda: pgbench(pg.port, args, a.seconds),
                                        lambda: pgbench(ros.port, args, a.seconds))
                failed = sum(f for _, f in ours)
                if failed:
                    raise RuntimeError(f"{label}: {failed} failed transactions against Rosetta")
                rows.append((label, pg.name, median([t for t, _ in peer]), median([t for t, _ in ours]), "tps", True))
                print(rows[-1], flush=True)

        if wanted("sysbench"):
            for test, label in (("oltp_point_select", "sysbench oltp_point_select, 4 threads"),
                                ("oltp_read_write", "sysbench oltp_read_write, 4 threads")):
                for port in (maria.port, ros.mysql_port):
                    sysbench(port, test, "prepare", a.seconds)
                peer, ours = interleave(a.reps, lambda: sysbench(maria.port, test, "run", a.seconds),
                                        lambda: sysbench(ros.mysql_port, test, "run", a.seconds))
                errors = sum(e for _, e in ours)
                if errors:
                    raise RuntimeError(f"{label}: {errors} errors against Rosetta")
                for port in (maria.port, ros.mysql_port):
                    sysbench(port, test, "cleanup", a.seconds)
                rows.append((label, maria.name, median([t for t, _ in peer]), median([t for t, _ in ours]), "tps", True))
                print(rows[-1], flush=True)

        if wanted("latency"):
            n = 5000
            for peer, fn, pport, oport in ((pg, latency_pg, pg.port, ros.port),
                                           (maria, latency_mysql, maria.port, ros.mysql_port)):
                p, o = interleave(a.reps, lambda: fn(pport, n), lambda: fn(oport, n))
                proto = "PostgreSQL" if peer is pg else "MySQL"
                rows.append((f"SELECT 1 latency p50, {proto} protocol", peer.name,
                             median([x[0] for x in p]), median([x[0] for x in o]), "µs", False))
                rows.append((f"SELECT 1 latency p99, {proto} protocol", peer.name,
                             median([x[1] for x in p]), median([x[1] for x in o]), "µs", False))
                print(rows[-2:], flush=True)

        if wanted("idle"):
            for s, port, n in ((pg, pg.port, a.idle_peer), (ros, ros.port, a.idle_peer)):
                b, after, held, error = idle_rss(s, port, n)
                notes.append(f"{s.name}: {b:.0f} MiB idle, {after:.0f} MiB holding {held} of {n} connections"
                             + (f" (then {error})" if error else ""))
                print(notes[-1], flush=True)
                s.idle = (held, after)
            rows.append((f"server memory holding {a.idle_peer} idle connections", pg.name,
                         pg.idle[1], ros.idle[1], "MiB", False))
            b, after, held, error = idle_rss(ros, ros.port, a.idle)
            rows.append((f"rosettad memory holding {held} of {a.idle} idle connections", "-",
                         None, after, "MiB", False))
            if error:
                notes.append(f"Rosetta stopped accepting at {held} connections: {error}")
            print(rows[-2:], notes[-1], flush=True)
    finally:
        for s in (ros, maria, pg):
            try:
                s.stop()
            except Exception as e:  # keep stopping the others
                print(f"stopping {s.name}: {e}", file=sys.stderr)
        shutil.rmtree(base, ignore_errors=True)

    if wanted("pgbench") or wanted("sysbench"):  # a failure or an error against Rosetta raised above
        notes.append("pgbench and sysbench reported zero failed transactions and zero errors against Rosetta"
                     " in every run.")
    report = render(rows, notes, a, time.time() - started)
    print(report)
    if not only:
        write_section(a.out, report)


def versions():
    v = []
    for cmd in ([f"{PG_BIN}/postgres", "--version"], ["mariadbd", "--version"],
                [f"{PG_BIN}/pgbench", "--version"], ["sysbench", "--version"]):
        try:
            v.append(run(cmd).stdout.strip())
        except Exception:
            pass
    return v


# The targets, by the start of a row's label: the ratio Rosetta / peer each is measured against.
TARGETS = (("pgbench -S -M prepared", "≥ 2.0"), ("pgbench TPC-B-like", "≥ 1.0"),
           ("sysbench oltp_point_select", "≥ 2.0"), ("sysbench oltp_read_write", "≥ 1.0"),
           ("rosettad memory holding", "< 500 MiB"))


def target_of(label):
    return next((t for prefix, t in TARGETS if label.startswith(prefix)), "")


def render(rows, notes, a, elapsed):
    lines = [BEGIN, "## SQL servers side by side (`make bench-sql`)", "",
             f"Measured {time.strftime('%Y-%m-%d')} on {platform.node() or 'this machine'}: "
             f"{os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}; "
             f"{a.reps} interleaved runs of {a.seconds} s per workload, medians; the run took {elapsed/60:.1f} min.",
             "Durability is equal on every side: an fsync per commit (PostgreSQL fsync=on, synchronous_commit=on; "
             "MariaDB innodb_flush_log_at_trx_commit=1, no binary log; rosettad acknowledges a COMMIT once a (group) fdatasync of the SQLite WAL covers it). "
             "Plain TCP on loopback, password authentication (SCRAM-SHA-256 for PostgreSQL, the MySQL server's default plugin); "
             "the idle connections log in as a role both PostgreSQL servers trust by hba (the step measures memory, not authentication).",
             "", "Versions: " + "; ".join(versions()), "",
             "| workload | peer | peer | Rosetta | unit | Rosetta / peer | target |",
             "| --- | --- | ---: | ---: | --- | ---: | ---: |"]
    for label, peer, pv, ov, unit, higher in rows:
        target = target_of(label)
        if pv is None:
            lines.append(f"| {label} | {peer} | - | {ov:.0f} | {unit} | - | {target} |")
            continue
        ratio = ov / pv if pv else float("nan")
        better = "" if higher else " (lower is better)"
        lines.append(f"| {label} | {peer} | {pv:.1f} | {ov:.1f} | {unit} | {ratio:.2f}{better} | {target} |")
    lines += [""] + [f"- {n}" for n in notes] + [END]
    return "\n".join(lines)


def write_section(path, section):
    text = open(path).read() if os.path.exists(path) else "# Performance\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
