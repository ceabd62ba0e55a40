'use strict';
// Connecting with node-postgres: TLS and plain, SCRAM-SHA-256 (and -PLUS when asked),
// wrong credentials, a pool of concurrent clients.
const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const pg = require('pg');
const { startServer, timed } = require('./lib/rosettad');

const test = timed(nodeTest);

let server;
before(async () => { server = await startServer({ unified: true }); });
after(async () => { assert.equal(await server.stop(), 0); });

/** Connects and records the SASL mechanisms the server offered. */
async function connect(cfg) {
  const client = new pg.Client(cfg);
  const seen = { mechanisms: null, chosen: null, params: {} };
  client.connection.on('authenticationSASL', (msg) => { seen.mechanisms = msg.mechanisms; });
  client.connection.on('authenticationSASLContinue', () => { seen.chosen = client.saslSession?.mechanism; });
  client.connection.on('parameterStatus', (msg) => { seen.params[msg.parameterName] = msg.parameterValue; });
  await client.connect();
  return { client, seen };
}

test('TLS with rejectUnauthorized:false, SCRAM-SHA-256, SELECT 1', async () => {
  const { client, seen } = await connect(server.config());
  try {
    assert.ok(client.connection.stream.encrypted, 'the socket is TLS');
    assert.ok(seen.mechanisms.includes('SCRAM-SHA-256'), `mechanisms ${seen.mechanisms}`);
    assert.equal(seen.chosen, 'SCRAM-SHA-256'); // node-postgres binds the channel only when asked
    const res = await client.query('SELECT 1');
    assert.deepEqual(res.rows, [{ '?column?': 1 }]);
    assert.equal(res.command, 'SELECT');
    assert.equal(res.rowCount, 1);
  } finally {
    await client.end();
  }
});

test('plain TCP without ssl, SCRAM-SHA-256 only (no -PLUS without TLS)', async () => {
  const { client, seen } = await connect(server.config({ ssl: false }));
  try {
    assert.ok(!client.connection.stream.encrypted);
    assert.deepEqual(seen.mechanisms, ['SCRAM-SHA-256']);
    assert.deepEqual((await client.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  } finally {
    await client.end();
  }
});

test('SCRAM-SHA-256-PLUS channel binding over TLS', async () => {
  const { client, seen } = await connect(server.config({ enableChannelBinding: true }));
  try {
    assert.ok(seen.mechanisms.includes('SCRAM-SHA-256-PLUS'), `mechanisms ${seen.mechanisms}`);
    assert.equal(seen.chosen, 'SCRAM-SHA-256-PLUS');
    assert.deepEqual((await client.query('SELECT 2 AS two')).rows, [{ two: 2 }]);
  } finally {
    await client.end();
  }
});

test('ParameterStatus and BackendKeyData a driver reads at connect', async () => {
  const { client, seen } = await connect(server.config());
  try {
    assert.match(seen.params.server_version, /^15/);
    assert.equal(seen.params.client_encoding, 'UTF8');
    assert.equal(seen.params.standard_conforming_strings, 'on');
    assert.equal(seen.params.integer_datetimes, 'on');
    assert.ok(client.processID > 0, 'BackendKeyData gave a process id');
    assert.equal(typeof client.secretKey, 'number');
    const r = await client.query('SHOW server_version');
    assert.equal(r.rows[0].server_version, seen.params.server_version);
  } finally {
    await client.end();
  }
});

test('wrong password fails with 28P01', async () => {
  const client = new pg.Client(server.config({ password: 'not-demo' }));
  await assert.rejects(client.connect(), (err) => {
    assert.equal(err.code, '28P01');
    assert.equal(err.severity, 'FATAL');
    return true;
  });
});

test('unknown user fails with 28P01', async () => {
  const client = new pg.Client(server.config({ user: 'nobody', ssl: false }));
  await assert.rejects(client.connect(), (err) => err.code === '28P01');
});

test('unknown database fails with 3D000', async () => {
  const client = new pg.Client(server.config({ database: 'nosuchdb' }));
  await assert.rejects(client.connect(), (err) => err.code === '3D000');
});

test('the unified port serves the same client, with and without TLS', async () => {
  for (const ssl of [{ rejectUnauthorized: false }, false]) {
    const client = new pg.Client(server.config({ port: server.ports.unified, ssl }));
    await client.connect();
    try {
      assert.deepEqual((await client.query('SELECT $1::int AS v', [5])).rows, [{ v: 5 }]);
    } finally {
      await client.end();
    }
  }
});

test('a pool of 8 clients runs queries concurrently', async () => {
  const pool = new pg.Pool({ ...server.config(), max: 8 });
  try {
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) => pool.query('SELECT $1::int * 2 AS v', [i])));
    assert.deepEqual(results.map((r) => r.rows[0].v), Array.from({ length: 32 }, (_, i) => i * 2));
  } finally {
    await pool.end();
  }
});
