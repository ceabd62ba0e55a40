'use strict';
// COPY through pg-copy-streams on node-postgres: one million rows in with from()
// (COPY ... FROM STDIN, text format, streamed in 64 KiB CopyData chunks) and out
// with to() (COPY ... TO STDOUT), each side checked by count, sum of ids and
// sampled rows.  Rows are (id integer, name text, v double precision), name NULL
// on every 1000th row and v = id / 4 (exact in binary floating point).
const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const pg = require('pg');
const { from: copyFrom, to: copyTo } = require('pg-copy-streams');
const { startServer, timed } = require('./lib/rosettad');

const test = timed(nodeTest);
const N = 1000000;
const ID_SUM = (N * (N - 1)) / 2;

let server;
let client;
before(async () => {
  server = await startServer();
  client = new pg.Client(server.config());
  await client.connect();
});
after(async () => {
  await client.end();
  assert.equal(await server.stop(), 0);
});

/** The rows in COPY's text format, produced in blocks as the stream asks for them. */
function* textBlocks() {
  const lines = [];
  for (let i = 0; i < N; i += 1) {
    lines.push(`${i}\t${i % 1000 === 0 ? '\\N' : `n${i}`}\t${i / 4}\n`);
    if (lines.length === 4096) {
      yield lines.join('');
      lines.length = 0;
    }
  }
  if (lines.length) yield lines.join('');
}

test('one million rows in with from() and out with to()', { timeout: 900000 }, async () => {
  await client.query('CREATE TABLE copy_node (id integer, name text, v double precision)');
  const ingest = client.query(copyFrom('COPY copy_node FROM STDIN'));
  await pipeline(Readable.from(textBlocks()), ingest);
  assert.equal(ingest.rowCount, N);

  const { rows } = await client.query(
    'SELECT count(*)::int AS n, sum(id) AS ids, sum(v) AS vs, count(name)::int AS names FROM copy_node');
  assert.equal(rows[0].n, N);
  assert.equal(Number(rows[0].ids), ID_SUM);
  assert.equal(Number(rows[0].vs), ID_SUM / 4);
  assert.equal(rows[0].names, N - N / 1000);
  const sample = await client.query('SELECT id, name, v FROM copy_node WHERE id IN (1000, 777777) ORDER BY id');
  assert.deepEqual(sample.rows, [{ id: 1000, name: null, v: 250 }, { id: 777777, name: 'n777777', v: 194444.25 }]);

  // Out: parse the stream line by line; lines may be split across chunks.
  const egress = client.query(copyTo('COPY copy_node TO STDOUT'));
  let count = 0;
  let ids = 0;
  let nulls = 0;
  let partial = '';
  const seen = new Set();
  for await (const chunk of egress) {
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const [id, name, v] = line.split('\t');
      count += 1;
      ids += Number(id);
      if (name === '\\N') nulls += 1;
      if (id === '777777' || id === '1000') seen.add(line);
      assert.equal(Number(v), Number(id) / 4);
    }
  }
  assert.equal(partial, '');
  assert.equal(count, N);
  assert.equal(ids, ID_SUM);
  assert.equal(nulls, N / 1000);
  assert.deepEqual([...seen].sort(), ['1000\t\\N\t250', '777777\tn777777\t194444.25']);
  assert.equal(egress.rowCount, N);
  await client.query('DROP TABLE copy_node');
});

test('a bad row fails the COPY and loads nothing', async () => {
  await client.query('CREATE TABLE copy_node_bad (id integer, name text)');
  const ingest = client.query(copyFrom('COPY copy_node_bad FROM STDIN'));
  await assert.rejects(pipeline(Readable.from(['1\ta\n', '2\tb\n', 'three\tc\n']), ingest),
    (e) => e.code === '22P02');
  const { rows } = await client.query('SELECT count(*)::int AS n FROM copy_node_bad');
  assert.deepEqual(rows, [{ n: 0 }]);
});
