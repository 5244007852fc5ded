// logs.dropLevels through the shim: the trigger follows the config, and is re-applied to a log DB Codex made anew.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dropLevelsStatus } from '../src/droplevels/apply.ts';
import { dropLevelsDue } from '../src/preflight/drop-levels.ts';
import { codexHomeWithLogs, makeCodexDb } from './helpers/codex-home.ts';
import { cleanEnv, fakeCodex, linkShim, NODE_BIN_DIR, runSync, tmp } from './helpers/index.ts';

test('dropLevelsDue: levels changed, a log DB replaced, or nothing to do', () => {
  const state = { levels: ['TRACE'], dbs: { 'logs_2.sqlite': '11:1000' } };
  assert.equal(dropLevelsDue(undefined, [], {}), false);
  assert.equal(dropLevelsDue(undefined, ['TRACE'], { 'logs_2.sqlite': '11:1000' }), true);
  assert.equal(dropLevelsDue(state, ['TRACE'], { 'logs_2.sqlite': '11:1000' }), false);
  assert.equal(dropLevelsDue(state, ['TRACE', 'DEBUG'], { 'logs_2.sqlite': '11:1000' }), true);
  assert.equal(dropLevelsDue(state, [], { 'logs_2.sqlite': '11:1000' }), true, 'removing the key removes the trigger');
  assert.equal(dropLevelsDue(state, ['TRACE'], { 'logs_2.sqlite': '11:2000' }), true, 'a new file with a reused inode');
  assert.equal(dropLevelsDue(state, ['TRACE'], { 'logs_2.sqlite': '11:1000', 'logs_3.sqlite': '5:1' }), true, 'a new log DB');
});

test('the shim installs the trigger once, re-applies it to a new log DB, and removes it with the key', (t) => {
  const root = tmp(t);
  const user = join(root, 'user');
  mkdirSync(user);
  const rc = join(user, '.codexguardrc');
  const codexHome = codexHomeWithLogs(t, { rows: 10 });
  const log = join(codexHome, 'logs_2.sqlite');
  const shim = linkShim(join(root, 'shim'));
  fakeCodex(join(root, 'real'));
  const env = cleanEnv({ HOME: user, CODEX_HOME: codexHome, PATH: [join(root, 'shim'), join(root, 'real'), NODE_BIN_DIR].join(':') });
  const codex = () => runSync(shim, [], { env, cwd: user });

  writeFileSync(rc, JSON.stringify({ logs: { dropLevels: ['TRACE'] } }));
  const first = codex();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /logs_2\.sqlite/);
  assert.deepEqual(dropLevelsStatus(log), { installed: true, levels: ['TRACE'] });
  const second = codex();
  assert.equal(second.stderr, '', 'nothing to do the second time: no DB opened, nothing said');

  // Codex replaced its log DB (it does so when the old one is corrupt): the trigger follows.
  for (const f of [log, `${log}-wal`, `${log}-shm`]) rmSync(f, { force: true });
  makeCodexDb(log);
  assert.equal(dropLevelsStatus(log).installed, false);
  assert.equal(codex().status, 0);
  assert.deepEqual(dropLevelsStatus(log), { installed: true, levels: ['TRACE'] });

  writeFileSync(rc, JSON.stringify({}));
  assert.equal(codex().status, 0);
  assert.deepEqual(dropLevelsStatus(log), { installed: false, levels: [] });
  assert.ok(!existsSync(join(codexHome, 'codexguard', 'drop-levels.json')));
  assert.equal(codex().stderr, '');
});
