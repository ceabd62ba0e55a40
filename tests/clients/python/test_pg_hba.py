"""Authentication methods chosen by DATA/hba.conf, as psycopg2 (libpq) meets them."""
import os
import subprocess

import psycopg2
import pytest

from conftest import ROSETTAD, Server, free_port

HBA = """
# type      database  user     address        method
host        demo      app      127.0.0.1/32   md5
host        all       pwuser   all            password
host        all       trusty   all            trust
host        all       blocked  all            reject
"""


@pytest.fixture
def hba_server(tmp_path):
    data = str(tmp_path / "data")
    for user, pw in (("demo", "demo"), ("app", "s3cret-app"), ("pwuser", "s3cret-pw"), ("trusty", "unused-pw"),
                     ("blocked", "s3cret-bl")):
        subprocess.run([ROSETTAD, "init", "--data", data, "--user", user, "--password", pw], check=True,
                       capture_output=True)
    with open(os.path.join(data, "hba.conf"), "w") as f:
        f.write(HBA)
    srv = Server(data, {"pg": free_port()}).start()
    yield srv
    assert srv.stop() == 0


def query_one(srv, **kw):
    conn = psycopg2.connect(srv.dsn(**kw))
    try:
        cur = conn.cursor()
        cur.execute("select current_user")
        return cur.fetchone()[0]
    finally:
        conn.close()


def test_md5_user(hba_server):
    assert query_one(hba_server, user="app", password="s3cret-app", sslmode="disable") == "app"
    with pytest.raises(psycopg2.OperationalError) as e:
        query_one(hba_server, user="app", password="wrong", sslmode="disable")
    assert 'password authentication failed for user "app"' in str(e.value)


def test_cleartext_password_only_over_tls(hba_server):
    assert query_one(hba_server, user="pwuser", password="s3cret-pw", sslmode="require") == "pwuser"
    with pytest.raises(psycopg2.OperationalError) as e:
        query_one(hba_server, user="pwuser", password="s3cret-pw", sslmode="disable")
    assert "needs an encrypted connection" in str(e.value)


def test_trust_and_reject(hba_server):
    assert query_one(hba_server, user="trusty", password="anything") == "trusty"
    with pytest.raises(psycopg2.OperationalError) as e:
        query_one(hba_server, user="blocked", password="s3cret-bl")
    assert 'pg_hba.conf rejects connection for host "127.0.0.1", user "blocked"' in str(e.value)


def test_everyone_else_gets_scram(hba_server):
    assert query_one(hba_server) == "demo"  # demo matches no line: SCRAM-SHA-256


def test_a_malformed_hba_file_stops_the_server(tmp_path):
    data = str(tmp_path / "data")
    subprocess.run([ROSETTAD, "init", "--data", data, "--user", "demo", "--password", "demo"], check=True,
                   capture_output=True)
    with open(os.path.join(data, "hba.conf"), "w") as f:
        f.write("host all all 127.0.0.1/99 md5\n")
    r = subprocess.run([ROSETTAD, "serve", "--data", data, "--pg-port", str(free_port())] +
                       [a for n in ("mysql", "tds", "drda", "tns", "https", "unified") for a in (f"--{n}-port", "0")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "hba.conf:1" in r.stderr
