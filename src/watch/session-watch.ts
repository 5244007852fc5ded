// While codex runs: stat Codex's DB files every wal.watchEvery and checkpoint a WAL over its limit; SQLite is opened only then.
import { watchActions } from '../inventory/decide.ts';
import type { Limits } from '../inventory/limits.ts';
import { scanInventory, type Inventory } from '../inventory/scan.ts';

/** What the watch needs: the SQLite home, the limits, how often, and who hears of each look. */
export interface WatchOptions {
  dir: string;
  limits: Limits;
  everyMs: number;
  /** Called with every look at the files (sizes for the session's figures). */
  onLook?: (inventory: Inventory) => void;
}

/**
 * Starts the watch; the returned function stops it. The timer never keeps the shim alive after codex
 * exits, and nothing is ever printed: codex owns the terminal. A check that fails waits for the next one.
 */
export function watchSession(options: WatchOptions): () => void {
  let busy = false;
  const look = async () => {
    if (busy) return;
    busy = true;
    try {
      const inventory = scanInventory(options.dir);
      options.onLook?.(inventory);
      const due = watchActions(inventory, options.limits);
      if (due.length) {
        const { checkpointDb } = await import('../sqlite/checkpoint.ts');
        for (const action of due) if (action.kind === 'checkpoint') checkpointDb(action.db.path);
      }
    } catch {
      // Fail open: the next look tries again.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void look(), options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
