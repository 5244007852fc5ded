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
 * With `armAfterMs`, signal-exit (17 signal handlers, about 0.7 ms) is set up only that long after the first call, so
 * a short run never pays for it; a fatal signal before then skips the cleanup (a registry entry left so is judged by
 * its process stamp, as after kill -9). The first call decides, for the life of the process.
 * Returns a function that drops the cleanup (safe to call at any time).
 */
export function onShimExit(cleanup: () => void, armAfterMs = 0): () => void {
  if (!loaded) {
    loaded = true;
    if (armAfterMs > 0) {
      // Until signal-exit is armed, a normal end and an uncaught error still clean up.
      process.once('exit', runAll);
      setTimeout(arm, armAfterMs).unref();
    } else arm();
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

function arm(): void {
  // One registration for the life of the process: removing signal-exit
  // callbacks while it runs them would skip the next one.
  onExit(runAll);
  // signal-exit listens for SIGXFSZ, and once Node has had a listener there the
  // signal stays fatal. Node ignores it by default (a write past ulimit -f
  // fails with EFBIG instead); this listener keeps it that way.
  if (process.platform !== 'win32') process.on('SIGXFSZ', () => {});
}
