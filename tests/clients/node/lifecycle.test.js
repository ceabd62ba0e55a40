'use strict';
// Stopping the server with clients attached: SIGTERM must end rosettad with exit code 0.
const { test: nodeTest } = require('node:test');
const assert = require('node:assert/strict');
const pg = require('pg');
const { startServer, timed } = require('./lib/rosettad');

const test = timed(nodeTest);

/** Resolves to the exit status, or null if the process still runs after `ms`. */
function exitWithin(server, ms) {
  let timer;
  return Promise.race([
    server.exited,
    new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); }),
  ]).finally(() => clearTimeout(timer));
}

test('SIGTERM with idle clients connected exits 0', async () => {
  const server = await startServer();
  const clients = [new pg.Client(server.config()), new pg.Client(server.config({ ssl: false }))];
  for (const c of clients) { c.on('error', () => {}); await c.connect(); }
  await clients[0].query('BEGIN');
  await clients[0].query('CREATE TABLE t (v integer)');
  server.proc.kill('SIGTERM');
  const res = await exitWithin(server, 10000);
  if (res === null) server.proc.kill('SIGKILL');
  assert.deepEqual(res, { code: 0, signal: null });
  assert.equal(await server.stop(), 0);
});

// Like PostgreSQL's fast shutdown, SIGTERM interrupts a running statement and exits.
test('SIGTERM while a statement runs exits 0 within 5 s', async () => {
  const server = await startServer();
  const c = new pg.Client(server.config({ ssl: false }));
  c.on('error', () => {});
  await c.connect();
  const running = c.query('WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n')
    .catch((err) => err);
  await new Promise((resolve) => setTimeout(resolve, 500));
  server.proc.kill('SIGTERM');
  const res = await exitWithin(server, 5000);
  if (res === null) server.proc.kill('SIGKILL');
  await running;
  assert.deepEqual(res, { code: 0, signal: null }, 'rosettad still running 5 s after SIGTERM');
});
