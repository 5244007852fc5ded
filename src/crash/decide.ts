// Restart or not after a crash, and how long to wait: pure, from the crash history and the policy.
import { humanDuration } from '../human.ts';
import type { CrashPolicy } from './policy.ts';

/** One run of codex that ended in a crash (epoch ms). */
export interface CrashedRun {
  startedAt: number;
  endedAt: number;
}

/** The decision: restart (after asking, or after delayMs), or stop; reason is for a person. */
export interface RestartDecision {
  restart: boolean;
  /** Restart only if the person at the terminal says so. */
  ask: boolean;
  delayMs: number;
  reason: string;
  /** The crash-loop guard stopped it (the shim says so in one line). */
  tripped: boolean;
}

type Policy = Pick<CrashPolicy, 'mode' | 'maxRestarts' | 'windowMs' | 'unstableMs' | 'backoffMs' | 'maxBackoffMs'>;

const stop = (reason: string, tripped = false): RestartDecision => ({
  restart: false,
  ask: false,
  delayMs: 0,
  reason,
  tripped,
});

/** Unstable runs (lived less than unstableMs) at the end of the history, in a row. */
export function unstableStreak(history: readonly CrashedRun[], unstableMs: number): number {
  let n = 0;
  for (let i = history.length - 1; i >= 0 && history[i]!.endedAt - history[i]!.startedAt < unstableMs; i--) n++;
  return n;
}

/**
 * Decides what follows the last crash in `history` (oldest first; every crash before the last one was restarted).
 * - "never" never restarts; "ask" asks, only on a TTY; "always" restarts. A non-interactive run (`isExec`) restarts only under "always".
 * - Guard: every restart counts; when `maxRestarts` restarts already happened within `windowMs` before `now`, it stops.
 * - Backoff (automatic restarts only; asking is its own pause): backoffMs, doubled for each unstable run in a row
 *   (0.5 s, 1 s, 2 s, … up to maxBackoffMs); a run that lived `unstableMs` or longer starts the doubling again.
 */
export function decideRestart(
  history: readonly CrashedRun[],
  now: number,
  policy: Policy,
  isTTY: boolean,
  isExec: boolean,
): RestartDecision {
  if (policy.mode === 'never') return stop('restart.mode is "never"');
  if (isExec && policy.mode !== 'always')
    return stop('not an interactive session: only restart.mode "always" restarts it');
  if (policy.mode === 'ask' && !isTTY) return stop('no terminal to ask on');
  const restarts = history.slice(0, -1).filter((run) => now - run.endedAt <= policy.windowMs).length;
  if (restarts >= policy.maxRestarts) {
    return stop(
      `it crashed ${restarts + 1 === 1 ? 'once' : `${restarts + 1} times`} within ${humanDuration(policy.windowMs)} (restart.maxRestarts is ${policy.maxRestarts})`,
      true,
    );
  }
  if (policy.mode === 'ask') return { restart: true, ask: true, delayMs: 0, reason: 'asked', tripped: false };
  const streak = Math.max(1, unstableStreak(history, policy.unstableMs));
  const delayMs = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (streak - 1));
  return { restart: true, ask: false, delayMs, reason: 'restart.mode is "always"', tripped: false };
}
