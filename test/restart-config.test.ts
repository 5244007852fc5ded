// Restart modes from the user's config, through the built shim: never, always with the crash-loop guard, crash.signals.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cleanEnv, REPO, runSync, SHIM, tmp } from './helpers/index.ts';
import { inTmux, sttyFlags } from './helpers/tmux.ts';

const TUI = join(REPO, 'test', 'fixtures', 'fake-codex-tui.mjs');
const TRAP = 128 + constants.signals.SIGTRAP;

/** A temp home with a user config (CODEXGUARD_CONFIG) and the TUI fake as the real codex. */
function world(t: TestContext, config: object, extra: Record<string, string> = {}) {
  const root = tmp(t);
  const home = join(root, 'codex-home');
  mkdirSync(home);
  const rc = join(root, 'codexguard.json');
  writeFileSync(rc, JSON.stringify(config));
  const log = join(root, 'runs.jsonl');
  const env = cleanEnv({
    HOME: root,
    CODEX_HOME: home,
    CODEXGUARD_CONFIG: rc,
    CODEXGUARD_REAL_CODEX: TUI,
    FAKE_TUI_LOG: log,
    ...extra,
  });
  const runs = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { argv: string[] }).argv);
  return { root, env, runs };
}

test('restart.mode "never" on a terminal: the line, no question, no restart', async (t) => {
  const w = world(t, { restart: { mode: 'never' } });
  const pane = inTmux(t, w.root, [process.execPath, SHIM, '-m', 'o3'], w.env);
  const end = await pane.done();
  assert.equal(end.status, TRAP);
  assert.ok(sttyFlags(end.stty).has('icanon'));
  const screen = pane.screen();
  assert.match(screen, /codexguard: codex crashed \(SIGTRAP, trace trap\)/);
  assert.doesNotMatch(screen, /\[r\]esume/);
  assert.equal(w.runs().length, 1);
});

test('restart.mode "always": a codex that crashes every time comes back exactly 3 times as resume --last, then the guard stops it', (t) => {
  const w = world(t, { restart: { mode: 'always' } });
  const r = runSync(SHIM, ['-m', 'o3', '-c', 'x=1', 'first prompt'], { env: w.env });
  assert.equal(r.signal, 'SIGTRAP', r.stderr);
  assert.deepEqual(w.runs(), [
    ['-m', 'o3', '-c', 'x=1', 'first prompt'],
    ...Array(3).fill(['resume', '--last', '-m', 'o3', '-c', 'x=1']),
  ]);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('codexguard: codex crashed (SIGTRAP')).length, 4, r.stderr);
  assert.deepEqual(
    lines.filter((l) => l.startsWith('codexguard: resuming')).map((l) => l.replace(/^.* in /, '')),
    ['500ms', '1s', '2s'],
    'backoff doubles for unstable runs',
  );
  assert.equal(
    lines.at(-1),
    'codexguard: not restarting codex: it crashed 4 times within 10m (restart.maxRestarts is 3)',
  );
});

test('restart.mode "always" restarts `codex exec` with its own argv; restart.maxRestarts bounds it', (t) => {
  const w = world(t, { restart: { mode: 'always', maxRestarts: 1 } });
  const r = runSync(SHIM, ['exec', '--json', 'do it'], { env: w.env });
  assert.equal(r.signal, 'SIGTRAP', r.stderr);
  assert.deepEqual(w.runs(), [
    ['exec', '--json', 'do it'],
    ['exec', '--json', 'do it'],
  ]);
  assert.match(r.stderr, /restart.maxRestarts is 1/);
});

test('restart.mode "always": when the restarted codex ends well, so does the shim', (t) => {
  const w = world(t, { restart: { mode: 'always' } }, { FAKE_TUI_CRASH_RUNS: '1' });
  const r = runSync(SHIM, [], { env: w.env });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(w.runs(), [[], ['resume', '--last']]);
});

test('restart.mode "always": the shim runs the pre-flight again before codex comes back, and only then', (t) => {
  const w = world(t, { restart: { mode: 'always' } }, { FAKE_TUI_CRASH_RUNS: '1' });
  // A config.toml the pre-flight cannot read: each pre-flight says so in its one W_SQLITE_HOME line.
  writeFileSync(join(w.env.CODEX_HOME!, 'config.toml'), 'sqlite_home = [not toml');
  const r = runSync(SHIM, [], { env: w.env });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(w.runs(), [[], ['resume', '--last']]);
  const lines = r.stderr.trim().split('\n');
  const preflights = lines.flatMap((l, i) => (l.endsWith('[W_SQLITE_HOME]') ? [i] : []));
  const restart = lines.findIndex((l) => l.startsWith('codexguard: resuming codex'));
  assert.equal(preflights.length, 2, r.stderr);
  assert.ok(
    preflights[0]! < restart && restart < preflights[1]!,
    `launch, crash and restart line, then the pre-flight: ${r.stderr}`,
  );
  const never = world(t, { restart: { mode: 'never' } });
  writeFileSync(join(never.env.CODEX_HOME!, 'config.toml'), 'sqlite_home = [not toml');
  const once = runSync(SHIM, [], { env: never.env });
  assert.equal(
    once.stderr.split('\n').filter((l) => l.endsWith('[W_SQLITE_HOME]')).length,
    1,
    'no restart: no second pre-flight',
  );
});

test('crash.signals decides what is a crash', (t) => {
  const w = world(t, { crash: { signals: ['SIGSEGV'] }, restart: { mode: 'always' } });
  const r = runSync(SHIM, [], { env: w.env });
  assert.equal(r.signal, 'SIGTRAP');
  assert.equal(r.stderr, '', 'SIGTRAP is not a crash under this config');
  assert.equal(w.runs().length, 1);
});
