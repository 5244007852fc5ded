// `codexguard status`: sizes against limits, what is due, live sessions, archives and config sources, without opening a DB.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { codexHomeWithLogs, makeCodexDb } from './helpers/codex-home.ts';
import { CLI, cleanEnv, fakeCodex, linkShim, NODE_BIN_DIR, runSync, tmp, waitFor } from './helpers/index.ts';
import type { StatusJson } from '../src/status/gather.ts';

test('status shows each DB against its limit, what is due, a live session and the config file', async (t) => {
  const root = tmp(t);
  const home = join(root, 'user');
  mkdirSync(home);
  writeFileSync(join(home, '.codexguardrc'), 'logs:\n  maxSize: 1MB\n');
  const codexHome = codexHomeWithLogs(t, { rows: 2000, bodyBytes: 1500 });
  makeCodexDb(join(codexHome, 'state_5.sqlite'), 'state_5.sqlite');
  const env = cleanEnv({ HOME: home, CODEX_HOME: codexHome });
  const logMtime = statSync(join(codexHome, 'logs_2.sqlite')).mtimeMs;

  // A live session: the shim running a fake codex that waits.
  const shimDir = join(root, 'shim');
  const shim = linkShim(shimDir);
  fakeCodex(join(root, 'real'));
  const ready = join(root, 'ready');
  const running = spawn(shim, [], {
    env: {
      ...env,
      HOME: join(root, 'other'),
      PATH: [shimDir, join(root, 'real'), NODE_BIN_DIR].join(':'),
      FAKE_CODEX_READY: ready,
      FAKE_CODEX_SLEEP_MS: '30000',
      FAKE_CODEX_TRAP: 'SIGTERM',
    },
    stdio: 'ignore',
  });
  t.after(() => void running.kill('SIGKILL'));
  await waitFor(() => existsSync(ready), 15_000, 'the session to start');

  const r = runSync(process.execPath, [CLI, 'status', '--json'], { env, cwd: home });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as StatusJson;
  assert.equal(s.version, 1);
  assert.equal(s.sqliteHome.dir, codexHome);
  assert.equal(s.limits.logMaxBytes, 1_000_000);
  const log = s.dbs.find((d) => d.name === 'logs_2.sqlite')!;
  assert.equal(log.kind, 'log');
  assert.equal(log.due, 'rotate');
  assert.equal(s.dbs.find((d) => d.name === 'state_5.sqlite')?.due, null);
  assert.deepEqual(
    s.due.map((d) => d.action),
    ['rotate'],
  );
  assert.equal(s.sessions?.length, 1);
  assert.equal(s.sessions?.[0]?.pid, running.pid);
  assert.equal(s.config.sources['logs.maxSize'], join(home, '.codexguardrc'));
  assert.equal(statSync(join(codexHome, 'logs_2.sqlite')).mtimeMs, logMtime, 'status changes nothing');

  const human = runSync(process.execPath, [CLI, 'status'], { env, cwd: home });
  assert.equal(human.status, 0);
  // Sizes in one human form (bytes only in --json): "4.5 MB", "294.9 kB", "0 B", never "4521984B".
  assert.match(
    human.stdout,
    /logs_2\.sqlite\s+log\s+[\d.]+ MB\s+[\d.]+ MB\s+0 B\s+0 B\s+1\.0 MB \(WAL 32\.0 MB\)\s+due: rotate/,
  );
  assert.doesNotMatch(human.stdout, /\d{4,}B\b/);
  assert.match(human.stdout, new RegExp(`live sessions: pid ${running.pid} \\(codex \\d+\\)`));
  assert.match(human.stdout, /config: ~\/\.codexguardrc \(user\)/);
});

test("true sizes: each DB split into live data and free pages (read-only), the log DB against Codex's own 64 MiB budget", (t) => {
  const root = tmp(t);
  const codexHome = codexHomeWithLogs(t, { rows: 4000, bodyBytes: 1500 });
  const path = join(codexHome, 'logs_2.sqlite');
  // Codex's prune: rows deleted, the file keeps its size (auto_vacuum=INCREMENTAL leaves the pages free).
  const db = new Database(path);
  db.prepare('DELETE FROM logs WHERE id % 4 != 0').run();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const size = statSync(path).size;
  const mtime = statSync(path).mtimeMs;
  const env = cleanEnv({ HOME: root, CODEX_HOME: codexHome });
  const r = runSync(process.execPath, [CLI, 'status', '--json'], { env, cwd: root });
  assert.equal(r.status, 0, r.stderr);
  const log = (JSON.parse(r.stdout) as StatusJson).dbs.find((d) => d.name === 'logs_2.sqlite')!;
  assert.equal(log.live! + log.free!, size, 'every page of the file is live or free');
  assert.ok(log.free! > size / 2, `most of the file is free pages: ${log.free} of ${size}`);
  assert.equal(log.codexBudget, 64 * 1024 * 1024);
  assert.equal(statSync(path).mtimeMs, mtime, 'read-only: the file is untouched');
  assert.deepEqual(
    [existsSync(`${path}-wal`), existsSync(`${path}-shm`)],
    [false, false],
    'no -wal or -shm made by reading it',
  );
  // With the -wal and -shm Codex leaves beside it, SQLite reads it (the WAL's pages counted): the same split.
  const writer = new Database(path);
  writer.pragma('journal_mode = WAL');
  const holder = new Database(path);
  holder.prepare('SELECT 1').get();
  t.after(() => holder.close());
  writer.close();
  const again = (
    JSON.parse(runSync(process.execPath, [CLI, 'status', '--json'], { env, cwd: root }).stdout) as StatusJson
  ).dbs.find((d) => d.name === 'logs_2.sqlite')!;
  assert.deepEqual([again.live, again.free], [log.live, log.free]);
  const human = runSync(process.execPath, [CLI, 'status'], { env, cwd: root }).stdout;
  assert.match(
    human,
    /^logs_2\.sqlite: live data [\d.]+ [kM]B is within Codex's own budget of 67\.1 MB \(64 MiB\); Codex's prune never gives back the [\d.]+ MB of free pages or the WAL$/m,
  );
  const doctor = runSync(process.execPath, [CLI, 'doctor'], { env, cwd: root }).stdout;
  assert.match(doctor, /db:logs_2\.sqlite +log DB, [\d.]+ MB \(live [\d.]+ [kM]B, free [\d.]+ MB\) \+ WAL/);
});
