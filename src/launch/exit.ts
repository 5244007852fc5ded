// Ends the shim the way the child ended: same exit code, or death by the same signal.
import { constants } from 'node:os';
import type { ChildEnd } from './run.ts';

/** The shell-style status of an end: the code, or 128 + the signal number. */
export function statusOf(end: Pick<ChildEnd, 'code' | 'signal'>): number {
  if (end.signal) return 128 + (constants.signals[end.signal] ?? 0);
  return end.code ?? 1;
}

/** Exits with the child's code, or re-raises its signal on the shim so the shell sees the same death. */
export function mirrorExit(end: Pick<ChildEnd, 'code' | 'signal'>): never {
  const status = statusOf(end);
  // Node turns SIGUSR1 into "start the inspector", so that one ends as a status.
  if (end.signal && end.signal !== 'SIGUSR1') {
    // Every name of that signal number: signal-exit listens for SIGIOT, which is SIGABRT on Linux.
    const number = constants.signals[end.signal];
    for (const [name, n] of Object.entries(constants.signals)) if (n === number) process.removeAllListeners(name as NodeJS.Signals);
    try {
      process.kill(process.pid, end.signal);
    } catch {
      // Fall through to the numeric status.
    }
  }
  // Reached for plain exits, SIGUSR1, and signals Node keeps ignored (SIGPIPE, SIGXFSZ).
  process.exit(status);
}
