// The restart decision: mode, TTY, exec runs, the crash-loop guard and the backoff. Pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRestart, unstableStreak, type CrashedRun } from '../src/crash/decide.ts';
import { crashPolicy, DEFAULT_CRASH_POLICY, type CrashPolicy } from '../src/crash/policy.ts';

const MIN = 60_000;
const T0 = 1_700_000_000_000;
const policy = (over: Partial<CrashPolicy> = {}) => crashPolicy(over);
/** Runs that lived `lived` ms each, ending `gap` ms apart, the last one ending at `end`. */
function runs(n: number, lived: number, gap: number, end = T0): CrashedRun[] {
  return Array.from({ length: n }, (_, i) => {
    const endedAt = end - (n - 1 - i) * gap;
    return { startedAt: endedAt - lived, endedAt };
  });
}

test('defaults: ask, resume, 3 restarts in 10 minutes, 30 s to answer, unstable under 10 s', () => {
  assert.equal(DEFAULT_CRASH_POLICY.mode, 'ask');
  assert.equal(DEFAULT_CRASH_POLICY.resume, true);
  assert.equal(DEFAULT_CRASH_POLICY.maxRestarts, 3);
  assert.equal(DEFAULT_CRASH_POLICY.windowMs, 10 * MIN);
  assert.equal(DEFAULT_CRASH_POLICY.askTimeoutMs, 30_000);
  assert.equal(DEFAULT_CRASH_POLICY.unstableMs, 10_000);
  assert.deepEqual(crashPolicy(undefined), { ...DEFAULT_CRASH_POLICY });
  assert.equal(crashPolicy({ mode: undefined, maxRestarts: 5 }).mode, 'ask');
  assert.equal(crashPolicy({ maxRestarts: 5 }).maxRestarts, 5);
});

test('"never" never restarts, whatever else holds', () => {
  for (const tty of [true, false])
    for (const exec of [true, false]) {
      const d = decideRestart(runs(1, MIN, 0), T0, policy({ mode: 'never' }), tty, exec);
      assert.equal(d.restart, false);
      assert.equal(d.tripped, false);
      assert.match(d.reason, /never/);
    }
});

test('"ask" asks on a TTY, without a delay of its own', () => {
  const d = decideRestart(runs(1, MIN, 0), T0, policy(), true, false);
  assert.deepEqual(
    { restart: d.restart, ask: d.ask, delayMs: d.delayMs, tripped: d.tripped },
    { restart: true, ask: true, delayMs: 0, tripped: false },
  );
});

test('"ask" without a TTY never restarts', () => {
  const d = decideRestart(runs(1, MIN, 0), T0, policy(), false, false);
  assert.equal(d.restart, false);
  assert.match(d.reason, /no terminal/);
});

test('an exec run restarts only under "always"', () => {
  assert.equal(decideRestart(runs(1, MIN, 0), T0, policy({ mode: 'ask' }), true, true).restart, false);
  assert.equal(decideRestart(runs(1, MIN, 0), T0, policy({ mode: 'never' }), true, true).restart, false);
  const always = decideRestart(runs(1, MIN, 0), T0, policy({ mode: 'always' }), false, true);
  assert.equal(always.restart, true);
  assert.equal(always.ask, false);
});

test('"always" restarts without asking, with or without a TTY', () => {
  for (const tty of [true, false]) {
    const d = decideRestart(runs(1, MIN, 0), T0, policy({ mode: 'always' }), tty, false);
    assert.equal(d.restart, true);
    assert.equal(d.ask, false);
    assert.equal(d.delayMs, 500);
  }
});

test('guard: exactly maxRestarts restarts within the window, then it trips and says why', () => {
  for (const mode of ['always', 'ask'] as const) {
    const p = policy({ mode });
    const decisions = [1, 2, 3, 4, 5].map((n) => decideRestart(runs(n, 1_000, 2_000), T0, p, true, false));
    assert.deepEqual(
      decisions.map((d) => d.restart),
      [true, true, true, false, false],
      mode,
    );
    assert.equal(decisions[3]!.tripped, true);
    assert.match(decisions[3]!.reason, /crashed 4 times within 10m \(restart.maxRestarts is 3\)/);
  }
});

test('guard: restarts older than the window no longer count', () => {
  const p = policy({ mode: 'always' });
  // Three crashes long ago, then one now: the old restarts are outside the window.
  const history = [...runs(3, 5 * MIN, MIN, T0 - 11 * MIN), { startedAt: T0 - 5 * MIN, endedAt: T0 }];
  assert.equal(decideRestart(history, T0, p, false, false).restart, true);
  // A window just wide enough to hold them trips it.
  assert.equal(decideRestart(history, T0, policy({ mode: 'always', windowMs: 14 * MIN }), false, false).tripped, true);
});

test('guard: maxRestarts 0 never restarts, and the count follows the configured value', () => {
  assert.equal(
    decideRestart(runs(1, MIN, 0), T0, policy({ mode: 'always', maxRestarts: 0 }), true, false).tripped,
    true,
  );
  const p = policy({ mode: 'always', maxRestarts: 1 });
  assert.equal(decideRestart(runs(1, MIN, 0), T0, p, true, false).restart, true);
  assert.equal(decideRestart(runs(2, MIN, 2 * MIN), T0, p, true, false).tripped, true);
});

test('stable runs count against the guard too: every restart counts', () => {
  const d = decideRestart(runs(4, 2 * MIN, 2 * MIN), T0, policy({ mode: 'always' }), true, false);
  assert.equal(d.tripped, true);
});

test('backoff: 0.5 s, then doubled for each unstable run in a row, capped', () => {
  const p = policy({ mode: 'always', maxRestarts: 10 });
  const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => decideRestart(runs(n, 1_000, 3_000), T0, p, false, false).delayMs);
  assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
});

test('backoff: a run that lived 10 s or more starts the doubling again', () => {
  const p = policy({ mode: 'always', maxRestarts: 10 });
  const unstable = runs(3, 1_000, 3_000, T0 - 60_000);
  const stable = { startedAt: T0 - 20_000, endedAt: T0 };
  assert.equal(decideRestart([...unstable, stable], T0, p, false, false).delayMs, 500);
  const again = { startedAt: T0 + 1_000, endedAt: T0 + 2_000 };
  assert.equal(decideRestart([...unstable, stable, again], T0 + 2_000, p, false, false).delayMs, 500);
  const twice = { startedAt: T0 + 3_000, endedAt: T0 + 4_000 };
  assert.equal(decideRestart([...unstable, stable, again, twice], T0 + 4_000, p, false, false).delayMs, 1_000);
});

test('unstableStreak counts the short runs at the end only', () => {
  assert.equal(unstableStreak([], 10_000), 0);
  assert.equal(unstableStreak(runs(3, 9_999, 20_000), 10_000), 3);
  assert.equal(unstableStreak(runs(3, 10_000, 20_000), 10_000), 0);
  assert.equal(
    unstableStreak(
      [...runs(2, 1_000, 5_000, T0 - 100_000), ...runs(1, 50_000, 0, T0 - 40_000), ...runs(2, 1_000, 5_000)],
      10_000,
    ),
    2,
  );
});

test('guard with restart.maxRestarts 0: the first crash trips it, and the line says "once"', () => {
  const d = decideRestart(runs(1, 1_000, 2_000), T0, policy({ mode: 'always', maxRestarts: 0 }), true, false);
  assert.equal(d.restart, false);
  assert.match(d.reason, /it crashed once within 10m \(restart.maxRestarts is 0\)/);
});
