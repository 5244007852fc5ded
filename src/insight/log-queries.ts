// The bounded reads of a log DB that `top` and the crash bundle share, on a connection the caller opened. No
// better-sqlite3 import here: the crash path loads SQLite only inside its own guarded step.
import type { Db } from '../sqlite/open.ts';

/** One group of rows: how many, and their `estimated_bytes` (Codex's own estimate of each row's size). */
export interface Group {
  name: string;
  rows: number;
  bytes: number;
}

/** Sums groups by name (pure), biggest bytes first, then most rows; the first `limit`. */
export function biggest(rows: ReadonlyArray<{ name: string; rows: number; bytes: number }>, limit: number): Group[] {
  const by = new Map<string, Group>();
  for (const r of rows) {
    const g = by.get(r.name) ?? { name: r.name, rows: 0, bytes: 0 };
    g.rows += r.rows;
    g.bytes += r.bytes;
    by.set(r.name, g);
  }
  return [...by.values()]
    .sort((a, b) => b.bytes - a.bytes || b.rows - a.rows || (a.name < b.name ? -1 : 1))
    .slice(0, limit);
}

/** Rows and bytes of one target at one level. */
export interface TargetLevel {
  target: string;
  level: string;
  rows: number;
  bytes: number;
}

/**
 * The newest `sampleRows` rows grouped by target and level, found by a rowid range so the read stays bounded however
 * big the table is; only rows from `sinceTs` (epoch seconds) on when given. `biggest` sums them by either.
 */
export function newestGroups(db: Db, sampleRows: number, sinceTs = 0): TargetLevel[] {
  const maxId = (db.prepare('SELECT max(id) FROM logs').pluck().get() as number | null) ?? 0;
  return db
    .prepare(
      'SELECT target, level, count(*) AS rows, coalesce(sum(estimated_bytes), 0) AS bytes FROM logs WHERE id > ? AND ts >= ? GROUP BY target, level',
    )
    .all(Math.max(0, maxId - sampleRows), sinceTs) as TargetLevel[];
}

/** Rows per `seconds`-long slice from `sinceTs` (epoch seconds) on, through Codex's own ts index: [slice start in s, rows]. */
export function rowsPer(db: Db, seconds: number, sinceTs: number): Array<[number, number]> {
  const rows = db
    .prepare('SELECT ts / ? AS slice, count(*) AS n FROM logs WHERE ts >= ? GROUP BY slice ORDER BY slice')
    .all(seconds, sinceTs) as Array<{ slice: number; n: number }>;
  return rows.map((r) => [r.slice * seconds, r.n]);
}
