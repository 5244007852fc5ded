// `codexguard top`: what fills the log DB, on a DB with Codex's real schema and rows from several targets and levels.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { biggest } from '../src/insight/log-queries.ts';
import { logTop } from '../src/insight/top.ts';
import { codexHomeWithLogs } from './helpers/codex-home.ts';
import { CLI, cleanEnv, runSync, tmp } from './helpers/index.ts';

/** Rows as Codex's tracing layer writes them: `n` rows of `bytes` each for `target` at `level`, `hoursAgo` back. */
function write(path: string, target: string, level: string, n: number, bytes: number, hoursAgo = 0): void {
  const db = new Database(path);
  const insert = db.prepare(
    "INSERT INTO logs (ts, ts_nanos, level, target, feedback_log_body, process_uuid, estimated_bytes) VALUES (?, 0, ?, ?, 'x', 'pid:1:u', ?)",
  );
  const ts = Math.floor(Date.now() / 1000) - hoursAgo * 3600;
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(ts, level, target, bytes);
  })();
  db.close();
}

test('biggest: groups summed by name, most bytes first, then most rows', () => {
  assert.deepEqual(
    biggest(
      [
        { name: 'a', rows: 1, bytes: 10 },
        { name: 'b', rows: 5, bytes: 10 },
        { name: 'a', rows: 1, bytes: 5 },
        { name: 'c', rows: 1, bytes: 1 },
      ],
      2,
    ),
    [
      { name: 'a', rows: 2, bytes: 15 },
      { name: 'b', rows: 5, bytes: 10 },
    ],
  );
});

test('top: the noisiest targets and levels by rows and bytes, the newest rows only when asked, rows per hour; --json the same', (t) => {
  const home = codexHomeWithLogs(t);
  const path = join(home, 'logs_2.sqlite');
  write(path, 'codex_otel::trace', 'TRACE', 600, 900, 30);
  write(path, 'codex_core::session', 'INFO', 300, 200, 2);
  write(path, 'rmcp::service', 'DEBUG', 100, 50);
  const all = logTop(path);
  assert.equal(all.rows, 1000);
  assert.equal(all.sampled, 1000);
  assert.deepEqual(
    all.targets.map((g) => [g.name, g.rows, g.bytes]),
    [
      ['codex_otel::trace', 600, 540_000],
      ['codex_core::session', 300, 60_000],
      ['rmcp::service', 100, 5_000],
    ],
  );
  assert.deepEqual(
    all.levels.map((g) => g.name),
    ['TRACE', 'INFO', 'DEBUG'],
  );
  assert.deepEqual(
    all.hours.map((h) => h.rows),
    [600, 300, 100],
  );
  // The newest 400 rows: the TRACE burst of 30 h ago is older than them.
  const newest = logTop(path, { sampleRows: 400 });
  assert.deepEqual(
    newest.targets.map((g) => g.name),
    ['codex_core::session', 'rmcp::service'],
  );
  assert.equal(newest.sampled, 400);

  const env = cleanEnv({ HOME: tmp(t), CODEX_HOME: home });
  const json = runSync(process.execPath, [CLI, 'top', '--json'], { env });
  assert.equal(json.status, 0, json.stderr);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.version, 1);
  assert.deepEqual(parsed.dbs[0].targets, all.targets);
  const human = runSync(process.execPath, [CLI, 'top'], { env });
  assert.match(human.stdout, /^logs_2\.sqlite: 1,000 rows; targets and levels from the newest 1,000$/m);
  assert.match(human.stdout, /^codex_otel::trace\s+600\s+60%\s+540\.0 kB$/m);
  assert.equal(runSync(process.execPath, [CLI, 'top', '--rows', 'lots'], { env }).status, 2);
});
