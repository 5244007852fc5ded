// Runs synchronous cleanups on every way out of the shim (signal-exit v4), without changing how it dies.
import { onExit } from 'signal-exit';

const cleanups = new Set<() => void>();
let loaded = false;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // A cleanup must never change how the process ends.
    }
  }
}

/**
 * Calls `cleanup` once when the process ends: normal end, process.exit,
 * uncaught exception, or a fatal signal. `cleanup` must be synchronous; its
 * errors are swallowed. signal-exit re-raises a signal after cleanups, so the
 * death is unchanged; and it stays out of the way while other listeners handle
 * a signal (the shim forwarding SIGTERM/SIGHUP/SIGQUIT and ignoring SIGINT
 * while codex runs). It does NOT run when a listener-less re-raise kills the
 * process (mirrorExit): call the cleanup yourself before that.
 * Returns a function that drops the cleanup (safe to call at any time).
 */
export function onShimExit(cleanup: () => void): () => void {
  if (!loaded) {
    loaded = true;
    // One registration for the life of the process: removing signal-exit
    // callbacks while it runs them would skip the next one.
    onExit(runAll);
    // signal-exit listens for SIGXFSZ, and once Node has had a listener there the
    // signal stays fatal. Node ignores it by default (a write past ulimit -f
    // fails with EFBIG instead); this listener keeps it that way.
    if (process.platform !== 'win32') process.on('SIGXFSZ', () => {});
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
