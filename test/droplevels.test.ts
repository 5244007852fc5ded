// logs.dropLevels: the trigger's SQL (pure), and apply/replace/remove on real log DBs built from Codex's real schema.
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { applyDropLevels, applyDropLevelsAll, dropLevelsStatus } from '../src/droplevels/apply.ts';
import { keeps, parseFilter, type Directive } from '../src/droplevels/filter.ts';
import {
  normalizeLevels,
  parseTrigger,
  planDropLevels,
  ruleOf,
  TRIGGER_NAME,
  triggerSql,
} from '../src/droplevels/sql.ts';
import { codexHomeWithLogs, fillLogs, inspect, makeCodexDb } from './helpers/codex-home.ts';
import { tmp } from './helpers/index.ts';

test('normalizeLevels: upper-case, de-duplicated, TRACE..ERROR order; rejects what is not a level name', () => {
  assert.deepEqual(normalizeLevels(['info', 'TRACE', 'debug', 'trace']), ['TRACE', 'DEBUG', 'INFO']);
  assert.deepEqual(normalizeLevels([]), []);
  assert.throws(() => normalizeLevels(["TRACE') OR 1=1 --"]), /not a log level/);
  assert.throws(() => normalizeLevels(['']), /not a log level/);
});

test('triggerSql and parseTrigger round-trip; a foreign or edited trigger of our name parses as null', () => {
  const sql = triggerSql(ruleOf(['debug', 'TRACE']));
  assert.equal(
    sql,
    `CREATE TRIGGER ${TRIGGER_NAME} BEFORE INSERT ON logs WHEN NEW.level IN ('TRACE', 'DEBUG') BEGIN SELECT RAISE(IGNORE); END`,
  );
  assert.deepEqual(parseTrigger(sql), { levels: ['TRACE', 'DEBUG'], filter: null });
  const both = triggerSql(ruleOf(['TRACE'], 'info,codex_otel=off'));
  assert.deepEqual(parseTrigger(both), { levels: ['TRACE'], filter: 'info,codex_otel=off' });
  assert.deepEqual(parseTrigger(triggerSql(ruleOf([], 'warn'))), { levels: [], filter: 'warn' });
  assert.equal(
    parseTrigger(both.replace('THEN 0', 'THEN 5')),
    null,
    'the comment no longer says what the condition does',
  );
  assert.equal(parseTrigger(`CREATE TRIGGER ${TRIGGER_NAME} AFTER INSERT ON logs BEGIN DELETE FROM logs; END`), null);
  assert.throws(() => triggerSql(ruleOf([])), /no levels/);
});

test('planDropLevels: create, keep, replace, drop', () => {
  const r = (levels: string[], filter: string | null = null) => ({ levels, filter });
  assert.equal(planDropLevels(undefined, r([])), 'none');
  assert.equal(planDropLevels(undefined, r(['TRACE'])), 'create');
  assert.equal(planDropLevels(r(['TRACE']), r(['TRACE'])), 'none');
  assert.equal(planDropLevels(r(['TRACE']), r(['TRACE', 'DEBUG'])), 'replace');
  assert.equal(planDropLevels(r(['TRACE']), r(['TRACE'], 'info')), 'replace');
  assert.equal(planDropLevels(r([], 'info'), r([], 'info')), 'none');
  assert.equal(planDropLevels(null, r(['TRACE'])), 'replace');
  assert.equal(planDropLevels(r(['TRACE']), r([])), 'drop');
  assert.equal(planDropLevels(null, r([])), 'drop');
});

/** Inserts one row per level in ONE multi-row INSERT, the way Codex batches them, and returns the levels stored. */
function insertBatch(path: string, levels: string[]): { stored: string[]; changes: number } {
  const db = new Database(path);
  try {
    const values = levels
      .map(() => "(?, 0, ?, 'codex_core::test', 'body', NULL, 'pid:1:uuid', NULL, NULL, NULL, 10)")
      .join(', ');
    const before = db.prepare('SELECT coalesce(max(id), 0) FROM logs').pluck().get() as number;
    const info = db.transaction(() => {
      const run = db
        .prepare(
          `INSERT INTO logs (ts, ts_nanos, level, target, feedback_log_body, thread_id, process_uuid, module_path, file, line, estimated_bytes) VALUES ${values}`,
        )
        .run(...levels.flatMap((level) => [1_790_000_000, level]));
      // Codex's prune runs in the same transaction right after the insert.
      db.prepare("DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE thread_id = 'nothing')").run();
      return run;
    })();
    return {
      stored: db.prepare('SELECT level FROM logs WHERE id > ? ORDER BY id').pluck().all(before) as string[],
      changes: info.changes,
    };
  } finally {
    db.close();
  }
}

test('applied to a real log DB: TRACE rows of a multi-row insert are ignored, the rest of the batch is kept, no error', (t) => {
  const home = codexHomeWithLogs(t, { rows: 50 });
  const path = join(home, 'logs_2.sqlite');
  const result = applyDropLevels(path, { levels: ['TRACE'] });
  assert.deepEqual(
    [result.ok, result.changed, result.action, result.rule.levels],
    [true, true, 'create', ['TRACE']],
    result.message,
  );
  assert.deepEqual(dropLevelsStatus(path), { installed: true, rule: { levels: ['TRACE'], filter: null } });
  const batch = insertBatch(path, ['INFO', 'TRACE', 'DEBUG', 'TRACE', 'WARN', 'ERROR']);
  assert.deepEqual(batch.stored, ['INFO', 'DEBUG', 'WARN', 'ERROR']);
  assert.equal(batch.changes, 4);
  assert.equal(inspect(path).integrity, 'ok');
  assert.equal(inspect(path).journalMode, 'wal', 'still WAL, as Codex made it');
});

test('apply again with the same levels writes nothing; new levels replace the trigger; [] removes it', (t) => {
  const home = codexHomeWithLogs(t);
  const path = join(home, 'logs_2.sqlite');
  assert.equal(applyDropLevels(path, { levels: ['TRACE'] }).changed, true);
  const schemaBefore = inspect(path).schema;
  const again = applyDropLevels(path, { levels: ['trace'] });
  assert.deepEqual([again.ok, again.changed, again.action], [true, false, 'none']);
  assert.deepEqual(inspect(path).schema, schemaBefore);

  const replaced = applyDropLevels(path, { levels: ['DEBUG', 'TRACE'] });
  assert.deepEqual([replaced.changed, replaced.action, replaced.rule.levels], [true, 'replace', ['TRACE', 'DEBUG']]);
  assert.deepEqual(insertBatch(path, ['TRACE', 'DEBUG', 'INFO']).stored, ['INFO']);
  const triggers = (inspect(path).schema as Array<{ type: string }>).filter((o) => o.type === 'trigger');
  assert.equal(triggers.length, 1, 'one trigger, never two');

  const removed = applyDropLevels(path, { levels: [] });
  assert.deepEqual([removed.ok, removed.changed, removed.action, removed.rule.levels], [true, true, 'drop', []]);
  assert.deepEqual(dropLevelsStatus(path), { installed: false, rule: { levels: [], filter: null } });
  assert.deepEqual(insertBatch(path, ['TRACE', 'INFO']).stored, ['TRACE', 'INFO']);
  assert.equal(applyDropLevels(path, { levels: [] }).changed, false, 'nothing to remove twice');
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
  assert.equal(applyDropLevels(path, { levels: ['TRACE'] }).action, 'replace');
  assert.deepEqual(insertBatch(path, ['TRACE', 'INFO']).stored, ['INFO']);
});

test('a missing DB is left alone (never created); a state DB or a non-SQLite file is refused with one line', (t) => {
  const dir = tmp(t);
  const missing = join(dir, 'logs_2.sqlite');
  const result = applyDropLevels(missing, { levels: ['TRACE'] });
  assert.deepEqual([result.ok, result.changed], [true, false]);
  assert.equal(existsSync(missing), false);

  const state = join(dir, 'state_5.sqlite');
  makeCodexDb(state, 'state_5.sqlite');
  const refused = applyDropLevels(state, { levels: ['TRACE'] });
  assert.deepEqual([refused.ok, refused.code], [false, 'E_NOT_LOG_DB']);

  const junk = join(dir, 'logs_3.sqlite');
  writeFileSync(junk, 'not a database at all, just text that is long enough to have a header'.repeat(100));
  const bad = applyDropLevels(junk, { levels: ['TRACE'] });
  assert.deepEqual([bad.ok, bad.code], [false, 'E_NOT_SQLITE']);
  assert.doesNotMatch(bad.message, /\n/);
  assert.equal(statSync(junk).size, 6900, 'untouched');
  assert.equal(applyDropLevels(join(dir, 'logs_2.sqlite'), { levels: ['NOPE!'] }).code, 'E_BAD_LEVEL');
});

test('a DB another connection is writing to: busy is reported, not waited on for long', (t) => {
  const home = codexHomeWithLogs(t);
  const path = join(home, 'logs_2.sqlite');
  const writer = new Database(path);
  t.after(() => writer.close());
  writer.exec('BEGIN IMMEDIATE');
  const started = Date.now();
  const result = applyDropLevels(path, { levels: ['TRACE'] }, { busyTimeoutMs: 100 });
  assert.deepEqual([result.ok, result.code, result.changed], [false, 'E_BUSY', false]);
  assert.ok(Date.now() - started < 3_000);
  writer.exec('ROLLBACK');
  assert.equal(applyDropLevels(path, { levels: ['TRACE'] }).changed, true);
});

test('applyDropLevelsAll: every logs_N.sqlite of a home, never a state DB', (t) => {
  const home = codexHomeWithLogs(t, { rows: 10 });
  makeCodexDb(join(home, 'logs_3.sqlite'));
  fillLogs(join(home, 'logs_3.sqlite'), { rows: 10 });
  makeCodexDb(join(home, 'state_5.sqlite'), 'state_5.sqlite');
  const results = applyDropLevelsAll(home, { levels: ['TRACE'] });
  assert.deepEqual(
    results.map((r) => [r.ok, r.changed]),
    [
      [true, true],
      [true, true],
    ],
  );
  assert.deepEqual(results.map((r) => r.message.split(':')[0]).sort(), ['logs_2.sqlite', 'logs_3.sqlite']);
  assert.equal(
    (inspect(join(home, 'state_5.sqlite')).schema as Array<{ name: string }>).some((o) => o.name === TRIGGER_NAME),
    false,
  );
  assert.deepEqual(
    applyDropLevelsAll(home, { levels: [] }).map((r) => [r.ok, r.action]),
    [
      [true, 'drop'],
      [true, 'drop'],
    ],
  );
});

test('the exclusive rotation copy carries the trigger over, after the kept rows (TRACE rows survive the copy)', async (t) => {
  const { rotateLogDb } = await import('../src/rotate/rotate.ts');
  const home = codexHomeWithLogs(t);
  const path = join(home, 'logs_2.sqlite');
  const now = Math.floor(Date.now() / 1000);
  const db = new Database(path);
  db.prepare(
    "INSERT INTO logs (ts, ts_nanos, level, target, estimated_bytes) VALUES (?, 0, 'TRACE', 't', 1), (?, 1, 'INFO', 't', 1)",
  ).run(now - 10, now - 10);
  db.close();
  applyDropLevels(path, { levels: ['TRACE'] });
  const result = await rotateLogDb(home, 'logs_2.sqlite', { keepRows: 100, keepDays: 14, archives: 1, now });
  assert.equal(result.code, 'OK', result.message);
  assert.equal(result.strategy, 'exclusive');
  const rotated = new Database(path, { readonly: true });
  assert.deepEqual(
    rotated.prepare('SELECT level FROM logs ORDER BY id').pluck().all(),
    ['TRACE', 'INFO'],
    'rows already stored are kept as they were',
  );
  rotated.close();
  assert.deepEqual(dropLevelsStatus(path), { installed: true, rule: { levels: ['TRACE'], filter: null } });
});

test('parseFilter: EnvFilter directive syntax, canonical text, one reason for what it refuses', () => {
  const ok = (text: string) => {
    const parsed = parseFilter(text);
    assert.ok(parsed.ok, text);
    return parsed;
  };
  assert.equal(
    ok(' INFO, codex_core::session=Debug ,codex_otel=off,').text,
    'info,codex_core::session=debug,codex_otel=off',
  );
  assert.deepEqual(ok('warn').directives, [{ target: undefined, level: 'WARN' }]);
  assert.deepEqual(
    ok('codex_tui').directives,
    [{ target: 'codex_tui', level: 'TRACE' }],
    'a target alone keeps every level of it',
  );
  assert.equal(ok('h2=4,3,hyper=0').text, 'h2=debug,info,hyper=off', 'levels as numbers, 0 to 5');
  assert.equal(ok('a=debug,info,a=warn').text, 'info,a=warn', 'the last directive for a target wins');
  for (const [bad, reason] of [
    ['', /no directives/],
    [' , ', /no directives/],
    ['codex_core=verbose', /"verbose" is not a level/],
    ['codex_core[turn]=debug', /span and field filters/],
    ['codex_core{id=1}=debug', /span and field filters/],
    ["codex'; DROP TABLE logs; --=off", /is not a target/],
    ['a b=info', /is not a target/],
    ['*/=off', /is not a target/],
  ] as const) {
    const parsed = parseFilter(bad);
    assert.equal(parsed.ok, false, bad);
    if (!parsed.ok) assert.match(parsed.reason, reason);
  }
});

test('keeps: the longest matching target decides, a plain string prefix; no default keeps nothing else; unknown levels are kept', () => {
  const { directives } = parseFilter('info,codex_core=debug,codex_core::session=trace,codex_otel=off,h2') as {
    directives: Directive[];
  };
  const table: Array<[string, string, boolean]> = [
    ['codex_core::session::x', 'TRACE', true],
    ['codex_core::turn', 'TRACE', false],
    ['codex_core::turn', 'DEBUG', true],
    ['codex_corex', 'DEBUG', true], // EnvFilter matches by string prefix, not by module path
    ['codex_otel::log', 'ERROR', false],
    ['h2::proto', 'TRACE', true],
    ['rmcp', 'DEBUG', false],
    ['rmcp', 'INFO', true],
    ['rmcp', 'NOTICE', true],
  ];
  for (const [target, level, kept] of table) assert.equal(keeps(directives, target, level), kept, `${target} ${level}`);
  const noDefault = (parseFilter('codex_core=info') as { directives: Directive[] }).directives;
  assert.equal(
    keeps(noDefault, 'rmcp', 'ERROR'),
    false,
    'as in EnvFilter: a target no directive names is off without a default',
  );
  assert.equal(keeps(noDefault, 'codex_core::x', 'WARN'), true);
});

test('the compiled filter, in a real log DB, keeps exactly the rows keeps() keeps (targets with _ % and prefixes of each other)', (t) => {
  const home = codexHomeWithLogs(t, { rows: 5 });
  const path = join(home, 'logs_2.sqlite');
  const filters = [
    'info,codex_core=debug,codex_core::session=trace,codex_otel=off',
    'codex_a_b=warn,codex_a=trace',
    'off,h2=error',
    'debug',
  ];
  const targets = [
    'codex_core',
    'codex_core::session',
    'codex_core::sessions',
    'codex_corex',
    'codexXcore',
    'codex_otel',
    'codex_a_b',
    'codex_aXb',
    'codex_a',
    'h2',
    'h',
    'rmcp',
    '%',
    '',
  ];
  const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'trace', 'NOTICE'];
  for (const filter of filters) {
    const applied = applyDropLevels(path, { levels: [], filter });
    assert.equal(applied.ok, true, applied.message);
    const { directives } = parseFilter(filter) as { directives: Directive[] };
    const db = new Database(path);
    const before = db.prepare('SELECT coalesce(max(id), 0) FROM logs').pluck().get() as number;
    const insert = db.prepare(
      'INSERT INTO logs (ts, ts_nanos, level, target, estimated_bytes) VALUES (1790000000, ?, ?, ?, 1)',
    );
    const offered: string[] = [];
    db.transaction(() => {
      for (const target of targets)
        for (const level of levels) {
          insert.run(offered.length, level, target);
          offered.push(`${target} ${level}`);
        }
    })();
    const stored = (
      db.prepare('SELECT target, level FROM logs WHERE id > ? ORDER BY id').all(before) as Array<{
        target: string;
        level: string;
      }>
    ).map((r) => `${r.target} ${r.level}`);
    db.close();
    const expected = targets.flatMap((target) =>
      levels.filter((level) => keeps(directives, target, level)).map((level) => `${target} ${level}`),
    );
    assert.deepEqual(stored, expected, filter);
    assert.ok(stored.length > 0 && stored.length < offered.length, `${filter}: some kept, some dropped`);
  }
  assert.equal(inspect(path).integrity, 'ok');
});

test('logs.filter and logs.dropLevels together: a row either drops is dropped; a bad filter changes nothing', (t) => {
  const home = codexHomeWithLogs(t, { rows: 5 });
  const path = join(home, 'logs_2.sqlite');
  assert.equal(applyDropLevels(path, { levels: ['DEBUG'], filter: 'trace,noisy=warn' }).changed, true);
  assert.deepEqual(dropLevelsStatus(path).rule, { levels: ['DEBUG'], filter: 'trace,noisy=warn' });
  assert.deepEqual(
    insertBatch(path, ['TRACE', 'DEBUG', 'INFO']).stored,
    ['TRACE', 'INFO'],
    'DEBUG by the levels, the rest kept by trace',
  );
  const schema = inspect(path).schema;
  const bad = applyDropLevels(path, { levels: [], filter: 'info,x=loud' });
  assert.deepEqual([bad.ok, bad.code, bad.changed], [false, 'E_BAD_FILTER', false]);
  assert.match(bad.message, /^logs\.filter: not a filter: "x=loud": "loud" is not a level/);
  assert.deepEqual(inspect(path).schema, schema, 'the trigger is as it was');
});
