'use strict';
// mysql2 against rosettad's MySQL port, over TLS.  query() sends COM_QUERY (text
// protocol); execute() sends COM_STMT_PREPARE once per statement text and connection,
// then COM_STMT_EXECUTE with binary parameters and reads binary rows.
const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const mysql = require('mysql2/promise');
const { startServer, timed } = require('./lib/rosettad');

const test = timed(nodeTest);

let server;
let conn;
before(async () => {
  server = await startServer({ mysql: true });
  conn = await mysql.createConnection(server.mysqlConfig());
});
after(async () => {
  await conn.end();
  assert.equal(await server.stop(), 0);
});

test('connects over TLS with caching_sha2_password and with mysql_native_password', async () => {
  const [rows] = await conn.query('SELECT 1 AS one');
  assert.deepEqual(rows, [{ one: 1 }]);
  // A custom handler for caching_sha2_password makes mysql2 answer with mysql_native_password.
  let asked = false;
  const native = await mysql.createConnection(server.mysqlConfig({
    authPlugins: { caching_sha2_password: () => () => { asked = true; return Buffer.alloc(0); } },
  }));
  const [r2] = await native.execute('SELECT ? + 1 AS two', [1]);
  assert.equal(Number(r2[0].two), 2);
  assert.equal(asked, false);
  await native.end();
  await assert.rejects(mysql.createConnection(server.mysqlConfig({ password: 'wrong' })),
    (err) => err.errno === 1045);
});

test('caching_sha2 full authentication over TLS and, with the server\'s RSA key, without', async () => {
  // --mysql-auth-cache 0: no fast path, every caching_sha2 login is a full one
  const fresh = await startServer({ mysql: true, extra: ['--mysql-auth-cache', '0'] });
  try {
    for (const ssl of [{ rejectUnauthorized: false }, undefined]) {
      const c = await mysql.createConnection(fresh.mysqlConfig({ ssl }));
      const [rows] = await c.query('SELECT CURRENT_USER() AS u');
      assert.match(String(rows[0].u), /^demo/);
      await c.end();
      await assert.rejects(mysql.createConnection(fresh.mysqlConfig({ ssl, password: 'wrong' })),
        (err) => err.errno === 1045);
    }
    assert.match(fresh.readLog(), /tls=off/); // the plain login really was plain
  } finally {
    assert.equal(await fresh.stop(), 0);
  }
});

test('CRUD through query() and execute()', async () => {
  await conn.query('CREATE TABLE crud (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40), qty INT)');
  const [ins] = await conn.execute('INSERT INTO crud (name, qty) VALUES (?, ?)', ['apple', 3]);
  assert.equal(ins.affectedRows, 1);
  assert.equal(ins.insertId, 1);
  await conn.query('INSERT INTO crud (name, qty) VALUES (?, ?)', ['pear', 5]); // client-side escaping
  const [upd] = await conn.execute('UPDATE crud SET qty = qty + ? WHERE name = ?', [10, 'apple']);
  assert.equal(upd.affectedRows, 1);
  const [rows] = await conn.execute('SELECT id, name, qty FROM crud ORDER BY id');
  assert.deepEqual(rows, [{ id: 1, name: 'apple', qty: 13 }, { id: 2, name: 'pear', qty: 5 }]);
  const [del] = await conn.execute('DELETE FROM crud WHERE qty < ?', [10]);
  assert.equal(del.affectedRows, 1);
  const [left] = await conn.query('SELECT name FROM crud');
  assert.deepEqual(left, [{ name: 'apple' }]);
});

test('parameters of every type, NULL and a Buffer, round-trip through execute()', async () => {
  await conn.query(`CREATE TABLE types (id INT PRIMARY KEY, i INT, b BIGINT, d DOUBLE, n DECIMAL(10,2),
    v VARCHAR(50), t TEXT, bl BLOB, dt DATE, ts DATETIME, tm TIME, flag BOOLEAN)`);
  const blob = Buffer.from([0, 1, 2, 250, 255]);
  const when = new Date(2024, 1, 29, 13, 14, 15); // local time, as mysql2 sends it
  await conn.execute('INSERT INTO types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [1, -7, 9007199254740991, 2.25, '12.50', 'héllo', 'x'.repeat(1000), blob, '2024-02-29', when, '26:03:04', true]);
  await conn.execute('INSERT INTO types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [2, null, null, null, null, null, null, null, null, null, null, null]);
  const [rows] = await conn.execute('SELECT * FROM types WHERE id = ?', [1]);
  const r = rows[0];
  assert.equal(r.i, -7);
  assert.equal(Number(r.b), 9007199254740991);
  assert.equal(r.d, 2.25);
  assert.equal(Number(r.n), 12.5);
  assert.equal(r.v, 'héllo');
  assert.equal(r.t, 'x'.repeat(1000));
  assert.deepEqual(r.bl, blob);
  assert.equal(r.dt.getFullYear(), 2024);
  assert.equal(r.dt.getMonth(), 1);
  assert.equal(r.dt.getDate(), 29);
  assert.equal(r.ts.getTime(), when.getTime());
  assert.equal(r.tm, '26:03:04');
  assert.equal(r.flag, 1);
  const [nulls] = await conn.execute('SELECT * FROM types WHERE id = ?', [2]);
  assert.deepEqual(Object.values(nulls[0]), [2, null, null, null, null, null, null, null, null, null, null, null]);
  // the same values through the text protocol
  const [text] = await conn.query('SELECT i, v, bl, tm FROM types WHERE id = 1');
  assert.deepEqual(text[0], { i: -7, v: 'héllo', bl: blob, tm: '26:03:04' });
  // and as comparisons on the server
  const [hit] = await conn.execute('SELECT COUNT(*) AS c FROM types WHERE v = ? AND bl = ? AND b = ? AND d = ?',
    ['héllo', blob, 9007199254740991, 2.25]);
  assert.equal(Number(hit[0].c), 1);
});

test('a prepared statement is reused with new values', async () => {
  for (let i = 0; i < 30; i += 1) {
    const [rows] = await conn.execute('SELECT ? * 2 AS x, ? AS s', [i, `s${i}`]);
    assert.equal(Number(rows[0].x), 2 * i);
    assert.equal(rows[0].s, `s${i}`);
  }
});

test('transactions commit and roll back', async () => {
  await conn.query('CREATE TABLE txn (id INT PRIMARY KEY)');
  await conn.beginTransaction();
  await conn.execute('INSERT INTO txn VALUES (?)', [1]);
  await conn.rollback();
  await conn.beginTransaction();
  await conn.execute('INSERT INTO txn VALUES (?)', [2]);
  await conn.commit();
  const [rows] = await conn.execute('SELECT id FROM txn');
  assert.deepEqual(rows, [{ id: 2 }]);
});

test('errors carry MySQL errno and SQLSTATE, and the connection survives them', async () => {
  await conn.query('CREATE TABLE dup (id INT PRIMARY KEY)');
  await conn.execute('INSERT INTO dup VALUES (?)', [1]);
  await assert.rejects(conn.execute('INSERT INTO dup VALUES (?)', [1]),
    (err) => err.errno === 1062 && err.sqlState === '23000' && err.code === 'ER_DUP_ENTRY');
  await assert.rejects(conn.query('INSERT INTO dup VALUES (1)'), (err) => err.errno === 1062);
  await assert.rejects(conn.execute('SELEC 1 FRM'), (err) => err.errno === 1064 && err.sqlState === '42000');
  await assert.rejects(conn.query('SELEC 1 FRM'), (err) => err.errno === 1064);
  await assert.rejects(conn.execute('SELECT * FROM no_such_table WHERE id = ?', [1]),
    (err) => err.errno === 1146 && err.sqlState === '42S02');
  await assert.rejects(conn.query('SELECT * FROM no_such_table'), (err) => err.errno === 1146);
  const [rows] = await conn.execute('SELECT COUNT(*) AS c FROM dup');
  assert.equal(Number(rows[0].c), 1);
});

test('a large result through execute()', async () => {
  await conn.query('CREATE TABLE big (x INT PRIMARY KEY)');
  await conn.query('INSERT INTO big WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 50000) '
    + 'SELECT x FROM s');
  const [rows] = await conn.execute('SELECT x FROM big WHERE x <= ? ORDER BY x', [50000]);
  assert.equal(rows.length, 50000);
  assert.equal(rows[49999].x, 50000);
});

test('100k rows stream row by row through query().stream() and execute() row events', { timeout: 120000 }, async () => {
  await conn.query('CREATE TABLE stream100k (x INT PRIMARY KEY, s VARCHAR(20))');
  await conn.query('INSERT INTO stream100k WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000) '
    + "SELECT x, CONCAT('r', x) FROM n");
  // mysql2 has no COM_STMT_FETCH cursors: it reads the result as it arrives and hands out each row.
  const raw = conn.connection; // the callback connection under the promise wrapper
  let n = 0;
  let sum = 0;
  let inOrder = true;
  for await (const row of raw.query('SELECT x, s FROM stream100k ORDER BY x').stream({ highWaterMark: 100 })) {
    n += 1;
    sum += row.x;
    if (row.x !== n || row.s !== `r${n}`) inOrder = false;
  }
  assert.equal(n, 100000);
  assert.equal(sum, 100000 * 100001 / 2);
  assert.ok(inOrder);
  const counted = await new Promise((resolve, reject) => {
    let m = 0;
    let total = 0;
    raw.execute('SELECT x, s FROM stream100k WHERE x > ? ORDER BY x', [0])
      .on('result', (row) => { m += 1; total += row.x; })
      .on('error', reject)
      .on('end', () => resolve({ m, total }));
  });
  assert.deepEqual(counted, { m: 100000, total: 100000 * 100001 / 2 });
});

test('a 20 MB BLOB round-trips through execute() and query()', { timeout: 180000 }, async () => {
  await conn.query('CREATE TABLE blob20 (id INT PRIMARY KEY, b LONGBLOB)');
  const data = Buffer.alloc(20 * 1024 * 1024);
  for (let i = 0; i < data.length; i += 1) data[i] = (i * 7 + (i >> 13)) & 0xff;
  const [ins] = await conn.execute('INSERT INTO blob20 VALUES (?, ?)', [1, data]);
  assert.equal(ins.affectedRows, 1);
  const [rows] = await conn.execute('SELECT b, LENGTH(b) AS n FROM blob20 WHERE id = ?', [1]);
  assert.equal(Number(rows[0].n), data.length);
  assert.ok(rows[0].b.equals(data));
  await conn.query('INSERT INTO blob20 VALUES (?, ?)', [2, data]); // escaped into COM_QUERY text
  const [text] = await conn.query('SELECT b FROM blob20 WHERE id = 2');
  assert.ok(text[0].b.equals(data));
});

test('autocommit off: commit and rollback without BEGIN', async () => {
  await conn.query('CREATE TABLE ac (id INT PRIMARY KEY)');
  await conn.query('SET autocommit = 0');
  await conn.execute('INSERT INTO ac VALUES (?)', [1]);
  await conn.rollback();
  await conn.execute('INSERT INTO ac VALUES (?)', [2]);
  await conn.commit();
  await conn.execute('INSERT INTO ac VALUES (?)', [3]); // left open, then rolled back
  const other = await mysql.createConnection(server.mysqlConfig());
  const [seen] = await other.query('SELECT id FROM ac ORDER BY id');
  assert.deepEqual(seen, [{ id: 2 }]);
  await conn.rollback();
  await conn.query('SET autocommit = 1');
  await conn.execute('INSERT INTO ac VALUES (?)', [4]);
  const [after] = await other.query('SELECT id FROM ac ORDER BY id');
  assert.deepEqual(after, [{ id: 2 }, { id: 4 }]);
  await other.end();
});

test('MySQL 8 words for duplicate keys and unknown tables', async () => {
  await conn.query('CREATE TABLE dupmsg (id INT PRIMARY KEY, email VARCHAR(40) UNIQUE)');
  await conn.execute('INSERT INTO dupmsg VALUES (?, ?)', [1, 'a@x']);
  await assert.rejects(conn.execute('INSERT INTO dupmsg VALUES (?, ?)', [1, 'b@x']),
    (err) => err.errno === 1062 && err.sqlMessage === "Duplicate entry '1' for key 'dupmsg.PRIMARY'");
  await assert.rejects(conn.query("INSERT INTO dupmsg VALUES (2, 'a@x')"),
    (err) => err.errno === 1062 && err.sqlMessage === "Duplicate entry 'a@x' for key 'dupmsg.email'");
  await assert.rejects(conn.query('DROP TABLE no_such_table'),
    (err) => err.errno === 1051 && err.sqlState === '42S02' && err.code === 'ER_BAD_TABLE_ERROR'
      && err.sqlMessage === "Unknown table 'demo.no_such_table'");
  await assert.rejects(conn.query('SELECT * FROM no_such_table'),
    (err) => err.errno === 1146 && err.sqlMessage === "Table 'demo.no_such_table' doesn't exist");
});
