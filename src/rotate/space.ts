// Whether the new file of an exclusive rotation fits: its estimated size against the free space beside the DB.
import { statfsSync, statSync } from 'node:fs';
import { openExisting } from '../sqlite/open.ts';
import { keptIdsSql, keptParams, type KeepPolicy } from '../sqlite/kept.ts';

/** About how big the new file will be: the kept share of the old db + -wal, plus slack for indexes. */
export function estimateBytes(main: string, policy: KeepPolicy): number {
  const db = openExisting(main, { readonly: true });
  try {
    const total = db.prepare('SELECT count(*) FROM logs').pluck().get() as number;
    const kept = db
      .prepare(`SELECT count(*) FROM (${keptIdsSql()})`)
      .pluck()
      .get(...keptParams(policy)) as number;
    const bytes = statSync(main).size + (statSync(`${main}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    return Math.ceil(((bytes * kept) / Math.max(1, total)) * 1.1) + 1_000_000;
  } finally {
    db.close();
  }
}

/** Bytes an unprivileged writer may still use in `dir`'s file system (undefined when the OS will not say). */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}
