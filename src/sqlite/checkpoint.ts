// Folds a DB's -wal back into its main file: `wal_checkpoint(PASSIVE)`, which blocks no writer, then TRUNCATE with a short busy timeout.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { failure, readOnly, type StepResult } from './errors.ts';
import { openExisting } from './open.ts';

/** How a checkpoint went; E_BUSY means a live reader or writer blocked it (reported once, never retried in a loop). */
export interface CheckpointResult extends StepResult {
  path: string;
  walBefore: number;
  walAfter: number;
}

/** Default wait for SQLite locks: far below Codex's own 5 s busy timeout, so Codex is never held up for long. */
export const CHECKPOINT_BUSY_MS = 250;

/**
 * Checkpoints an existing DB (never creates one; a -wal whose main file is missing is not ours to
 * touch), as litestream does: PASSIVE first copies what it can without waiting on anyone, so the
 * TRUNCATE after it (which holds Codex's writers off while it waits, at most `busyTimeoutMs`) has
 * little left to copy. busy=1, SQLITE_BUSY or SQLITE_LOCKED → E_BUSY.
 */
export function checkpointDb(path: string, busyTimeoutMs = CHECKPOINT_BUSY_MS): CheckpointResult {
  const walBefore = walSize(path);
  const base = { path, walBefore };
  const denied = readOnly(dirname(path), `checkpoint ${path}`);
  if (denied) return { ...denied, ...base, walAfter: walBefore };
  let db: ReturnType<typeof openExisting>;
  try {
    db = openExisting(path, { busyTimeoutMs });
  } catch (error) {
    return { ...failure(`cannot open ${path} to checkpoint it`, error), ...base, walAfter: walBefore };
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    const row = db.pragma('wal_checkpoint(TRUNCATE)', { simple: false }) as Array<{
      busy: number;
      log: number;
      checkpointed: number;
    }>;
    const { busy = 0, log = -1, checkpointed = -1 } = row[0] ?? {};
    if (busy) {
      return {
        ok: false,
        code: 'E_BUSY',
        message: `${path}: checkpoint blocked by another connection (${checkpointed}/${log} frames copied); left for next time`,
        ...base,
        walAfter: walSize(path),
      };
    }
    return {
      ok: true,
      code: 'OK',
      message: `${path}: -wal checkpointed (${log} frames)`,
      ...base,
      walAfter: walSize(path),
    };
  } catch (error) {
    return { ...failure(`cannot checkpoint ${path}`, error), ...base, walAfter: walSize(path) };
  } finally {
    db.close();
  }
}

function walSize(path: string): number {
  return statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
}
