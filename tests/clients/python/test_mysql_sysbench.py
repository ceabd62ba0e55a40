"""sysbench, the MySQL world's standard load generator, as a correctness workload: its
prepare (CREATE TABLE with AUTO_INCREMENT and an ENGINE clause, multi-row INSERTs, CREATE
INDEX), its oltp scripts through server-side prepared statements from 4 threads, and its
cleanup must complete with zero errors.  The runs are counted in events, not seconds, so
a slow machine cannot make them vacuous; speed is measured in tests/bench."""
import re
import shutil
import subprocess

import pytest

SYSBENCH = shutil.which("sysbench")
pytestmark = pytest.mark.skipif(SYSBENCH is None, reason="sysbench not installed (scripts/install-deps.sh installs it)")


def sysbench(server, test, command, *extra):
    args = [SYSBENCH, test, "--db-driver=mysql", "--mysql-host=127.0.0.1", f"--mysql-port={server.mysql_port}",
            "--mysql-user=demo", "--mysql-password=demo", "--mysql-db=demo", "--mysql-ssl=off",
            "--tables=1", "--table-size=2000", "--threads=4", "--time=0", *extra, command]
    return subprocess.run(args, capture_output=True, text=True, timeout=600)


def counts(out):
    tx = int(re.search(r"transactions:\s+(\d+)", out).group(1))
    errors = int(re.search(r"ignored errors:\s+(\d+)", out).group(1))
    return tx, errors


@pytest.mark.parametrize("test", ["oltp_read_write", "oltp_point_select"])
def test_sysbench_prepare_run_cleanup_without_errors(server, test):
    r = sysbench(server, test, "prepare")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Inserting 2000 records into 'sbtest1'" in r.stdout
    try:
        r = sysbench(server, test, "run", "--events=400")
        assert r.returncode == 0, r.stdout + r.stderr
        assert counts(r.stdout) == (400, 0), r.stdout
    finally:
        r = sysbench(server, test, "cleanup")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Dropping table 'sbtest1'" in r.stdout
