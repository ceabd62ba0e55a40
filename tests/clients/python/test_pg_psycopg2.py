"""psycopg2 against rosettad's PostgreSQL surface: TLS + SCRAM, CRUD, transactions, errors."""
import subprocess
import sys

import psycopg2
import psycopg2.errors
import pytest


def connect(server, **kw):
    return psycopg2.connect(server.dsn(**kw))


def test_seed_dsn_example_prints_one(server):
    # The seed's example, verbatim but for host and port.
    code = (
        "import psycopg2\n"
        f"conn = psycopg2.connect(\"host=127.0.0.1 port={server.pg_port} dbname=demo user=demo password=demo sslmode=require\")\n"
        "cur = conn.cursor(); cur.execute(\"select 1\"); print(cur.fetchone())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "(1,)"


def test_tls_is_negotiated_with_scram(server):
    conn = connect(server)
    try:
        assert conn.info.ssl_in_use
        assert conn.info.ssl_attribute("protocol") in ("TLSv1.2", "TLSv1.3")
        assert conn.info.server_version == 150000
    finally:
        conn.close()


def test_plain_connection_also_authenticates_with_scram(server):
    conn = connect(server, sslmode="disable")
    try:
        assert not conn.info.ssl_in_use
        cur = conn.cursor()
        cur.execute("select 41 + 1")
        assert cur.fetchone() == (42,)
    finally:
        conn.close()


def test_wrong_password_is_refused(server):
    with pytest.raises(psycopg2.OperationalError) as e:
        connect(server, password="not-demo")
    assert 'password authentication failed for user "demo"' in str(e.value)


def test_unknown_user_looks_like_a_wrong_password(server):
    with pytest.raises(psycopg2.OperationalError) as e:
        connect(server, user="nobody")
    assert 'password authentication failed for user "nobody"' in str(e.value)


def test_unknown_database_is_refused(server):
    with pytest.raises(psycopg2.OperationalError) as e:
        connect(server, dbname="nosuchdb")
    assert 'database "nosuchdb" does not exist' in str(e.value)


def test_crud_round_trip(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("create table crud_items (id integer primary key, name text not null, price double precision, note text)")
    cur.executemany("insert into crud_items values (%s, %s, %s, %s)",
                    [(1, "apple", 1.25, None), (2, "pear", 0.5, "ripe"), (3, "plum", 2.0, None)])
    conn.commit()
    cur.execute("select id, name, price, note from crud_items order by id")
    assert cur.fetchall() == [(1, "apple", 1.25, None), (2, "pear", 0.5, "ripe"), (3, "plum", 2.0, None)]
    assert [d.name for d in cur.description] == ["id", "name", "price", "note"]
    assert cur.description[0].type_code == 23 and cur.description[2].type_code == 701
    cur.execute("update crud_items set price = price * 2 where id >= %s", (2,))
    assert cur.rowcount == 2
    cur.execute("delete from crud_items where name = %s", ("apple",))
    assert cur.rowcount == 1
    conn.commit()
    cur.execute("select id, price from crud_items order by id")
    assert cur.fetchall() == [(2, 1.0), (3, 4.0)]
    cur.execute("select name from crud_items where name like %s", ("p%' or '1'='1",))
    assert cur.fetchall() == []  # the quote stays inside the literal
    conn.close()


def test_rollback_discards(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("create table rb (v integer)")
    cur.execute("insert into rb values (1)")
    conn.commit()
    cur.execute("insert into rb values (2)")
    cur.execute("select count(*) from rb")
    assert cur.fetchone() == (2,)  # a transaction sees its own write
    conn.rollback()
    cur.execute("select v from rb")
    assert cur.fetchall() == [(1,)]
    conn.close()


def test_two_sessions_see_committed_rows_only(server):
    a, b = connect(server), connect(server)
    ca, cb = a.cursor(), b.cursor()
    ca.execute("create table shared_rows (v integer)")
    a.commit()
    ca.execute("insert into shared_rows values (10)")
    cb.execute("select count(*) from shared_rows")
    assert cb.fetchone() == (0,)  # not committed yet
    a.commit()
    cb.execute("select v from shared_rows")  # same transaction of b: READ COMMITTED sees it now
    assert cb.fetchall() == [(10,)]
    b.commit()
    a.close()
    b.close()


def test_errors_reach_psycopg2_as_their_native_classes(server):
    conn = connect(server)
    conn.autocommit = True
    cur = conn.cursor()
    with pytest.raises(psycopg2.errors.SyntaxError) as e:
        cur.execute("selec 1")
    assert e.value.pgcode == "42601"
    with pytest.raises(psycopg2.errors.UndefinedTable) as e:
        cur.execute("select * from nosuch")
    assert e.value.pgcode == "42P01"
    cur.execute("create table uniq (id integer primary key)")
    cur.execute("insert into uniq values (1)")
    with pytest.raises(psycopg2.errors.UniqueViolation) as e:
        cur.execute("insert into uniq values (1)")
    assert e.value.pgcode == "23505"
    cur.execute("select 1")  # the session still works
    assert cur.fetchone() == (1,)
    conn.close()


def test_error_in_transaction_aborts_it_until_rollback(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("create table aborted (v integer)")
    conn.commit()
    cur.execute("insert into aborted values (1)")
    with pytest.raises(psycopg2.errors.UndefinedTable):
        cur.execute("select * from nosuch")
    with pytest.raises(psycopg2.errors.InFailedSqlTransaction) as e:
        cur.execute("select 1")
    assert e.value.pgcode == "25P02"
    conn.rollback()
    cur.execute("select count(*) from aborted")
    assert cur.fetchone() == (0,)  # the insert went with the transaction
    conn.close()


def test_dropped_connection_mid_transaction_loses_only_that_transaction(server):
    a = connect(server)
    ca = a.cursor()
    ca.execute("create table dropped (v integer)")
    ca.execute("insert into dropped values (1)")
    a.commit()
    ca.execute("insert into dropped values (2)")  # holds the write lock now
    a.close()  # gone without COMMIT
    b = connect(server)
    cb = b.cursor()
    cb.execute("insert into dropped values (3)")  # the lock was released
    b.commit()
    cb.execute("select v from dropped order by v")
    assert cb.fetchall() == [(1,), (3,)]
    b.close()


def test_multiple_statements_in_one_query(server):
    conn = connect(server)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("create table multi (v integer); insert into multi values (1); insert into multi values (2); select sum(v) from multi")
    assert cur.fetchone() == (3,)
    conn.close()


def test_session_identity_and_settings(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("select current_user, current_database(), session_user")
    assert cur.fetchone() == ("demo", "demo", "demo")
    cur.execute("show transaction isolation level")
    assert cur.fetchone() == ("read committed",)
    cur.execute("set application_name = 'rosetta-test'")
    cur.execute("show application_name")
    assert cur.fetchone() == ("rosetta-test",)
    conn.rollback()
    conn.close()
