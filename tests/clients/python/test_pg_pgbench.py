"""pgbench, PostgreSQL's own benchmark client, as a correctness workload: its -i setup
(DROP/CREATE with storage options, COPY ... FREEZE, VACUUM ANALYZE, ALTER TABLE ADD
PRIMARY KEY) and short runs that must finish with zero failed transactions.  Speed is
measured elsewhere (tests/bench); these runs are seconds long.

pgbench ships in Debian's postgresql-15 server package, which `make test` does not
install (on a systemd machine it would start a cluster on port 5432); where pgbench
is absent these tests are skipped and say so."""
import os
import re
import shutil
import subprocess

import pytest

PGBENCH = shutil.which("pgbench")
pytestmark = pytest.mark.skipif(PGBENCH is None, reason="pgbench not installed (Debian package postgresql-15)")


def pgbench(server, *args):
    env = dict(os.environ, PGPASSWORD="demo")
    conninfo = f"host=127.0.0.1 port={server.pg_port} user=demo dbname=demo sslmode=require"
    return subprocess.run([PGBENCH, *args, conninfo], capture_output=True, text=True, env=env, timeout=300)


def test_pgbench_init_and_runs_without_failures(server):
    r = pgbench(server, "-i", "-s", "1", "-q")
    assert r.returncode == 0, r.stderr
    assert "done in" in r.stderr
    for args in (("-c", "8", "-t", "20"), ("-S", "-M", "prepared", "-c", "4", "-t", "200"),
                 ("-S", "-M", "extended", "-c", "2", "-t", "200")):
        r = pgbench(server, *args)
        assert r.returncode == 0, r.stderr + r.stdout
        processed = int(re.search(r"number of transactions actually processed: (\d+)", r.stdout).group(1))
        failed = int(re.search(r"number of failed transactions: (\d+)", r.stdout).group(1))
        assert processed > 0 and failed == 0, r.stdout
