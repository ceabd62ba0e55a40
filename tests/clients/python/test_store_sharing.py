"""Sessions share the store's SQLite connections between requests (engine/store_sqlite.c).

What a session owns must stay its own while the SQLite connection under it
changes hands: TEMP tables, LAST_INSERT_ID(), session variables, an open
transaction.  And idle sessions must not hold SQLite connections: the
server's file descriptors grow with client sockets only.
"""
import os

import psycopg2
import pymysql


def pg(server, **kw):
    c = psycopg2.connect(server.dsn(sslmode="disable", **kw))
    c.autocommit = True
    return c


def my(server):
    return pymysql.connect(host="127.0.0.1", port=server.mysql_port, user="demo", password="demo",
                           database="demo", autocommit=True)


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_temp_tables_stay_with_their_session(server):
    a, b = pg(server), pg(server)
    ca, cb = a.cursor(), b.cursor()
    ca.execute("create temp table mine (x integer)")
    ca.execute("insert into mine values (1), (2)")
    for i in range(20):  # b keeps the store busy in between
        cb.execute("select %s", (i,))
        ca.execute("select count(*) from mine")
        assert ca.fetchone() == (2,)
    try:
        cb.execute("select count(*) from mine")
        seen = cb.fetchone()
    except psycopg2.errors.UndefinedTable:
        seen = None
    assert seen is None, "another session saw a TEMP table"
    a.close()
    b.close()


def test_variables_and_transactions_stay_with_their_session(server):
    a, b = pg(server, application_name="alpha"), pg(server, application_name="beta")
    ca, cb = a.cursor(), b.cursor()
    for _ in range(10):
        ca.execute("select current_setting('application_name')")
        cb.execute("select current_setting('application_name')")
        assert ca.fetchone() == ("alpha",)
        assert cb.fetchone() == ("beta",)
    ca.execute("create table shared_t (id integer primary key)")
    a.autocommit = False
    ca.execute("insert into shared_t values (1)")
    cb.execute("select count(*) from shared_t")  # a's transaction is not visible ...
    assert cb.fetchone() == (0,)
    ca.execute("select count(*) from shared_t")  # ... but a sees its own write
    assert ca.fetchone() == (1,)
    a.rollback()
    ca.execute("select count(*) from shared_t")
    assert ca.fetchone() == (0,)
    a.close()
    b.close()


def test_mysql_last_insert_id_is_per_session(server):
    a, b = my(server), my(server)
    ca, cb = a.cursor(), b.cursor()
    ca.execute("create table ids (id int auto_increment primary key, v int)")
    ca.execute("insert into ids (v) values (1)")
    assert ca.lastrowid == 1
    for i in range(5):
        cb.execute("insert into ids (v) values (%s)", (i,))
    assert cb.lastrowid == 6
    ca.execute("select last_insert_id()")
    assert ca.fetchone() == (1,)
    cb.execute("select last_insert_id()")
    assert cb.fetchone() == (6,)
    a.close()
    b.close()


def test_idle_sessions_hold_no_store_connections(server):
    pid = server.proc.pid
    warm = pg(server)
    warm.cursor().execute("select 1")
    before = open_fds(pid)
    conns = []
    for i in range(300):
        c = pg(server)
        cur = c.cursor()
        cur.execute("select %s", (i,))  # each has used the store once, then went idle
        assert cur.fetchone() == (i,)
        conns.append(c)
    during = open_fds(pid)
    # one socket each; a SQLite connection would add at least two more descriptors each
    assert during - before < 300 + 50, (before, during)
    for c in conns:
        c.close()
    warm.close()


def test_idle_sessions_with_prepared_statements_release_too(server):
    """Prepared statements go back to the store between requests and still work after."""
    import asyncio
    import asyncpg

    pid = server.proc.pid

    async def run():
        kw = dict(host="127.0.0.1", port=server.pg_port, user="demo", password="demo",
                  database="demo", ssl=False)
        setup = await asyncpg.connect(**kw)
        await setup.execute("create table prep_t (id integer primary key, v text)")
        await setup.execute("insert into prep_t values (1, 'one'), (2, 'two')")
        before = open_fds(pid)
        conns, stmts = [], []
        for i in range(200):
            c = await asyncpg.connect(**kw)
            st = await c.prepare("select v from prep_t where id = $1")
            assert await st.fetchval(1 + i % 2) == ("one", "two")[i % 2]
            conns.append(c)
            stmts.append(st)
        during = open_fds(pid)
        assert during - before < 200 + 50, (before, during)
        await setup.execute("update prep_t set v = 'uno' where id = 1")
        for st in stmts[:20]:  # each statement again, on whatever store connection is free
            assert await st.fetchval(1) == "uno"
            assert await st.fetchval(2) == "two"
        await setup.execute("alter table prep_t add column w integer")
        assert await stmts[0].fetchval(2) == "two"
        for c in conns:
            await c.close()
        await setup.close()

    asyncio.run(run())
