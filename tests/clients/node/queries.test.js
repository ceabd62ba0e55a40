'use strict';
// Queries through node-postgres.  Without values it sends a simple Query; with values
// it sends unnamed Parse, Bind (text parameters), Describe(P), Execute, Sync; with a
// `name` it parses the statement once per connection and binds it again on reuse.
const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const pg = require('pg');
const { startServer, timed } = require('./lib/rosettad');

const test = timed(nodeTest);

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

test('SELECT 1 in the simple and the extended protocol', async () => {
  assert.deepEqual((await client.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  assert.deepEqual((await client.query('SELECT $1::int AS one', [1])).rows, [{ one: 1 }]);
});

test('int, bigint, float8, text, bool and null round-trip as parameters and columns', async () => {
  await client.query(`CREATE TABLE rt (i integer, b bigint, f double precision, t text, ok boolean, n text)`);
  const values = [42, '9000000000', -2.5, "it's ünïcode", true, null];
  await client.query('INSERT INTO rt VALUES ($1, $2, $3, $4, $5, $6)', values);
  await client.query('INSERT INTO rt VALUES ($1, $2, $3, $4, $5, $6)', [-1, '-9223372036854775808', 1e300, '', false, null]);
  const res = await client.query('SELECT i, b, f, t, ok, n FROM rt ORDER BY i DESC');
  assert.deepEqual(res.rows, [
    { i: 42, b: '9000000000', f: -2.5, t: "it's ünïcode", ok: true, n: null },
    { i: -1, b: '-9223372036854775808', f: 1e300, t: '', ok: false, n: null },
  ]);
  // The types the server described, by OID: int4, int8, float8, text, bool, text.
  assert.deepEqual(res.fields.map((f) => f.dataTypeID), [23, 20, 701, 25, 16, 25]);
  assert.deepEqual(res.fields.map((f) => f.name), ['i', 'b', 'f', 't', 'ok', 'n']);
  // The same through parameters compared on the server side.
  const hit = await client.query(
    'SELECT count(*) AS c FROM rt WHERE i = $1 AND b = $2 AND f = $3 AND t = $4 AND ok = $5 AND n IS NOT DISTINCT FROM $6', values);
  assert.equal(hit.rows[0].c, '1'); // count(*) is bigint, which node-postgres leaves as a string
});

test('parameter casts and expressions in the select list', async () => {
  const r = await client.query(
    'SELECT $1::int + 1 AS i, $2::bigint * 2 AS b, $3::float8 / 2 AS f, $4::text || $5::text AS t, NOT $6::bool AS nb, $7::int IS NULL AS isnull',
    [1, '4000000000', 3, 'a', 'b', false, null]);
  assert.deepEqual(r.rows, [{ i: 2, b: '8000000000', f: 1.5, t: 'ab', nb: true, isnull: true }]);
});

test('CRUD with $n parameters, rowCount and RETURNING', async () => {
  await client.query('CREATE TABLE people (id integer PRIMARY KEY, name text NOT NULL, age integer)');
  for (const [id, name, age] of [[1, 'ada', 36], [2, 'grace', 85], [3, 'linus', null]]) {
    const r = await client.query('INSERT INTO people (id, name, age) VALUES ($1, $2, $3)', [id, name, age]);
    assert.equal(r.command, 'INSERT');
    assert.equal(r.rowCount, 1);
  }
  const sel = await client.query('SELECT name, age FROM people WHERE id = $1', [2]);
  assert.deepEqual(sel.rows, [{ name: 'grace', age: 85 }]);

  const upd = await client.query('UPDATE people SET age = $1 WHERE age IS NULL OR age > $2', [50, 80]);
  assert.equal(upd.command, 'UPDATE');
  assert.equal(upd.rowCount, 2);

  const ret = await client.query('UPDATE people SET name = upper(name) WHERE id = $1 RETURNING id, name', [1]);
  assert.deepEqual(ret.rows, [{ id: 1, name: 'ADA' }]);

  const del = await client.query('DELETE FROM people WHERE name LIKE $1', ['%a%']);
  assert.equal(del.command, 'DELETE');
  assert.equal(del.rowCount, 1); // 'grace' (ADA is upper case now, LIKE is case-sensitive)

  const rest = await client.query('SELECT id, name, age FROM people ORDER BY id');
  assert.deepEqual(rest.rows, [{ id: 1, name: 'ADA', age: 36 }, { id: 3, name: 'linus', age: 50 }]);

  const none = await client.query('SELECT id FROM people WHERE id = $1', [99]);
  assert.equal(none.rowCount, 0);
  assert.deepEqual(none.rows, []);
  assert.deepEqual(none.fields.map((f) => f.name), ['id']);
});

test('a named prepared statement is parsed once and reused', async () => {
  await client.query('CREATE TABLE named (id integer PRIMARY KEY, v text)');
  await client.query("INSERT INTO named VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  const parses = [];
  const onParse = client.connection.parse.bind(client.connection);
  client.connection.parse = (q) => { parses.push(q.name); return onParse(q); };
  try {
    for (const [id, v] of [[1, 'one'], [2, 'two'], [3, 'three'], [1, 'one']]) {
      const r = await client.query({ name: 'q', text: 'SELECT v FROM named WHERE id = $1', values: [id] });
      assert.deepEqual(r.rows, [{ v }]);
    }
  } finally {
    client.connection.parse = onParse;
  }
  assert.deepEqual(parses, ['q'], 'Parse was sent once, then only Bind/Execute');
  // A second named statement beside the first.
  const ins = { name: 'ins', text: 'INSERT INTO named VALUES ($1, $2)' };
  await client.query({ ...ins, values: [4, 'four'] });
  await client.query({ ...ins, values: [5, 'five'] });
  const r = await client.query({ name: 'q', text: 'SELECT v FROM named WHERE id = $1', values: [5] });
  assert.deepEqual(r.rows, [{ v: 'five' }]);
});

test('rowMode array and duplicate column names', async () => {
  const r = await client.query({ text: 'SELECT $1::int AS a, $2::text AS a', values: [1, 'x'], rowMode: 'array' });
  assert.deepEqual(r.rows, [[1, 'x']]);
});

test('several statements in one simple Query give one result each', async () => {
  const results = await client.query('CREATE TABLE multi (v integer); INSERT INTO multi VALUES (1), (2); SELECT sum(v) AS s FROM multi');
  assert.equal(results.length, 3);
  assert.deepEqual(results.map((r) => r.command), ['CREATE', 'INSERT', 'SELECT']);
  assert.equal(results[1].rowCount, 2);
  assert.deepEqual(results[2].rows, [{ s: '3' }]);
});

test('an empty query and a query returning many rows', async () => {
  const empty = await client.query('');
  assert.equal(empty.command, null);
  const many = await client.query(
    'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $1::int) SELECT x FROM n', [20000]);
  assert.equal(many.rowCount, 20000);
  assert.equal(many.rows[19999].x, 20000);
});

// $1 compared with a recursive CTE's column is int4, typed by the CTE's first branch as
// PostgreSQL does; typed as text it would compare INTEGER < TEXT and never end.
test('an untyped parameter against a recursive CTE column is int4', async () => {
  const r = await client.query(
    'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $1) SELECT x FROM n', [3]);
  assert.deepEqual(r.rows, [{ x: 1 }, { x: 2 }, { x: 3 }]);
});

test('long text and text with quotes and backslashes survive', async () => {
  const long = 'x'.repeat(200000);
  const odd = "a'b\"c\\d\te\nf";
  const r = await client.query('SELECT $1::text AS long, $2::text AS odd, length($1::text) AS n', [long, odd]);
  assert.equal(r.rows[0].long, long);
  assert.equal(r.rows[0].odd, odd);
  assert.equal(r.rows[0].n, 200000);
});

test('array columns and array parameters come back as JavaScript arrays', async () => {
  await client.query('CREATE TABLE arr_node (id integer PRIMARY KEY, ints integer[], tags text[])');
  await client.query('INSERT INTO arr_node VALUES ($1, $2, $3)', [1, [1, null, 3], ['a', 'b c', '', 'x"y']]);
  await client.query("INSERT INTO arr_node VALUES (2, '{}', ARRAY['z'])");
  const res = await client.query('SELECT ints, tags FROM arr_node ORDER BY id');
  assert.deepEqual(res.rows, [
    { ints: [1, null, 3], tags: ['a', 'b c', '', 'x"y'] },
    { ints: [], tags: ['z'] },
  ]);
  assert.deepEqual(res.fields.map((f) => f.dataTypeID), [1007, 1009]); // int4[], text[]
  const hit = await client.query('SELECT id FROM arr_node WHERE $1 = ANY(tags)', ['b c']);
  assert.deepEqual(hit.rows, [{ id: 1 }]);
});
