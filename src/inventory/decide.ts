// Decides, from names and sizes alone, what the pre-flight must do: finish an interrupted rotation, rotate, checkpoint.
import type { Limits } from './limits.ts';
import type { DbFiles, Inventory } from './scan.ts';
import { humanSize } from '../human.ts';

/** One thing to do to one DB. Recoveries come first, then rotations, then checkpoints. */
export type Action =
  | { kind: 'recover'; db: string; reason: string }
  | { kind: 'rotate'; db: DbFiles; reason: string }
  | { kind: 'checkpoint'; db: DbFiles; reason: string }
  /** A -wal over the limit whose main file is missing: never touched, only reported. */
  | { kind: 'orphan-wal'; db: DbFiles; reason: string };

/** The name of the DB an action is about. */
export function actionDb(action: Action): string {
  return typeof action.db === 'string' ? action.db : action.db.name;
}

/** `force` rotates every log DB that exists, whatever its size (`codexguard rotate --force`). */
export interface DecideOptions {
  force?: boolean;
}

/**
 * The pre-flight's decision. An empty list means nothing is over a limit and nothing
 * needs opening. A log DB is measured by main file + -wal (its data lives in both); a
 * DB due for rotation is not also checkpointed (the rotation takes care of its -wal). A recovery
 * counts as that run's rotation of its DB: the sizes were taken before it, and rotating the file
 * it rolls forward to would archive a copy of the kept rows in place of the real archive.
 */
export function decide(inventory: Inventory, limits: Limits, options: DecideOptions = {}): Action[] {
  const actions: Action[] = inventory.leftovers.map((db) => ({
    kind: 'recover',
    db,
    reason: 'an interrupted rotation left files behind',
  }));
  const checkpoints: Action[] = [];
  const recovering = new Set(inventory.leftovers);
  for (const db of inventory.dbs) {
    if (recovering.has(db.name)) continue;
    if (!db.exists) {
      if (db.walSize > limits.walMaxBytes)
        checkpoints.push({
          kind: 'orphan-wal',
          db,
          reason: `${db.name}-wal is ${humanSize(db.walSize)} but ${db.name} is missing`,
        });
      continue;
    }
    const total = db.size + db.walSize;
    if (db.kind === 'log' && (options.force || total > limits.logMaxBytes)) {
      const reason = options.force ? 'forced' : `${humanSize(total)} is over ${humanSize(limits.logMaxBytes)}`;
      actions.push({ kind: 'rotate', db, reason });
    } else if (db.walSize > limits.walMaxBytes) {
      checkpoints.push({
        kind: 'checkpoint',
        db,
        reason: `-wal ${humanSize(db.walSize)} is over ${humanSize(limits.walMaxBytes)}`,
      });
    }
  }
  return actions.concat(checkpoints);
}

/** A rotation that cannot happen now still folds its WAL back when that is over the limit (Codex's lock guards its vacuum, not checkpoints). */
export function checkpointInstead(db: DbFiles, walMaxBytes: number): Action[] {
  return db.walSize > walMaxBytes
    ? [{ kind: 'checkpoint', db, reason: `-wal ${humanSize(db.walSize)} is over ${humanSize(walMaxBytes)}` }]
    : [];
}

/** While codex runs: checkpoint every WAL over its limit, the log DB's included; never rotate, never recover. */
export function watchActions(inventory: Inventory, limits: Limits): Action[] {
  return decide(inventory, limits).flatMap((a) =>
    a.kind === 'checkpoint' ? [a] : a.kind === 'rotate' ? checkpointInstead(a.db, limits.walMaxBytes) : [],
  );
}
