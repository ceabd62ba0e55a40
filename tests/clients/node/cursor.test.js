'use strict';
// pg-cursor: one unnamed portal, read in batches with Execute row limits
// (PortalSuspended between batches), inside a transaction and outside one.
const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const pg = require('pg');
const Cursor = require('pg-cursor');
const { startServer, timed } = require('./lib/rosettad');

const test = timed(nodeTest);
let server;
let client;
before(async () => {
  server = await startServer();
  client = new pg.Client(server.config());
  await client.connect();
  await client.query('CREATE TABLE big (v integer PRIMARY KEY, label text)');
  await client.query(
    "INSERT INTO big WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000) SELECT x, 'row ' || x FROM n");
});
after(async () => {
  await client.end();
  assert.equal(await server.stop(), 0);
});

const values = (rows) => rows.map((r) => r.v);
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('read(n) returns batches that resume where the portal stopped', async () => {
  const cursor = client.query(new Cursor('SELECT v FROM big WHERE v <= $1 ORDER BY v', [10]));
  assert.deepEqual(values(await cursor.read(3)), [1, 2, 3]);
  assert.deepEqual(values(await cursor.read(2)), [4, 5]);
  assert.deepEqual(values(await cursor.read(100)), [6, 7, 8, 9, 10]);
  assert.deepEqual(await cursor.read(5), [], 'exhausted');
  await cursor.close();
  assert.deepEqual((await client.query('SELECT 1 AS ok')).rows, [{ ok: 1 }], 'the client goes on after the cursor');
});

test('all 5000 rows in batches of 128 inside a transaction', async () => {
  await client.query('BEGIN');
  const cursor = client.query(new Cursor('SELECT v, label FROM big ORDER BY v'));
  const seen = [];
  let batches = 0;
  for (;;) {
    const rows = await cursor.read(128);
    if (rows.length === 0) break;
    assert.ok(rows.length <= 128);
    batches += 1;
    seen.push(...values(rows));
    assert.equal(rows[rows.length - 1].label, `row ${rows[rows.length - 1].v}`);
  }
  await cursor.close();
  await client.query('COMMIT');
  assert.equal(batches, Math.ceil(5000 / 128));
  assert.deepEqual(seen, range(1, 5000));
});

test('closing a cursor early, then another cursor and a plain query', async () => {
  const first = client.query(new Cursor('SELECT v FROM big ORDER BY v DESC'));
  assert.deepEqual(values(await first.read(2)), [5000, 4999]);
  await first.close();
  const second = client.query(new Cursor('SELECT v FROM big WHERE v > $1 ORDER BY v', [4995]));
  assert.deepEqual(values(await second.read(10)), [4996, 4997, 4998, 4999, 5000]);
  await second.close();
  assert.equal((await client.query('SELECT count(*) AS n FROM big')).rows[0].n, '5000');
});

test('a cursor whose statement fails rejects read() with the SQLSTATE', async () => {
  const cursor = client.query(new Cursor('SELECT 1 / (v - $1::int) FROM big ORDER BY v', [3]));
  await assert.rejects(cursor.read(10), (err) => err.code === '22012');
  assert.deepEqual((await client.query('SELECT 2 AS ok')).rows, [{ ok: 2 }]);
});

test('rowMode array on a cursor', async () => {
  const cursor = client.query(new Cursor('SELECT v, label FROM big WHERE v = $1', [42], { rowMode: 'array' }));
  assert.deepEqual(await cursor.read(10), [[42, 'row 42']]);
  await cursor.close();
});

test('100k rows through one cursor in batches of 1000: count and checksum', async () => {
  const n = 100000;
  await client.query('BEGIN');
  const cursor = client.query(new Cursor(
    "SELECT i, 'payload ' || i AS label FROM generate_series(1, $1::int) s(i)", [n], { rowMode: 'array' }));
  let count = 0;
  let sum = 0;
  let labelBytes = 0;
  for (;;) {
    const rows = await cursor.read(1000);
    if (rows.length === 0) break;
    assert.ok(rows.length <= 1000, 'a batch is at most what was asked for');
    for (const [i, label] of rows) {
      count += 1;
      sum += i;
      labelBytes += label.length;
      if (label !== `payload ${i}`) assert.fail(`row ${count}: ${label}`);
    }
  }
  await cursor.close();
  await client.query('COMMIT');
  assert.equal(count, n);
  assert.equal(sum, (n * (n + 1)) / 2);
  let digits = 0;
  for (let i = 1; i <= n; i++) digits += String(i).length;
  assert.equal(labelBytes, 'payload '.length * n + digits);
});
