// logs.dropLevels through the shim: the trigger follows the config, and is re-applied to a log DB Codex made anew.
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dropLevelsStatus } from '../src/droplevels/apply.ts';
import { dropLevelsDue } from '../src/droplevels/state.ts';
import { makeCodexDb, shimOverHome } from './helpers/codex-home.ts';

test('dropLevelsDue: levels changed, a log DB replaced, or nothing to do', () => {
  const state = { levels: ['TRACE'], dbs: { 'logs_2.sqlite': '11:1000' } };
  assert.equal(dropLevelsDue(undefined, { levels: [], filter: null }, {}), false);
  assert.equal(dropLevelsDue(undefined, { levels: ['TRACE'], filter: null }, { 'logs_2.sqlite': '11:1000' }), true);
  assert.equal(dropLevelsDue(state, { levels: ['TRACE'], filter: null }, { 'logs_2.sqlite': '11:1000' }), false);
  assert.equal(
    dropLevelsDue(state, { levels: ['TRACE', 'DEBUG'], filter: null }, { 'logs_2.sqlite': '11:1000' }),
    true,
  );
  assert.equal(
    dropLevelsDue(state, { levels: [], filter: null }, { 'logs_2.sqlite': '11:1000' }),
    true,
    'removing the key removes the trigger',
  );
  assert.equal(
    dropLevelsDue(state, { levels: ['TRACE'], filter: null }, { 'logs_2.sqlite': '11:2000' }),
    true,
    'a new file with a reused inode',
  );
  assert.equal(
    dropLevelsDue(state, { levels: ['TRACE'], filter: null }, { 'logs_2.sqlite': '11:1000', 'logs_3.sqlite': '5:1' }),
    true,
    'a new log DB',
  );
  assert.equal(
    dropLevelsDue(state, { levels: ['TRACE'], filter: 'info' }, { 'logs_2.sqlite': '11:1000' }),
    true,
    'a filter added',
  );
  const filtered = { ...state, levels: [], filter: 'info' };
  assert.equal(dropLevelsDue(filtered, { levels: [], filter: 'info' }, { 'logs_2.sqlite': '11:1000' }), false);
  assert.equal(
    dropLevelsDue(filtered, { levels: [], filter: 'warn' }, { 'logs_2.sqlite': '11:1000' }),
    true,
    'the filter changed',
  );
  assert.equal(
    dropLevelsDue(filtered, { levels: [], filter: null }, { 'logs_2.sqlite': '11:1000' }),
    true,
    'the filter removed',
  );
});

test('the shim installs the trigger once, re-applies it to a new log DB, and removes it with the key', (t) => {
  const { rc, codexHome, log, codex } = shimOverHome(t);

  writeFileSync(rc, JSON.stringify({ logs: { dropLevels: ['TRACE'] } }));
  const first = codex();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /logs_2\.sqlite/);
  assert.deepEqual(dropLevelsStatus(log), { installed: true, rule: { levels: ['TRACE'], filter: null } });
  const second = codex();
  assert.equal(second.stderr, '', 'nothing to do the second time: no DB opened, nothing said');

  // Codex replaced its log DB (it does so when the old one is corrupt): the trigger follows.
  for (const f of [log, `${log}-wal`, `${log}-shm`]) rmSync(f, { force: true });
  makeCodexDb(log);
  assert.equal(dropLevelsStatus(log).installed, false);
  assert.equal(codex().status, 0);
  assert.deepEqual(dropLevelsStatus(log), { installed: true, rule: { levels: ['TRACE'], filter: null } });

  writeFileSync(rc, JSON.stringify({}));
  assert.equal(codex().status, 0);
  assert.deepEqual(dropLevelsStatus(log), { installed: false, rule: { levels: [], filter: null } });
  assert.ok(!existsSync(join(codexHome, 'codexguard', 'drop-levels.json')));
  assert.equal(codex().stderr, '');
});

test('through the shim, logs.filter installs its trigger; a bad filter is one line at launch and leaves the trigger as it is', (t) => {
  const { rc, log, codex } = shimOverHome(t);

  writeFileSync(rc, JSON.stringify({ logs: { filter: 'info,codex_otel=off' } }));
  const first = codex();
  assert.equal(first.status, 0, first.stderr);
  assert.equal(
    first.stderr,
    'codexguard: logs_2.sqlite: drops rows that logs.filter "info,codex_otel=off" does not keep\n',
  );
  assert.deepEqual(dropLevelsStatus(log), { installed: true, rule: { levels: [], filter: 'info,codex_otel=off' } });

  for (const bad of [{ filter: 'info,codex_otel=silent' }, { filter: 'info', dropLevels: ['LOUD'] }]) {
    writeFileSync(rc, JSON.stringify({ logs: bad }));
    const r = codex();
    assert.equal(r.status, 0, 'codex still starts');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^codexguard: ~\/\.codexguardrc: logs\.(filter|dropLevels): expected .* \[E_CONFIG\]$/);
    assert.deepEqual(
      dropLevelsStatus(log).rule,
      { levels: [], filter: 'info,codex_otel=off' },
      `unchanged after ${JSON.stringify(bad)}`,
    );
  }
  writeFileSync(rc, JSON.stringify({ logs: { filter: 'warn', dropLevels: ['TRACE'] } }));
  assert.equal(codex().status, 0);
  assert.deepEqual(dropLevelsStatus(log).rule, { levels: ['TRACE'], filter: 'warn' });
});
