// Shared-mode rotation: deletes the rows not kept, in place, in small transactions that yield to Codex, then gives pages back.
import { setTimeout as sleep } from 'node:timers/promises';
import { openExisting, type Db } from './open.ts';
import { keptIdsSql, keptParams, type KeepPolicy } from './kept.ts';

/** How gently to work beside a live Codex. */
export interface PruneOptions {
  /** Rows deleted per transaction (default 2000). */
  batchRows?: number;
  /** Pages freed per incremental_vacuum transaction (default 2048 = 8 MiB). */
  vacuumPages?: number;
  /** SQLite busy timeout per statement (default 250 ms; Codex waits 5 s). */
  busyTimeoutMs?: number;
  /** Give up after this long in total without finishing (default 30 s): what is done stays done. */
  deadlineMs?: number;
  /** Give up once this much time in all went to waiting on Codex's locks (busy timeouts and backoff; default no limit). */
  waitBudgetMs?: number;
  onProgress?: (event: { phase: 'delete' | 'vacuum'; done: number; total: number }) => void;
}

/** What the prune did; `complete` is false when busy or out of time part-way (the DB is consistent either way). */
export interface PruneStats {
  removedRows: number;
  toRemove: number;
  freedPages: number;
  /** Rows in the table at the end (kept rows plus what Codex added meanwhile). */
  keptRows: number;
  complete: boolean;
  /** After the final wal_checkpoint(TRUNCATE): false when a reader kept it from finishing. */
  walTruncated: boolean;
}

/**
 * Deletes by id the rows outside the kept set (computed once: rows Codex adds meanwhile are
 * newer and stay), `batchRows` per BEGIN IMMEDIATE transaction with backoff on SQLITE_BUSY,
 * then runs `PRAGMA incremental_vacuum(n)` in batches (a no-op unless auto_vacuum=INCREMENTAL,
 * as Codex creates its DBs), then one `wal_checkpoint(TRUNCATE)`. Never renames or deletes a file.
 */
export async function pruneInPlace(path: string, policy: KeepPolicy, options: PruneOptions = {}): Promise<PruneStats> {
  const {
    batchRows = 2000,
    vacuumPages = 2048,
    busyTimeoutMs = 250,
    deadlineMs = 30_000,
    waitBudgetMs = Infinity,
    onProgress,
  } = options;
  const deadline = Date.now() + deadlineMs;
  const budget = { leftMs: waitBudgetMs };
  const db = openExisting(path, { busyTimeoutMs });
  try {
    // Checkpoint every 64 MiB instead of every 4 MiB: measured on the 229 MB bench DB this halves the bytes
    // written (pages touched by several batches are written back once), and it bounds the -wal for Codex.
    db.pragma('wal_autocheckpoint = 16384');
    const ids = db
      .prepare(`SELECT id FROM logs WHERE id NOT IN (${keptIdsSql()})`)
      .pluck()
      .all(...keptParams(policy)) as number[];
    // In rowid order, so all rows of a page go in the same batch: a page is freed, not rewritten and freed later.
    ids.sort((a, b) => a - b);
    const stats: PruneStats = {
      removedRows: 0,
      toRemove: ids.length,
      freedPages: 0,
      keptRows: 0,
      complete: false,
      walTruncated: false,
    };
    const remove = db.prepare('DELETE FROM logs WHERE id = ?');
    const batch = db.transaction((slice: number[]) => slice.reduce((n, id) => n + remove.run(id).changes, 0));
    for (let i = 0; i < ids.length; i += batchRows) {
      const removed = await withBackoff(() => batch.immediate(ids.slice(i, i + batchRows)), deadline, budget);
      if (removed === undefined) return finish(db, stats, budget);
      stats.removedRows += removed;
      onProgress?.({ phase: 'delete', done: Math.min(i + batchRows, ids.length), total: ids.length });
      await sleep(2); // let Codex's writer in between our transactions
    }
    const free = () => db.pragma('freelist_count', { simple: true }) as number;
    const totalFree = free();
    while (free() > 0) {
      const before = free();
      const done = await withBackoff(() => db.pragma(`incremental_vacuum(${vacuumPages})`), deadline, budget);
      if (done === undefined || free() >= before) return finish(db, stats, budget); // busy, out of time, or auto_vacuum is off
      stats.freedPages += before - free();
      onProgress?.({ phase: 'vacuum', done: stats.freedPages, total: totalFree });
      await sleep(2);
    }
    stats.complete = true;
    return finish(db, stats, budget);
  } finally {
    db.close();
  }
}

function finish(db: Db, stats: PruneStats, budget: { leftMs: number }): PruneStats {
  stats.keptRows = db.prepare('SELECT count(*) FROM logs').pluck().get() as number;
  // The waiting is used up: whoever kept the prune out would keep the checkpoint out too.
  if (budget.leftMs <= 0) return stats;
  try {
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    stats.walTruncated = row?.busy === 0;
  } catch {
    stats.walTruncated = false;
  }
  return stats;
}

/**
 * Runs `work`, retrying on SQLITE_BUSY/LOCKED with growing pauses (50 ms … 800 ms) until `deadline`, or until the
 * time spent waiting (the failed attempt's busy timeout, and the pauses) has used up `budget`; undefined if it
 * never got through.
 */
async function withBackoff<T>(work: () => T, deadline: number, budget: { leftMs: number }): Promise<T | undefined> {
  for (let pause = 50; ; pause = Math.min(pause * 2, 800)) {
    const started = Date.now();
    try {
      return work();
    } catch (error) {
      if (!/^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code))) throw error;
      budget.leftMs -= Date.now() - started;
      const wait = Math.min(pause, Math.max(0, budget.leftMs));
      if (budget.leftMs <= 0 || Date.now() + wait > deadline) return undefined;
      budget.leftMs -= wait;
      await sleep(wait);
    }
  }
}
