'use strict';
// Transactions and errors through node-postgres: BEGIN/COMMIT/ROLLBACK, an aborted
// transaction (25P02) until ROLLBACK, savepoints, isolation between two clients, and
// ErrorResponse fields arriving as err.code (SQLSTATE), err.severity, err.message.
const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const pg = require('pg');
const { startServer, timed } = require('./lib/rosettad');

const test = timed(nodeTest);
let server;
let a;
let b;
before(async () => {
  server = await startServer();
  a = new pg.Client(server.config());
  b = new pg.Client(server.config({ ssl: false }));
  await a.connect();
  await b.connect();
  await a.query('CREATE TABLE acct (id integer PRIMARY KEY, owner text NOT NULL, balance bigint)');
});
after(async () => {
  await a.end();
  await b.end();
  assert.equal(await server.stop(), 0);
});

const ids = async (c) => (await c.query('SELECT id FROM acct ORDER BY id')).rows.map((r) => r.id);

/** Asserts that running `sql` (with `values`) fails with SQLSTATE `code`; returns the error. */
async function fails(client, code, sql, values) {
  let caught;
  await assert.rejects(client.query(sql, values), (err) => { caught = err; return true; });
  assert.equal(caught.code, code, `${sql}: ${caught.message}`);
  assert.equal(caught.severity, 'ERROR');
  return caught;
}

test('COMMIT keeps and ROLLBACK discards, seen from another session', async () => {
  await a.query('BEGIN');
  await a.query('INSERT INTO acct VALUES ($1, $2, $3)', [1, 'ann', 100]);
  assert.deepEqual(await ids(b), [], 'READ COMMITTED: b does not see the open transaction');
  await a.query('COMMIT');
  assert.deepEqual(await ids(b), [1]);

  await a.query('BEGIN');
  await a.query('INSERT INTO acct VALUES ($1, $2, $3)', [2, 'bob', 50]);
  await a.query('UPDATE acct SET balance = balance - $1 WHERE id = $2', [30, 1]);
  assert.deepEqual(await ids(a), [1, 2]);
  await a.query('ROLLBACK');
  assert.deepEqual(await ids(a), [1]);
  assert.equal((await a.query('SELECT balance FROM acct WHERE id = 1')).rows[0].balance, '100');
});

test('a failed statement aborts the transaction with 25P02 until ROLLBACK', async () => {
  await a.query('BEGIN');
  await a.query('INSERT INTO acct VALUES ($1, $2, $3)', [3, 'cy', 1]);
  await fails(a, '23505', 'INSERT INTO acct VALUES ($1, $2, $3)', [1, 'dup', 0]);
  await fails(a, '25P02', 'SELECT 1');
  await fails(a, '25P02', 'SELECT $1::int', [1]);
  await a.query('ROLLBACK');
  assert.deepEqual(await ids(a), [1]);
});

test('COMMIT of an aborted transaction rolls it back', async () => {
  await a.query('BEGIN');
  await a.query('INSERT INTO acct VALUES (4, $1, 0)', ['dee']);
  await fails(a, '42P01', 'SELECT * FROM nosuch');
  const r = await a.query('COMMIT');
  assert.equal(r.command, 'ROLLBACK');
  assert.deepEqual(await ids(a), [1]);
});

test('savepoints: ROLLBACK TO undoes only the inner work', async () => {
  await a.query('BEGIN');
  await a.query('INSERT INTO acct VALUES (5, $1, 5)', ['eve']);
  await a.query('SAVEPOINT s1');
  await a.query('INSERT INTO acct VALUES (6, $1, 6)', ['fay']);
  await fails(a, '23502', 'INSERT INTO acct (id) VALUES ($1)', [7]);
  await a.query('ROLLBACK TO SAVEPOINT s1');
  await a.query('INSERT INTO acct VALUES (8, $1, 8)', ['gus']);
  await a.query('RELEASE SAVEPOINT s1');
  await a.query('COMMIT');
  assert.deepEqual(await ids(b), [1, 5, 8]);
});

test('a transaction through a pool client with BEGIN/COMMIT and a parameterised batch', async () => {
  const pool = new pg.Pool({ ...server.config(), max: 2 });
  try {
    const c = await pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      for (let i = 100; i < 150; i++) await c.query('INSERT INTO acct VALUES ($1, $2, $3)', [i, `u${i}`, i * 10]);
      const sum = await c.query('SELECT sum(balance) AS s FROM acct WHERE id >= $1', [100]);
      assert.equal(sum.rows[0].s, String(Array.from({ length: 50 }, (_, i) => (100 + i) * 10).reduce((x, y) => x + y)));
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    assert.equal((await b.query('SELECT count(*) AS n FROM acct WHERE id >= 100')).rows[0].n, '50');
  } finally {
    await pool.end();
  }
});

test('SQLSTATEs: 23505 unique, 42601 syntax, 42P01 undefined table, 22012 division by zero', async () => {
  const dup = await fails(a, '23505', 'INSERT INTO acct VALUES ($1, $2, $3)', [1, 'again', 0]);
  assert.ok(dup.message.length > 0);
  await fails(a, '23505', 'INSERT INTO acct VALUES (1, \'again\', 0)'); // simple Query too
  const syn = await fails(a, '42601', 'SELEC 1');
  assert.match(syn.message, /syntax/i);
  await fails(a, '42601', 'SELECT FROM WHERE $1', [1]);
  const undef = await fails(a, '42P01', 'SELECT * FROM no_such_table WHERE id = $1', [1]);
  assert.match(undef.message, /relation "no_such_table" does not exist/);
  await fails(a, '42P01', 'SELECT * FROM no_such_table');
  await fails(a, '22012', 'SELECT 1/0');
  await fails(a, '22012', 'SELECT $1::int / $2::int', [1, 0]);
  await fails(a, '42703', 'SELECT nosuchcol FROM acct');
  await fails(a, '23502', 'INSERT INTO acct (id) VALUES ($1)', [999]);
  await fails(a, '42P07', 'CREATE TABLE acct (x integer)');
  // The session is still usable, in and out of the extended protocol.
  assert.deepEqual((await a.query('SELECT $1::int AS v', [7])).rows, [{ v: 7 }]);
  assert.deepEqual((await a.query('SELECT 8 AS v')).rows, [{ v: 8 }]);
});

test('an error in a named prepared statement leaves it usable', async () => {
  const q = { name: 'div', text: 'SELECT 100 / $1::int AS v' };
  assert.deepEqual((await a.query({ ...q, values: [4] })).rows, [{ v: 25 }]);
  await assert.rejects(a.query({ ...q, values: [0] }), (err) => err.code === '22012');
  assert.deepEqual((await a.query({ ...q, values: [5] })).rows, [{ v: 20 }]);
});

test('wrong parameter count is a protocol error (08P01) and the session goes on', async () => {
  await fails(a, '08P01', 'SELECT $1::int AS v', [1, 2]);
  assert.deepEqual((await a.query('SELECT $1::int AS v', [3])).rows, [{ v: 3 }]);
});
