// Through the built shim, without a terminal: each crash signal gives one line and the same death; nothing else does.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cleanEnv, fakeCodex, REPO, runSync, SHIM, tmp } from './helpers/index.ts';

const TUI = join(REPO, 'test', 'fixtures', 'fake-codex-tui.mjs');

function world(t: TestContext) {
  const root = tmp(t);
  const home = join(root, 'codex-home');
  mkdirSync(home);
  const real = fakeCodex(join(root, 'bin'));
  const env = (extra: Record<string, string>) =>
    cleanEnv({ HOME: root, CODEX_HOME: home, CODEXGUARD_REAL_CODEX: real, ...extra });
  return { root, home, env };
}

for (const signal of ['SIGTRAP', 'SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL'] as const) {
  test(`${signal}: one line on stderr, no escape sequences, no restart without a TTY, and the shim dies of ${signal}`, (t) => {
    const w = world(t);
    const r = runSync(SHIM, ['-m', 'o3'], { env: w.env({ FAKE_CODEX_SIGNAL: signal }) });
    assert.equal(r.signal, signal, r.stderr);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, new RegExp(`^codexguard: codex crashed \\(${signal}, [a-z ]+\\) after \\d+m?s; `));
    assert.doesNotMatch(r.stderr, /\x1b/);
    const sh = runSync('/bin/sh', ['-c', `"${SHIM}"; echo "status=$?"`], { env: w.env({ FAKE_CODEX_SIGNAL: signal }) });
    assert.match(sh.stdout, new RegExp(`status=${128 + constants.signals[signal]}\\b`));
  });
}

test("a wrapper's exit 128+5 is a crash too: one line, and the shim exits 133", (t) => {
  const w = world(t);
  const r = runSync(SHIM, [], { env: w.env({ FAKE_CODEX_EXIT: '133' }) });
  assert.equal(r.status, 133);
  assert.match(r.stderr, /^codexguard: codex crashed \(SIGTRAP, trace trap\)/);
});

test('exit codes, SIGINT and SIGTERM are not crashes: nothing printed', (t) => {
  const w = world(t);
  const ends: Record<string, string>[] = [
    { FAKE_CODEX_EXIT: '1' },
    { FAKE_CODEX_EXIT: '130' },
    { FAKE_CODEX_EXIT: '143' },
    { FAKE_CODEX_SIGNAL: 'SIGINT' },
    { FAKE_CODEX_SIGNAL: 'SIGTERM' },
    { FAKE_CODEX_SIGNAL: 'SIGHUP' },
  ];
  for (const extra of ends) {
    const r = runSync(SHIM, [], { env: w.env(extra) });
    assert.equal(r.stderr, '', JSON.stringify(extra));
  }
});

test('under the default "ask", a crash without a TTY is not restarted: codex ran once', (t) => {
  const w = world(t);
  const log = join(w.root, 'runs.jsonl');
  const r = runSync(SHIM, ['-m', 'o3'], { env: w.env({ CODEXGUARD_REAL_CODEX: TUI, FAKE_TUI_LOG: log }) });
  assert.equal(r.signal, 'SIGTRAP');
  assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 1);
});
