// Runs synchronous cleanups on every way out of the shim (signal-exit v4), without changing how it dies.

const cleanups = new Set<() => void>();
/** Set by the first onShimExit: settles once signal-exit listens. */
let armed: Promise<void> | undefined;

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
 * signal-exit (its module, then 17 signal handlers: about 1 ms) is set up `armAfterMs` after the first call (at once
 * when 0: see exitHookArmed), so a run shorter than that never pays for it; a fatal signal before then skips the
 * cleanup (a registry entry left so is judged by its process stamp, as after kill -9). The first call decides.
 * Returns a function that drops the cleanup (safe to call at any time).
 */
export function onShimExit(cleanup: () => void, armAfterMs = 0): () => void {
  if (armed === undefined) {
    // Until signal-exit is armed, a normal end and an uncaught error still clean up.
    process.once('exit', runAll);
    armed = new Promise<void>((resolve) => {
      const go = () => void arm().then(resolve, resolve);
      if (armAfterMs > 0) setTimeout(go, armAfterMs).unref();
      else go();
    });
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** Settles once signal-exit listens (its module loads first, so even at 0 ms that is a moment after onShimExit). */
export function exitHookArmed(): Promise<void> {
  return armed ?? Promise.resolve();
}

async function arm(): Promise<void> {
  // Loaded here, not with the registry: a run that ends within armAfterMs never loads it.
  const { onExit } = await import('signal-exit');
  // One registration for the life of the process: removing signal-exit
  // callbacks while it runs them would skip the next one.
  onExit(runAll);
  // signal-exit listens for SIGXFSZ, and once Node has had a listener there the
  // signal stays fatal. Node ignores it by default (a write past ulimit -f
  // fails with EFBIG instead); this listener keeps it that way.
  if (process.platform !== 'win32') process.on('SIGXFSZ', () => {});
}
