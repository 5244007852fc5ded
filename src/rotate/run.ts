// Carries out the pre-flight's actions (recover, rotate, checkpoint) and returns one result per action; never throws.
import { actionDb, type Action } from '../inventory/decide.ts';
import type { Inventory } from '../inventory/scan.ts';
import type { Limits } from '../inventory/limits.ts';
import { checkpointDb, CHECKPOINT_BUSY_MS, type CheckpointResult } from '../sqlite/checkpoint.ts';
import { failure, type StepResult } from '../sqlite/errors.ts';
import { tryMaintenanceLock } from '../codex/maintenance-lock.ts';
import { recoverDb } from './recover.ts';
import { rotateLogDb, type RotateOptions, type RotateResult } from './rotate.ts';

/** How to run the actions; everything but `limits` is optional. */
export interface RunOptions {
  limits: Limits;
  /** Live codex sessions from the registry, asked only when a rotation is due. */
  liveSessions?: () => number | Promise<number>;
  preferShared?: boolean;
  /** How long a rotation or recovery waits for Codex's maintenance lock (default 0; set after Codex's daemon was stopped). */
  lockWaitMs?: number;
  /** The launch path's bound on time spent waiting on Codex's SQLite locks during a rotation (default none). */
  sqliteWaitMs?: number;
  /** How long the check of who has a DB open may take (see RotateOptions.openersTimeoutMs). */
  openersTimeoutMs?: number;
  /** Busy timeout of checkpoints (default 250 ms). */
  busyTimeoutMs?: number;
  onProgress?: (db: string, event: Parameters<NonNullable<RotateOptions['onProgress']>>[0]) => void;
}

/** One action's outcome: the action's kind and DB name, ok/code/message, and the figures of rotations and checkpoints. */
export type ActionResult = StepResult & { action: Action['kind']; db: string } & Partial<Omit<RotateResult, 'db'>> &
  Partial<Omit<CheckpointResult, 'db'>>;

/** Runs `actions` (as decided for `inventory`) one after another. */
export async function runActions(
  inventory: Inventory,
  actions: readonly Action[],
  options: RunOptions,
): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const action of actions) {
    const db = actionDb(action);
    try {
      results.push({ action: action.kind, db, ...(await runOne(inventory.dir, action, options)) });
    } catch (error) {
      results.push({ action: action.kind, db, ...failure(`${action.kind} ${db}`, error) });
    }
  }
  return results;
}

async function runOne(
  dir: string,
  action: Action,
  options: RunOptions,
): Promise<StepResult & Partial<RotateResult & CheckpointResult>> {
  switch (action.kind) {
    case 'recover': {
      const attempt = await tryMaintenanceLock(dir, options.lockWaitMs ?? 0);
      if (attempt.state === 'busy')
        return {
          ok: false,
          code: 'W_DEFERRED',
          message: `leftovers of a rotation wait: ${attempt.reason ?? `a running Codex holds ${dir}/.sqlite-maintenance.lock`}`,
        };
      try {
        const outcome = await recoverDb(dir, action.db);
        return { ok: true, code: 'OK', message: `${action.db}: interrupted rotation ${outcome.action}` };
      } finally {
        if (attempt.state === 'held') await attempt.lock.release();
      }
    }
    case 'rotate': {
      const { limits } = options;
      return rotateLogDb(dir, action.db.name, {
        keepRows: limits.keepRows,
        keepDays: limits.keepDays,
        archives: limits.archives,
        liveSessions: (await options.liveSessions?.()) ?? 0,
        preferShared: options.preferShared,
        lockWaitMs: options.lockWaitMs,
        ...(options.openersTimeoutMs === undefined ? {} : { openersTimeoutMs: options.openersTimeoutMs }),
        ...(options.sqliteWaitMs === undefined ? {} : { prune: { waitBudgetMs: options.sqliteWaitMs } }),
        onProgress: options.onProgress && ((event) => options.onProgress!(action.db.name, event)),
      });
    }
    case 'checkpoint':
      return checkpointDb(action.db.path, options.busyTimeoutMs ?? CHECKPOINT_BUSY_MS);
    case 'orphan-wal':
      return {
        ok: false,
        code: 'E_MISSING',
        message: `${action.reason}; left alone (SQLite would rebuild a DB from it)`,
      };
  }
}
