// Is this end of the real codex a crash? Pure: a crash signal, or a wrapper's 128+signal exit.
import { KEYS } from '../config/keys.ts';
import { constants } from 'node:os';
import type { ChildEnd } from '../launch/run.ts';

/** Crash signals by default (config `crash.signals`). SIGINT, SIGTERM, SIGHUP, SIGPIPE and exit codes are not crashes. */
export const DEFAULT_CRASH_SIGNALS: readonly NodeJS.Signals[] = KEYS['crash.signals'].default;

/** The crash signal behind an end, if it is a crash: the child's own signal, or a wrapper's exit code 128+n. */
export function crashSignal(
  end: Pick<ChildEnd, 'code' | 'signal'>,
  signals: readonly string[] = DEFAULT_CRASH_SIGNALS,
): NodeJS.Signals | undefined {
  if (end.signal) return signals.includes(end.signal) ? end.signal : undefined;
  if (end.code === null || end.code <= 128) return undefined;
  const name = signals.find((s) => constants.signals[s as NodeJS.Signals] === end.code! - 128);
  return name as NodeJS.Signals | undefined;
}
