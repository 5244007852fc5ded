// Against the real pinned codex: a rotated log DB is accepted (no migration, no error, still logging); a live app-server gets shared mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rotateLogDb } from '../src/rotate/rotate.ts';
import { openers } from '../src/codex/holders.ts';
import { waitFor } from './helpers/index.ts';
import {
  appServer,
  codexDoctor,
  fillLogs,
  goldenHome,
  inspect,
  leaveInWal,
  logCount,
  runCodexUntil,
} from './helpers/codex-home.ts';

const NOW = Math.floor(Date.now() / 1000);
const NAME = 'logs_2.sqlite';
const DB_TROUBLE = /sqlite|database|migrat|malformed|corrupt/i;

test('after an exclusive rotation the real codex opens the log DB without migrating, reports no error, and keeps logging', async (t) => {
  const home = await goldenHome(t);
  const path = join(home, NAME);
  const golden = inspect(path);
  assert.equal(golden.migrations.length, 2, 'the golden home carries the real _sqlx_migrations rows');
  fillLogs(path, { rows: 3000, now: NOW - 60, spreadSeconds: 30 * 86_400, bodyBytes: 800 });
  leaveInWal(path, 200);
  const before = inspect(path);

  const result = await rotateLogDb(home, NAME, { keepRows: 1000, keepDays: 14, now: NOW, archives: 3 });
  assert.equal(result.code, 'OK', result.message);
  assert.equal(result.strategy, 'exclusive');
  const rotated = inspect(path);
  assert.deepEqual(
    rotated.migrations,
    golden.migrations,
    'checksums, versions, timestamps exactly as the real codex wrote them',
  );
  assert.deepEqual(rotated.schema, before.schema);
  assert.deepEqual(rotated.sequence, before.sequence);
  assert.deepEqual([rotated.journalMode, rotated.autoVacuum, rotated.pageSize], ['wal', 2, 4096]);
  const seq = (rotated.sequence as Array<{ name: string; seq: number }>).find((s) => s.name === 'logs')!.seq;

  const output = await runCodexUntil(home, () => false, 12_000);
  assert.deepEqual(
    output.split('\n').filter((line) => DB_TROUBLE.test(line)),
    [],
    'codex exec says nothing about its databases',
  );
  const doctor = codexDoctor(home) as { checks: Record<string, { details: Record<string, string> }> };
  assert.equal(doctor.checks['state.paths']!.details['log DB integrity'], 'ok');
  assert.deepEqual(inspect(path).migrations, golden.migrations, 'codex did not re-run or rewrite a migration');

  // A log DB Codex has "silently disabled" (bad migration checksum) takes no more rows: make it log and look.
  const server = await appServer(t, home);
  await server.startThread();
  await waitFor(() => logCount(path).maxId > seq || undefined, 20_000, 'new log rows from codex');
  assert.equal(await server.close(), 0);
  assert.deepEqual(
    server.stderr.split('\n').filter((line) => DB_TROUBLE.test(line)),
    [],
  );
  assert.equal(inspect(path).integrity, 'ok');
});

test('the real codex app-server holding the DBs gets shared mode, and goes on working and logging', async (t) => {
  const home = await goldenHome(t);
  const path = join(home, NAME);
  fillLogs(path, { rows: 3000, now: NOW - 60, spreadSeconds: 9 * 86_400, bodyBytes: 800 });
  const server = await appServer(t, home);
  await server.startThread();
  const users = await waitForOpeners([path, `${path}-wal`, `${path}-shm`], server.pid);
  assert.ok(users.includes(server.pid), 'the app-server has the log DB open');
  const startRows = logCount(path);

  const result = await rotateLogDb(home, NAME, {
    keepRows: 1000,
    keepDays: 14,
    now: NOW,
    archives: 3,
    prune: { batchRows: 400 },
  });
  assert.equal(result.code, 'OK', result.message);
  assert.equal(result.strategy, 'shared');
  assert.match(result.reason!, new RegExp(`pid ${server.pid}`));
  assert.ok(result.removedRows! >= 1000, `removed ${result.removedRows}`);
  const afterRotation = logCount(path);
  assert.ok(afterRotation.rows < startRows.rows);

  const again = await server.startThread();
  assert.equal(again.error, undefined, 'the app-server still answers');
  await waitFor(
    () => logCount(path).maxId > afterRotation.maxId || undefined,
    20_000,
    'codex still logging after the prune',
  );
  assert.equal(await server.close(), 0);
  assert.deepEqual(
    server.stderr.split('\n').filter((line) => DB_TROUBLE.test(line)),
    [],
  );
  assert.equal(inspect(path).integrity, 'ok');
});

async function waitForOpeners(paths: string[], pid: number): Promise<number[]> {
  const end = Date.now() + 15_000;
  for (;;) {
    const found = await openers(paths);
    if (found.includes(pid) || Date.now() > end) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}
