// The pre-flight as users meet it: through the `codex` shim, with real SQLite files, real configs and real processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { codexHomeWithLogs, leaveInWal, logCount, makeCodexDb } from './helpers/codex-home.ts';
import { cleanEnv, fakeCodex, linkShim, NODE_BIN_DIR, readRecord, runSync, tmp, waitFor } from './helpers/index.ts';

/** A user HOME with a ~/.codexguardrc, a CODEX_HOME with an over-limit log DB, the shim and a fake codex on PATH. */
function world(t: TestContext, rc: object = { logs: { maxSize: '1MB', keepRows: 300 } }) {
  const root = tmp(t);
  const home = join(root, 'user');
  mkdirSync(home);
  writeFileSync(join(home, '.codexguardrc'), JSON.stringify(rc));
  const codexHome = codexHomeWithLogs(t, { rows: 3000, bodyBytes: 1500 });
  const shimDir = join(root, 'shim');
  const shim = linkShim(shimDir);
  fakeCodex(join(root, 'real'));
  const record = join(root, 'record.json');
  const env = (extra: Record<string, string | undefined> = {}) =>
    cleanEnv({
      HOME: home,
      PATH: [shimDir, join(root, 'real'), NODE_BIN_DIR].join(':'),
      CODEX_HOME: codexHome,
      FAKE_CODEX_RECORD: record,
      ...extra,
    });
  const log = join(codexHome, 'logs_2.sqlite');
  return { root, home, codexHome, shim, record, env, log, cwd: home };
}

const archivesOf = (dir: string) =>
  readdirSync(dir).filter((n) => n.startsWith('logs_2.sqlite.') && !n.endsWith('-wal') && !n.endsWith('-shm'));

test('a healthy home: codex starts, nothing is printed, nothing is left behind', (t) => {
  const w = world(t, { logs: { maxSize: '1GB' } });
  const before = statSync(w.log).mtimeMs;
  const r = runSync(w.shim, ['hi'], { env: w.env(), cwd: w.cwd });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(readRecord(w.record).argv, ['hi']);
  assert.equal(statSync(w.log).mtimeMs, before, 'the log DB was not touched');
  assert.deepEqual(
    readdirSync(join(w.codexHome, 'codexguard', 'sessions')),
    [],
    'the session entry is gone after exit (a run under a second leaves no history line)',
  );
  assert.ok(!existsSync(join(w.codexHome, 'codexguard', 'preflight.lock')), 'no lock was needed');
});

test('an over-limit log DB is rotated before codex starts, keeping the newest rows; the archive is gzipped in the background', async (t) => {
  const w = world(t);
  const { maxId } = logCount(w.log);
  const r = runSync(w.shim, [], { env: w.env(), cwd: w.cwd });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(w.record), 'codex started');
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /logs_2\.sqlite/);
  const after = logCount(w.log);
  assert.equal(after.rows, 300);
  assert.equal(after.maxId, maxId, 'the newest row is kept');
  assert.ok(statSync(w.log).size < 1_000_000);
  // One archive (the background gzip may already be writing its .tgz.partial beside the folder).
  assert.deepEqual(
    new Set(archivesOf(w.codexHome).map((n) => n.replace(/\.tgz(\.partial)?$/, ''))).size,
    1,
    archivesOf(w.codexHome).join(', '),
  );
  // logs.compress (default true): a detached `codexguard maintain` gzips the archive, off the launch path.
  await waitFor(
    () => archivesOf(w.codexHome).some((n) => n.endsWith('.archive.tgz')),
    20_000,
    'the archive to be compressed',
  );
  await waitFor(() => archivesOf(w.codexHome).length === 1, 5_000, 'the uncompressed folder to go');
});

test('CODEXGUARD_DISABLE=1 and a nested codex (CODEX_THREAD_ID) start codex with no checks at all', (t) => {
  const w = world(t);
  const { rows } = logCount(w.log);
  for (const extra of [{ CODEXGUARD_DISABLE: '1' }, { CODEX_THREAD_ID: 't-1' }]) {
    const r = runSync(w.shim, ['x'], { env: w.env(extra), cwd: w.cwd });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(logCount(w.log).rows, rows, 'not rotated');
    assert.ok(!existsSync(join(w.codexHome, 'codexguard')), 'no registry, no lock');
  }
});

test('a big -wal beside a state DB is checkpointed, never moved without its main file', (t) => {
  const w = world(t, { wal: { maxSize: '100KB' } });
  const state = join(w.codexHome, 'state_5.sqlite');
  makeCodexDb(state, 'state_5.sqlite');
  leaveInWal(state, 2000, true);
  const wal = `${state}-wal`;
  assert.ok(statSync(wal).size > 100_000);
  const r = runSync(w.shim, [], { env: w.env(), cwd: w.cwd });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(wal) || statSync(wal).size === 0, 'the -wal was checkpointed and truncated');
  assert.ok(existsSync(state));
});

test('five shims started at once on an over-limit DB: exactly one rotates, all five start codex', async (t) => {
  const w = world(t);
  const runs = Array.from(
    { length: 5 },
    (_, i) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(w.shim, [], {
          env: w.env({ FAKE_CODEX_RECORD: join(w.root, `record-${i}.json`) }),
          cwd: w.cwd,
        });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stderr }));
      }),
  );
  const ends = await Promise.all(runs);
  assert.deepEqual(
    ends.map((e) => e.code),
    [0, 0, 0, 0, 0],
    ends.map((e) => e.stderr).join('\n'),
  );
  for (let i = 0; i < 5; i++) assert.ok(existsSync(join(w.root, `record-${i}.json`)), `shim ${i} started codex`);
  const rotated = ends.filter((e) => /logs_2\.sqlite/.test(e.stderr));
  assert.equal(rotated.length, 1, ends.map((e) => e.stderr).join('\n'));
  // One archive (a detached maintain may be gzipping it meanwhile: folder and .tgz side by side for a moment).
  await waitFor(() => archivesOf(w.codexHome).length === 1, 20_000, 'a single archive');
  assert.equal(logCount(w.log).rows, 300);
});

test('a malicious project .codexguardrc can neither run code nor point codex elsewhere', (t) => {
  const w = world(t, { logs: { maxSize: '1GB' } });
  const repo = join(w.root, 'cloned-repo');
  const marker = join(w.root, 'PWNED');
  mkdirSync(join(repo, '.config'), { recursive: true });
  const evil = join(repo, 'evil.sh');
  writeFileSync(evil, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
  const js = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); module.exports = {};`;
  for (const f of [
    '.codexguardrc.js',
    '.codexguardrc.cjs',
    'codexguard.config.js',
    '.config/config.js',
    '.config/codexguardrc.js',
  ])
    writeFileSync(join(repo, f), js);
  writeFileSync(
    join(repo, 'package.json'),
    JSON.stringify({ codexguard: { codexPath: evil }, cosmiconfig: { searchPlaces: ['evil.js'] } }),
  );
  writeFileSync(
    join(repo, '.codexguardrc'),
    JSON.stringify({
      codexPath: evil,
      crash: { dir: join(repo, 'crashes') },
      logs: { maxSize: '10GB', keepRows: 100 },
    }),
  );
  const r = runSync(w.shim, ['in-repo'], { env: w.env(), cwd: repo });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(marker), 'nothing from the repository ran');
  assert.deepEqual(readRecord(w.record).argv, ['in-repo'], 'the real codex ran');
  assert.match(r.stderr, /codexPath.*\[W_CONFIG\]/);
  assert.doesNotMatch(r.stderr, /E_UNEXPECTED/);
});

test('a config typo is one line, and codex still starts with the defaults for that key', (t) => {
  const w = world(t, { logs: { maxSize: 'lots' } });
  const r = runSync(w.shim, [], { env: w.env({ FAKE_CODEX_EXIT: '9' }), cwd: w.cwd });
  assert.equal(r.status, 9);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^codexguard: ~\/\.codexguardrc: logs\.maxSize: .*\[E_CONFIG\]$/m);
});

test('fail open: a garbage log DB over the limit and an unusable codexguard folder still start codex, with one line each', (t) => {
  const w = world(t);
  writeFileSync(w.log, Buffer.alloc(2_000_000, 7));
  writeFileSync(join(w.codexHome, 'codexguard'), 'not a folder');
  const r = runSync(w.shim, ['still'], { env: w.env({ FAKE_CODEX_EXIT: '4' }), cwd: w.cwd });
  assert.equal(r.status, 4, r.stderr);
  assert.deepEqual(readRecord(w.record).argv, ['still']);
  for (const line of r.stderr.trim().split('\n')) assert.match(line, /^codexguard: .*\[[EW]_[A-Z_]+\]$/);
  assert.doesNotMatch(r.stderr, /E_UNEXPECTED|at .*\.js:\d+/);
});

test("`codex -c sqlite_home=DIR`: the pre-flight checks DIR, where codex keeps its DBs then, and leaves CODEX_HOME's alone", async (t) => {
  const w = world(t);
  const other = codexHomeWithLogs(t, { rows: 3000, bodyBytes: 1500 });
  const args = ['-c', 'model="o3"', '-c', `sqlite_home=${JSON.stringify(other)}`, 'hi'];
  const r = runSync(w.shim, args, { env: w.env(), cwd: w.cwd });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readRecord(w.record).argv, args, 'codex got its arguments untouched');
  assert.match(r.stderr, /logs_2\.sqlite: kept 300 of 3000 rows/);
  assert.equal(new Set(archivesOf(other).map((n) => n.replace(/\.tgz(\.partial)?$/, ''))).size, 1, 'DIR was rotated');
  assert.deepEqual(archivesOf(w.codexHome), [], "CODEX_HOME's log DB was not touched");
  assert.equal(logCount(w.log).rows, 3000);
  // The background gzip is told where DIR is: it compresses that archive, not looking in CODEX_HOME.
  await waitFor(
    () => archivesOf(other).some((n) => n.endsWith('.archive.tgz')),
    20_000,
    'the archive in DIR to be compressed',
  );
});
