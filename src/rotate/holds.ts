// The old DBs still held after a swap (see old-lock.ts), so that a short-lived `codexguard` command lets them go before it exits.

const pending = new Set<Promise<void>>();

/** Keeps track of a hold until it ends. */
export function trackHold(done: Promise<void>): void {
  pending.add(done);
  void done.finally(() => pending.delete(done));
}

/** Resolves once every hold has ended (each ends within its own bound); at once when there is none. Keeps the process alive meanwhile. */
export async function holdsSettled(): Promise<void> {
  if (!pending.size) return;
  const alive = setInterval(() => {}, 1000); // the holds' own timers are unref'd
  try {
    while (pending.size) await Promise.all([...pending]);
  } finally {
    clearInterval(alive);
  }
}
