// Ends the shim the way the child ended: same exit code, or death by the same signal.
import { constants } from 'node:os';
import type { ChildEnd } from './run.ts';

/** The shell-style status of an end: the code, or 128 + the signal number. */
export function statusOf(end: Pick<ChildEnd, 'code' | 'signal'>): number {
  if (end.signal) return 128 + (constants.signals[end.signal] ?? 0);
  return end.code ?? 1;
}

/**
 * Exits with the child's code, or re-raises its signal on the shim so the shell sees the same death. The last
 * listener going puts the signal's default action back (libuv restores SIG_DFL), which also ends the ignoring of
 * SIGPIPE and SIGXFSZ that Node starts with, and takes SIGUSR1 from the inspector's handler for good.
 */
export function mirrorExit(end: Pick<ChildEnd, 'code' | 'signal'>): never {
  const status = statusOf(end);
  if (end.signal) {
    const number = constants.signals[end.signal];
    const names = Object.entries(constants.signals)
      .filter(([, n]) => n === number)
      .map(([name]) => name as NodeJS.Signals);
    // A listener of our own first, so that removing every listener resets the signal even where none was added.
    try {
      process.on(end.signal, () => {});
    } catch {
      // SIGKILL and SIGSTOP take no listener, and need no reset.
    }
    // Every name of that signal number: signal-exit listens for SIGIOT, which is SIGABRT on Linux.
    for (const name of names) process.removeAllListeners(name);
    try {
      process.kill(process.pid, end.signal);
    } catch {
      // Fall through to the numeric status.
    }
  }
  // Reached for plain exits (and a signal that could not be raised).
  process.exit(status);
}
