// After codex dies of a crash signal in its full-screen UI, the shim gives back a usable terminal: in a real pty (tmux).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cleanEnv, REPO, SHIM, tmp } from './helpers/index.ts';
import { inTmux, sttyFlags } from './helpers/tmux.ts';

const TUI = join(REPO, 'test', 'fixtures', 'fake-codex-tui.mjs');
const SIGNALS = ['SIGTRAP', 'SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL'] as const;

/** A temp CODEX_HOME and the env for a shim whose real codex is the TUI fake. */
function world(t: TestContext, extra: Record<string, string> = {}) {
  const root = tmp(t);
  const home = join(root, 'codex-home');
  mkdirSync(home);
  const env = cleanEnv({
    HOME: root,
    CODEX_HOME: home,
    CODEXGUARD_REAL_CODEX: TUI,
    FAKE_TUI_LOG: join(root, 'runs.jsonl'),
    ...extra,
  });
  return { root, env };
}

test('control: the fake, run without the shim, leaves the terminal raw, on the alternate screen, cursor hidden', async (t) => {
  const w = world(t);
  const pane = inTmux(t, w.root, [process.execPath, TUI], w.env);
  const end = await pane.done();
  assert.equal(end.status, 128 + constants.signals.SIGTRAP);
  const flags = sttyFlags(end.stty);
  assert.ok(flags.has('-icanon') && flags.has('-echo'), end.stty);
  assert.equal(pane.display('#{alternate_on}'), '1');
  assert.equal(pane.display('#{cursor_flag}'), '0');
  assert.equal(pane.display('#{mouse_any_flag}'), '1');
});

for (const signal of SIGNALS) {
  test(`${signal}: terminal restored before anything is printed, one line on screen, status 128+n`, {
    concurrency: true,
  }, async (t) => {
    const w = world(t, { FAKE_TUI_SIGNAL: signal });
    const pane = inTmux(t, w.root, [process.execPath, SHIM, '-m', 'o3'], w.env);
    // The question waits in the shim's own raw mode; everything codex turned on is off already.
    const screen = await pane.waitScreen(/\[r\]esume {2}\[q\]uit/);
    assert.equal(pane.display('#{alternate_on}'), '0', 'left the alternate screen');
    assert.equal(pane.display('#{cursor_flag}'), '1', 'cursor visible');
    assert.equal(pane.display('#{mouse_any_flag}#{mouse_sgr_flag}#{mouse_button_flag}'), '000', 'mouse reporting off');
    assert.ok(!screen.includes('FAKE CODEX TUI'), 'the alternate screen is gone');
    const lines = screen.split('\n').filter((l) => l.includes('codexguard:'));
    assert.equal(lines.length, 1, screen);
    // One line: what happened, where the bundle is, and the question.
    const line = lines[0]!.match(
      new RegExp(
        `^codexguard: codex crashed \\(${signal}, [a-z ]+\\) after \\d+m?s; bundle: ~(/codex-home/codexguard/crashes/\\S+-${signal}-\\d+)  \\[r\\]esume  \\[q\\]uit *$`,
      ),
    );
    assert.ok(line, lines[0]);
    assert.ok(existsSync(join(w.root, line[1]!, 'manifest.json')), 'the bundle named on screen exists');
    assert.doesNotMatch(screen, /Codex crashed/, 'no second line saying it again');
    pane.keys('q'); // at once: a key typed once the question is visible counts
    const end = await pane.done();
    assert.equal(end.status, 128 + constants.signals[signal], 'the shim dies of the same signal');
    const flags = sttyFlags(end.stty);
    for (const f of ['icanon', 'echo', 'isig', 'icrnl', 'opost', 'onlcr'])
      assert.ok(flags.has(f), `${f} is back:\n${end.stty}`);
    assert.equal(pane.display('#{alternate_on}'), '0');
    assert.equal(pane.display('#{cursor_flag}'), '1');
  });
}

test('a plain exit is not a crash: no line, no question, status passed through', async (t) => {
  const w = world(t, { FAKE_TUI_CRASH_RUNS: '0' });
  const pane = inTmux(t, w.root, [process.execPath, SHIM], w.env);
  const end = await pane.done();
  assert.equal(end.status, 0);
  assert.ok(!pane.screen().includes('codexguard'), pane.screen());
});

test('SIGTERM is not a crash: no line, no question', async (t) => {
  const w = world(t, { FAKE_TUI_SIGNAL: 'SIGTERM', FAKE_TUI_RAW: '0' });
  const pane = inTmux(t, w.root, [process.execPath, SHIM], w.env);
  const end = await pane.done();
  assert.equal(end.status, 128 + constants.signals.SIGTERM);
  assert.ok(!pane.screen().includes('codexguard'), pane.screen());
});
