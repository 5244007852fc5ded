// What fills a log DB: the targets and levels with the most rows and bytes, and rows per hour over the last days.
// Read-only and bounded: the per-target scan reads only the newest rows (by rowid range), the hours come from Codex's
// own ts index, so it stays within about a second on a 219 MB, 100k-row DB.
import { openExisting } from '../sqlite/open.ts';

/** One group of rows: how many, and their `estimated_bytes` (Codex's own estimate of each row's size). */
export interface Group {
  name: string;
  rows: number;
  bytes: number;
}

/** What `codexguard top` reports for one log DB. */
export interface LogTop {
  /** Rows in the DB (count of the table), and the newest rows the target and level figures are from. */
  rows: number;
  sampled: number;
  targets: Group[];
  levels: Group[];
  /** Rows written per hour over the last `days` days (hours with none are left out), oldest first. */
  hours: Array<{ hour: string; rows: number }>;
}

/** How much to read: the newest `sampleRows` rows for targets and levels, `days` of hours, the 10 biggest targets. */
export interface TopOptions {
  sampleRows?: number;
  days?: number;
  limit?: number;
  now?: number;
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

/**
 * Reads the figures from `path`, read-only with a 100 ms busy timeout. (SQLite makes an empty -wal and -shm beside a
 * WAL-mode file that has none, as Codex itself leaves them after every run.)
 */
export function logTop(path: string, options: TopOptions = {}): LogTop {
  const { sampleRows = 50_000, days = 7, limit = 10, now = Date.now() } = options;
  const db = openExisting(path, { readonly: true, busyTimeoutMs: 100 });
  try {
    const maxId = (db.prepare('SELECT max(id) FROM logs').pluck().get() as number | null) ?? 0;
    const rows = db.prepare('SELECT count(*) FROM logs').pluck().get() as number;
    const from = Math.max(0, maxId - sampleRows);
    const groups = db
      .prepare(
        'SELECT target, level, count(*) AS rows, coalesce(sum(estimated_bytes), 0) AS bytes FROM logs WHERE id > ? GROUP BY target, level',
      )
      .all(from) as Array<{ target: string; level: string; rows: number; bytes: number }>;
    const since = Math.floor(now / 1000) - days * 86_400;
    const hours = db
      .prepare('SELECT ts / 3600 AS h, count(*) AS rows FROM logs WHERE ts >= ? GROUP BY h ORDER BY h')
      .all(since) as Array<{ h: number; rows: number }>;
    return {
      rows,
      sampled: groups.reduce((n, g) => n + g.rows, 0),
      targets: biggest(
        groups.map((g) => ({ name: g.target, rows: g.rows, bytes: g.bytes })),
        limit,
      ),
      levels: biggest(
        groups.map((g) => ({ name: g.level, rows: g.rows, bytes: g.bytes })),
        100,
      ),
      hours: hours.map((x) => ({ hour: `${new Date(x.h * 3_600_000).toISOString().slice(0, 13)}:00Z`, rows: x.rows })),
    };
  } finally {
    db.close();
  }
}
