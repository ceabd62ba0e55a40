'use strict';
// A real rosettad for one test file, started as tests/clients/conftest.py does:
// `rosettad init` into a fresh temp dir, `rosettad serve` on free loopback ports,
// wait for the stdout line containing "ready"; stop() sends SIGTERM and returns the
// exit code, failing on a sanitizer report in the log.
//
// The binary is $ROSETTAD (the Makefile points it at the sanitizer build), else
// build/release/rosettad from the repository root.

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const ROSETTAD = process.env.ROSETTAD || path.join(ROOT, 'build', 'release', 'rosettad');
const LISTENERS = ['pg', 'mysql', 'tds', 'drda', 'tns', 'https', 'http', 'unified'];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

class Server {
  constructor(dir, ports) {
    this.dir = dir;
    this.data = path.join(dir, 'data');
    this.ports = ports;
    this.logPath = path.join(dir, 'server.log');
    this.proc = null;
    this.extra = [];
  }

  get pgPort() { return this.ports.pg; }

  get mysqlPort() { return this.ports.mysql; }

  /** mysql2 connection options (TLS without CA checks unless `ssl` is given). */
  mysqlConfig(extra = {}) {
    return {
      host: '127.0.0.1', port: this.mysqlPort, user: 'demo', password: 'demo', database: 'demo',
      ssl: { rejectUnauthorized: false }, ...extra,
    };
  }

  /** node-postgres connection options; `ssl` defaults to TLS without CA checks. */
  config(extra = {}) {
    return {
      host: '127.0.0.1', port: this.pgPort, user: 'demo', password: 'demo', database: 'demo',
      ssl: { rejectUnauthorized: false }, ...extra,
    };
  }

  readLog() {
    try { return fs.readFileSync(this.logPath, 'utf8'); } catch { return ''; }
  }

  start() {
    const args = ['serve', '--data', this.data, '--listen', '127.0.0.1', '--threads', '2'];
    for (const name of LISTENERS) args.push(`--${name}-port`, String(this.ports[name] || 0));
    args.push(...this.extra);
    const log = fs.openSync(this.logPath, 'a');
    this.proc = spawn(ROSETTAD, args, { stdio: ['ignore', 'pipe', log] });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => fail('timed out'), 20000);
      const fail = (why) => {
        clearTimeout(timer);
        this.proc.kill('SIGKILL');
        reject(new Error(`rosettad did not become ready (${why}): ${JSON.stringify(out)}\n${this.readLog()}`));
      };
      this.proc.stdout.on('data', (chunk) => {
        out += chunk.toString();
        if (out.includes('ready')) {
          clearTimeout(timer);
          this.proc.stdout.removeAllListeners('data');
          this.proc.stdout.resume(); // keep draining so the server never blocks on a full pipe
          resolve(this);
        }
      });
      this.proc.on('exit', (code) => { if (!out.includes('ready')) fail(`exited with ${code}`); });
    });
  }

  /** SIGTERM; resolves to the exit code.  Throws on a hang or a sanitizer report. */
  async stop() {
    if (!this.proc) return null;
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    let timer;
    const hung = new Promise((resolve) => { timer = setTimeout(() => resolve(null), 20000); });
    const res = await Promise.race([this.exited, hung]);
    clearTimeout(timer);
    if (res === null) {
      this.proc.kill('SIGKILL');
      throw new Error('rosettad did not stop on SIGTERM');
    }
    const log = this.readLog();
    if (log.includes('AddressSanitizer') || log.includes('runtime error:')) throw new Error(log);
    fs.rmSync(this.dir, { recursive: true, force: true });
    return res.code;
  }
}

/** init a fresh data directory (user demo/demo unless given) and serve it on a free pg port. */
async function startServer({ user = 'demo', password = 'demo', unified = false, mysql = false, extra = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosetta-node-'));
  execFileSync(ROSETTAD, ['init', '--data', path.join(dir, 'data'), '--user', user, '--password', password],
    { stdio: 'pipe' });
  const ports = { pg: await freePort() };
  if (unified) ports.unified = await freePort();
  if (mysql) ports.mysql = await freePort();
  const server = new Server(dir, ports);
  server.extra = extra; // more `rosettad serve` arguments
  return server.start();
}

/**
 * node:test's test() with a 120 s limit per test unless the options give one, so a hung
 * statement fails its test instead of the whole run (Node 18 has no --test-timeout).
 */
function timed(test) {
  return (name, opts, fn) => {
    if (typeof opts === 'function') { fn = opts; opts = {}; }
    return test(name, { timeout: 120000, ...opts }, fn);
  };
}

module.exports = { startServer, timed, ROSETTAD };
