// Restart after a crash under "ask" on a real terminal (tmux): r resumes, q and silence quit, the guard stops a loop.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { cleanEnv, REPO, SHIM, tmp } from './helpers/index.ts';
import { inTmux, sttyFlags, type Pane } from './helpers/tmux.ts';

const TUI = join(REPO, 'test', 'fixtures', 'fake-codex-tui.mjs');
const TRAP = 128 + constants.signals.SIGTRAP;
/** The question, unanswered, with the bundle's path. */
const QUESTION =
  /^codexguard: codex crashed \(SIGTRAP, trace trap\) after \d+m?s; bundle: ~\/codex-home\/codexguard\/crashes\/\S+-SIGTRAP-\d+ {2}\[r\]esume {2}\[q\]uit *$/m;
/** The question, with the answer echoed after it. */
const answered = (echo: string) => new RegExp(`-SIGTRAP-\\d+  \\[r\\]esume  \\[q\\]uit ${echo}`);

/** The shim in tmux over the TUI fake, with its runs logged. */
function session(t: TestContext, argv: string[], extra: Record<string, string> = {}) {
  const root = tmp(t);
  const home = join(root, 'codex-home');
  mkdirSync(home);
  const log = join(root, 'runs.jsonl');
  const env = cleanEnv({ HOME: root, CODEX_HOME: home, CODEXGUARD_REAL_CODEX: TUI, FAKE_TUI_LOG: log, ...extra });
  const pane = inTmux(t, root, [process.execPath, SHIM, ...argv], env);
  const runs = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { argv: string[]; tty: boolean });
  return { pane, runs };
}

/** Waits for the n-th question, then answers it at once: a key typed as soon as the question is visible counts. */
async function answer(pane: Pane, n: number, key: string): Promise<void> {
  await pane.waitScreen(new RegExp(`(\\[r\\]esume  \\[q\\]uit[^]*){${n}}`));
  await pane.waitScreen(QUESTION);
  pane.keys(key);
}

// Concurrent: the 30 s timeout runs alongside the others.
describe('restart under "ask" on a terminal', { concurrency: true }, () => {
  test("ask, r: codex comes back as `resume --last` with the global options, and its end is the shim's", async (t) => {
    const argv = [
      '-m',
      'o3',
      '-c',
      'model_reasoning_effort="high"',
      '--profile',
      'work',
      '-s',
      'workspace-write',
      '--search',
      'fix the tests',
    ];
    const s = session(t, argv, { FAKE_TUI_CRASH_RUNS: '1' });
    await answer(s.pane, 1, 'r');
    const end = await s.pane.done();
    assert.equal(end.status, 0, 'the resumed codex ended well');
    const runs = s.runs();
    assert.equal(runs.length, 2);
    assert.deepEqual(runs[0]!.argv, argv);
    // The same global options, the prompt dropped: it was the crashed session's first message.
    assert.deepEqual(runs[1]!.argv, ['resume', '--last', ...argv.slice(0, -1)]);
    assert.equal(runs[1]!.tty, true, 'the resumed codex has the terminal');
    // Codex never ran in this home, so no conversation can be told apart: the line says so, then --last.
    assert.match(
      s.pane.screen(),
      /\[q\]uit r\s*\ncodexguard: could not tell which conversation crashed \(there is no state_5\.sqlite in [^)]*\); resuming the newest one here \(--last\)\s*\ncodexguard: resuming codex \(codex resume --last\)/,
    );
    assert.ok(sttyFlags(end.stty).has('icanon'));
  });

  test('ask, q: no restart; the shim dies of the crash signal', async (t) => {
    const s = session(t, ['hello']);
    await answer(s.pane, 1, 'q');
    const end = await s.pane.done();
    assert.equal(end.status, TRAP);
    assert.equal(s.runs().length, 1);
    assert.match(s.pane.screen(), answered('q'));
    assert.ok(sttyFlags(end.stty).has('echo'));
  });

  test('ask, other keys are ignored until an answer', async (t) => {
    const s = session(t, [], { FAKE_TUI_CRASH_RUNS: '1' });
    await s.pane.waitScreen(QUESTION);
    s.pane.keys('x', 'Enter', 'Up');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(s.runs().length, 1, 'still asking');
    s.pane.keys('R');
    assert.equal((await s.pane.done()).status, 0);
    assert.deepEqual(
      s.runs().map((r) => r.argv),
      [[], ['resume', '--last']],
    );
  });

  test('ask, no answer: quits after 30 s', { timeout: 50_000 }, async (t) => {
    const s = session(t, ['-m', 'o3']);
    await s.pane.waitScreen(QUESTION);
    const asked = Date.now();
    const end = await s.pane.done(40_000);
    assert.ok(Date.now() - asked >= 29_000, 'waited for the answer');
    assert.equal(end.status, TRAP);
    assert.equal(s.runs().length, 1);
    assert.match(s.pane.screen(), answered('\\(no answer\\)'));
    assert.ok(sttyFlags(end.stty).has('icanon'));
  });

  test('crash-loop guard: a codex that crashes every time is restarted exactly 3 times, then the shim stops and says so', async (t) => {
    const s = session(t, ['-m', 'o3', 'go']);
    for (const n of [1, 2, 3]) await answer(s.pane, n, 'r');
    const end = await s.pane.done();
    assert.equal(end.status, TRAP, "the last crash is the shim's status");
    const runs = s.runs();
    assert.equal(runs.length, 4);
    for (const run of runs.slice(1)) assert.deepEqual(run.argv, ['resume', '--last', '-m', 'o3']);
    const screen = s.pane.screen();
    assert.equal([...screen.matchAll(/\[r\]esume {2}\[q\]uit/g)].length, 3, 'asked three times, not a fourth');
    assert.match(
      screen,
      /codexguard: not restarting codex: it crashed 4 times within 10m \(restart.maxRestarts is 3\)/,
    );
    assert.ok(sttyFlags(end.stty).has('icanon'));
  });

  test('ask: a `codex exec` run is not restarted, and not asked about', async (t) => {
    const s = session(t, ['exec', 'hi']);
    const end = await s.pane.done();
    assert.equal(end.status, TRAP);
    assert.equal(s.runs().length, 1);
    const screen = s.pane.screen();
    assert.match(screen, /codexguard: codex crashed \(SIGTRAP, trace trap\)/);
    assert.doesNotMatch(screen, /\[r\]esume/);
  });
});
