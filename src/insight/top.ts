// What fills a log DB: the targets and levels with the most rows and bytes, and rows per hour over the last days.
// Read-only and bounded: the per-target scan reads only the newest rows (by rowid range), the hours come from Codex's
// own ts index, so it stays within about a second on a 219 MB, 100k-row DB.
import { openExisting } from '../sqlite/open.ts';
import { biggest, newestGroups, rowsPer, type Group } from './log-queries.ts';

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

/**
 * Reads the figures from `path`, read-only with a 100 ms busy timeout. (SQLite makes an empty -wal and -shm beside a
 * WAL-mode file that has none, as Codex itself leaves them after every run.)
 */
export function logTop(path: string, options: TopOptions = {}): LogTop {
  const { sampleRows = 50_000, days = 7, limit = 10, now = Date.now() } = options;
  const db = openExisting(path, { readonly: true, busyTimeoutMs: 100 });
  try {
    const rows = db.prepare('SELECT count(*) FROM logs').pluck().get() as number;
    const groups = newestGroups(db, sampleRows);
    const hours = rowsPer(db, 3600, Math.floor(now / 1000) - days * 86_400);
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
      hours: hours.map(([at, n]) => ({ hour: `${new Date(at * 1000).toISOString().slice(0, 13)}:00Z`, rows: n })),
    };
  } finally {
    db.close();
  }
}
