// The suite never runs in the real HOME: every test file's process has a temp HOME of its own (test/helpers/isolate-home.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { homedir, tmpdir, userInfo } from 'node:os';
import { test } from 'node:test';
import { cleanEnv } from './helpers/index.ts';

test('this test file runs with a temp HOME, not the real one, and its children inherit it', () => {
  assert.ok(homedir().startsWith(tmpdir()), `HOME is ${homedir()}`);
  assert.notEqual(homedir(), userInfo().homedir);
  const child = spawnSync(process.execPath, ['-p', 'require("os").homedir()'], { env: cleanEnv(), encoding: 'utf8' });
  assert.equal(child.stdout.trim(), homedir());
  for (const name of ['XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'CODEX_HOME'])
    assert.equal(process.env[name], undefined, name);
});
