"""The mariadb command-line client against rosettad's MySQL port: TLS (verified or not)
and plain, caching_sha2 full authentication, wrong passwords, multi-statement scripts."""
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("mariadb") is None, reason="mariadb CLI not installed")


def cli(port, *args, password="demo", stdin=None):
    cmd = ["mariadb", "-h127.0.0.1", "-P", str(port), "-udemo", f"-p{password}", "demo", "--batch"] + list(args)
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("tls", [[], ["--ssl"], ["--ssl", "--ssl-verify-server-cert=off"], ["--skip-ssl"]],
                         ids=["default", "ssl", "ssl-noverify", "plain"])
def test_select_1(server, tls):
    r = cli(server.mysql_port, *tls, "-e", "select 1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["1", "1"]


def test_status_shows_tls_and_version(server):
    r = cli(server.mysql_port, "--ssl", "-e", "status")
    assert r.returncode == 0, r.stderr
    assert "Cipher in use is TLS" in r.stdout
    assert "8.0.40-rosetta" in r.stdout
    r = cli(server.mysql_port, "--skip-ssl", "-e", "status")
    assert "Not in use" in r.stdout


def test_wrong_password(server):
    r = cli(server.mysql_port, "-e", "select 1", password="wrong")
    assert r.returncode != 0
    assert "ERROR 1045 (28000): Access denied for user 'demo'@'127.0.0.1' (using password: YES)" in r.stderr


def test_full_authentication(fresh_server):
    fresh_server.extra += ["--mysql-auth-cache", "0"]
    fresh_server.start()
    for tls in (["--ssl"], ["--skip-ssl"]):  # over TLS, and with the server's RSA key
        r = cli(fresh_server.mysql_port, *tls, "-e", "select 7")
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == ["7", "7"]


def test_script_with_errors_and_tables(server):
    script = """
DROP TABLE IF EXISTS cli_t;
CREATE TABLE cli_t (id INT PRIMARY KEY, name VARCHAR(10));
INSERT INTO cli_t VALUES (1, 'one'), (2, 'two');
SELECT name FROM cli_t ORDER BY id;
SHOW TABLES LIKE 'cli%';
"""
    r = cli(server.mysql_port, stdin=script)
    assert r.returncode == 0, r.stderr
    words = r.stdout.split()
    assert words[:3] == ["name", "one", "two"]
    assert words[-1] == "cli_t"
    r = cli(server.mysql_port, "-e", "SELECT * FROM cli_missing")
    assert r.returncode != 0
    assert "ERROR 1146 (42S02)" in r.stderr
    r = cli(server.mysql_port, "-e", "DROP TABLE cli_t")
    assert r.returncode == 0, r.stderr
