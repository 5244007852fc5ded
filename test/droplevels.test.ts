// logs.dropLevels: the trigger's SQL (pure), and apply/replace/remove on real log DBs built from Codex's real schema.
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { applyDropLevels, applyDropLevelsAll, dropLevelsStatus } from '../src/droplevels/apply.ts';
import { normalizeLevels, parseTriggerLevels, planDropLevels, TRIGGER_NAME, triggerSql } from '../src/droplevels/sql.ts';
import { codexHomeWithLogs, fillLogs, inspect, makeCodexDb } from './helpers/codex-home.ts';
import { tmp } from './helpers/index.ts';

test('normalizeLevels: upper-case, de-duplicated, TRACE..ERROR order; rejects what is not a level name', () => {
  assert.deepEqual(normalizeLevels(['info', 'TRACE', 'debug', 'trace']), ['TRACE', 'DEBUG', 'INFO']);
  assert.deepEqual(normalizeLevels([]), []);
  assert.throws(() => normalizeLevels(["TRACE') OR 1=1 --"]), /not a log level/);
  assert.throws(() => normalizeLevels(['']), /not a log level/);
});

test('triggerSql and parseTriggerLevels round-trip; a foreign trigger of our name parses as null', () => {
  const sql = triggerSql(['debug', 'TRACE']);
  assert.equal(sql, `CREATE TRIGGER ${TRIGGER_NAME} BEFORE INSERT ON logs WHEN NEW.level IN ('TRACE', 'DEBUG') BEGIN SELECT RAISE(IGNORE); END`);
  assert.deepEqual(parseTriggerLevels(sql), ['TRACE', 'DEBUG']);
  assert.equal(parseTriggerLevels(`CREATE TRIGGER ${TRIGGER_NAME} AFTER INSERT ON logs BEGIN DELETE FROM logs; END`), null);
  assert.throws(() => triggerSql([]), /no levels/);
});

test('planDropLevels: create, keep, replace, drop', () => {
  assert.equal(planDropLevels(undefined, []), 'none');
  assert.equal(planDropLevels(undefined, ['TRACE']), 'create');
  assert.equal(planDropLevels(['TRACE'], ['TRACE']), 'none');
  assert.equal(planDropLevels(['TRACE'], ['TRACE', 'DEBUG']), 'replace');
  assert.equal(planDropLevels(null, ['TRACE']), 'replace');
  assert.equal(planDropLevels(['TRACE'], []), 'drop');
  assert.equal(planDropLevels(null, []), 'drop');
});

/** Inserts one row per level in ONE multi-row INSERT, the way Codex batches them, and returns the levels stored. */
function insertBatch(path: string, levels: string[]): { stored: string[]; changes: number } {
  const db = new Database(path);
  try {
    const values = levels.map(() => "(?, 0, ?, 'codex_core::test', 'body', NULL, 'pid:1:uuid', NULL, NULL, NULL, 10)").join(', ');
    const before = db.prepare('SELECT coalesce(max(id), 0) FROM logs').pluck().get() as number;
    const info = db.transaction(() => {
      const run = db.prepare(`INSERT INTO logs (ts, ts_nanos, level, target, feedback_log_body, thread_id, process_uuid, module_path, file, line, estimated_bytes) VALUES ${values}`)
        .run(...levels.flatMap((level) => [1_790_000_000, level]));
      // Codex's prune runs in the same transaction right after the insert.
      db.prepare("DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE thread_id = 'nothing')").run();
      return run;
    })();
    return { stored: db.prepare('SELECT level FROM logs WHERE id > ? ORDER BY id').pluck().all(before) as string[], changes: info.changes };
  } finally {
    db.close();
  }
}

test('applied to a real log DB: TRACE rows of a multi-row insert are ignored, the rest of the batch is kept, no error', (t) => {
  const home = codexHomeWithLogs(t, { rows: 50 });
  const path = join(home, 'logs_2.sqlite');
  const result = applyDropLevels(path, ['TRACE']);
  assert.deepEqual([result.ok, result.changed, result.action, result.levels], [true, true, 'create', ['TRACE']], result.message);
  assert.deepEqual(dropLevelsStatus(path), { installed: true, levels: ['TRACE'] });
  const batch = insertBatch(path, ['INFO', 'TRACE', 'DEBUG', 'TRACE', 'WARN', 'ERROR']);
  assert.deepEqual(batch.stored, ['INFO', 'DEBUG', 'WARN', 'ERROR']);
  assert.equal(batch.changes, 4);
  assert.equal(inspect(path).integrity, 'ok');
  assert.equal(inspect(path).journalMode, 'wal', 'still WAL, as Codex made it');
});

test('apply again with the same levels writes nothing; new levels replace the trigger; [] removes it', (t) => {
  const home = codexHomeWithLogs(t);
  const path = join(home, 'logs_2.sqlite');
  assert.equal(applyDropLevels(path, ['TRACE']).changed, true);
  const schemaBefore = inspect(path).schema;
  const again = applyDropLevels(path, ['trace']);
  assert.deepEqual([again.ok, again.changed, again.action], [true, false, 'none']);
  assert.deepEqual(inspect(path).schema, schemaBefore);

  const replaced = applyDropLevels(path, ['DEBUG', 'TRACE']);
  assert.deepEqual([replaced.changed, replaced.action, replaced.levels], [true, 'replace', ['TRACE', 'DEBUG']]);
  assert.deepEqual(insertBatch(path, ['TRACE', 'DEBUG', 'INFO']).stored, ['INFO']);
  const triggers = (inspect(path).schema as Array<{ type: string }>).filter((o) => o.type === 'trigger');
  assert.equal(triggers.length, 1, 'one trigger, never two');

  const removed = applyDropLevels(path, []);
  assert.deepEqual([removed.ok, removed.changed, removed.action, removed.levels], [true, true, 'drop', []]);
  assert.deepEqual(dropLevelsStatus(path), { installed: false, levels: [] });
  assert.deepEqual(insertBatch(path, ['TRACE', 'INFO']).stored, ['TRACE', 'INFO']);
  assert.equal(applyDropLevels(path, []).changed, false, 'nothing to remove twice');
});

test('a foreign trigger under our name is reported and replaced', (t) => {
  const home = codexHomeWithLogs(t);
  const path = join(home, 'logs_2.sqlite');
  const db = new Database(path);
  db.exec(`CREATE TRIGGER ${TRIGGER_NAME} BEFORE INSERT ON logs BEGIN SELECT RAISE(IGNORE); END`);
  db.close();
  const status = dropLevelsStatus(path);
  assert.equal(status.installed, true);
  assert.match(status.error ?? '', /not the trigger codexguard writes/);
  assert.equal(applyDropLevels(path, ['TRACE']).action, 'replace');
  assert.deepEqual(insertBatch(path, ['TRACE', 'INFO']).stored, ['INFO']);
});

test('a missing DB is left alone (never created); a state DB or a non-SQLite file is refused with one line', (t) => {
  const dir = tmp(t);
  const missing = join(dir, 'logs_2.sqlite');
  const result = applyDropLevels(missing, ['TRACE']);
  assert.deepEqual([result.ok, result.changed], [true, false]);
  assert.equal(existsSync(missing), false);

  const state = join(dir, 'state_5.sqlite');
  makeCodexDb(state, 'state_5.sqlite');
  const refused = applyDropLevels(state, ['TRACE']);
  assert.deepEqual([refused.ok, refused.code], [false, 'E_NOT_LOG_DB']);

  const junk = join(dir, 'logs_3.sqlite');
  writeFileSync(junk, 'not a database at all, just text that is long enough to have a header'.repeat(100));
  const bad = applyDropLevels(junk, ['TRACE']);
  assert.deepEqual([bad.ok, bad.code], [false, 'E_NOT_SQLITE']);
  assert.doesNotMatch(bad.message, /\n/);
  assert.equal(statSync(junk).size, 6900, 'untouched');
  assert.equal(applyDropLevels(join(dir, 'logs_2.sqlite'), ['NOPE!']).code, 'E_BAD_LEVEL');
});

test('a DB another connection is writing to: busy is reported, not waited on for long', (t) => {
  const home = codexHomeWithLogs(t);
  const path = join(home, 'logs_2.sqlite');
  const writer = new Database(path);
  t.after(() => writer.close());
  writer.exec('BEGIN IMMEDIATE');
  const started = Date.now();
  const result = applyDropLevels(path, ['TRACE'], { busyTimeoutMs: 100 });
  assert.deepEqual([result.ok, result.code, result.changed], [false, 'E_BUSY', false]);
  assert.ok(Date.now() - started < 3_000);
  writer.exec('ROLLBACK');
  assert.equal(applyDropLevels(path, ['TRACE']).changed, true);
});

test('applyDropLevelsAll: every logs_N.sqlite of a home, never a state DB', (t) => {
  const home = codexHomeWithLogs(t, { rows: 10 });
  makeCodexDb(join(home, 'logs_3.sqlite'));
  fillLogs(join(home, 'logs_3.sqlite'), { rows: 10 });
  makeCodexDb(join(home, 'state_5.sqlite'), 'state_5.sqlite');
  const results = applyDropLevelsAll(home, ['TRACE']);
  assert.deepEqual(results.map((r) => [r.ok, r.changed]), [[true, true], [true, true]]);
  assert.deepEqual(results.map((r) => r.message.split(':')[0]).sort(), ['logs_2.sqlite', 'logs_3.sqlite']);
  assert.equal((inspect(join(home, 'state_5.sqlite')).schema as Array<{ name: string }>).some((o) => o.name === TRIGGER_NAME), false);
  assert.deepEqual(applyDropLevelsAll(home, []).map((r) => [r.ok, r.action]), [[true, 'drop'], [true, 'drop']]);
});

test('the exclusive rotation copy carries the trigger over, after the kept rows (TRACE rows survive the copy)', async (t) => {
  const { rotateLogDb } = await import('../src/rotate/rotate.ts');
  const home = codexHomeWithLogs(t);
  const path = join(home, 'logs_2.sqlite');
  const now = Math.floor(Date.now() / 1000);
  const db = new Database(path);
  db.prepare("INSERT INTO logs (ts, ts_nanos, level, target, estimated_bytes) VALUES (?, 0, 'TRACE', 't', 1), (?, 1, 'INFO', 't', 1)").run(now - 10, now - 10);
  db.close();
  applyDropLevels(path, ['TRACE']);
  const result = await rotateLogDb(home, 'logs_2.sqlite', { keepRows: 100, keepDays: 14, archives: 1, now });
  assert.equal(result.code, 'OK', result.message);
  assert.equal(result.strategy, 'exclusive');
  const rotated = new Database(path, { readonly: true });
  assert.deepEqual(rotated.prepare('SELECT level FROM logs ORDER BY id').pluck().all(), ['TRACE', 'INFO'], 'rows already stored are kept as they were');
  rotated.close();
  assert.deepEqual(dropLevelsStatus(path), { installed: true, levels: ['TRACE'] });
});
