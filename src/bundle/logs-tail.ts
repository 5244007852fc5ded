// logs-tail.jsonl: the last log rows written during the session, WARN and above first, each redacted.
import { scanInventory } from '../inventory/scan.ts';
import { biggest, newestGroups, rowsPer, type Group } from '../insight/log-queries.ts';
import { redactText, redactValue } from './redact.ts';
import { oneLine } from '../errors.ts';

/** Levels that go first. */
const SEVERE = ['ERROR', 'WARN', 'WARNING', 'FATAL', 'CRITICAL', 'PANIC'];
const IN_SEVERE = `upper(level) IN (${SEVERE.map((l) => `'${l}'`).join(',')})`;

/** The tail: rows (already redacted, severe first), counts by level over the session, and the DBs read. */
export interface LogsTail {
  rows: Array<Record<string, unknown>>;
  levels: Record<string, number>;
  sources: string[];
  errors: string[];
  /** The session's targets with the most bytes (`estimated_bytes`), from its newest 50 000 rows. */
  targets: Group[];
  /** Rows written per minute over the session's last 10 minutes (minutes with none left out), oldest first. */
  perMinute: Array<{ minute: string; rows: number }>;
}

/** The newest rows the targets are counted from, and the minutes looked at before the crash. */
const TARGET_ROWS = 50_000;
const LAST_MINUTES = 10;

/** Row as stored in the bundle: the DB it came from, an ISO time, then every column, redacted. */
function present(db: string, row: Record<string, unknown>): Record<string, unknown> {
  const ts = Number(row.ts);
  const nanos = Number(row.ts_nanos ?? 0);
  const time = Number.isFinite(ts) ? new Date(ts * 1000 + Math.floor(nanos / 1e6)).toISOString() : null;
  return { db, time, ...(redactValue(row) as Record<string, unknown>) };
}

/** Reads up to `limit` session rows (ts ≥ sessionStart) from every log DB in `dir`, read-only, with a short busy timeout. */
export async function readLogsTail(dir: string, sessionStart: number, limit: number): Promise<LogsTail> {
  const tail: LogsTail = { rows: [], levels: {}, sources: [], errors: [], targets: [], perMinute: [] };
  const targets: Group[] = [];
  const minutes = new Map<number, number>();
  const logs = scanInventory(dir).dbs.filter((d) => d.kind === 'log' && d.exists);
  if (logs.length === 0 || limit <= 0) return tail;
  const { openExisting } = await import('../sqlite/open.ts');
  const since = Math.floor(sessionStart / 1000);
  const severe: Array<Record<string, unknown>> = [];
  const rest: Array<Record<string, unknown>> = [];
  for (const db of logs) {
    try {
      const conn = openExisting(db.path, { readonly: true, busyTimeoutMs: 100 });
      try {
        const order = 'ORDER BY ts DESC, ts_nanos DESC, id DESC LIMIT ?';
        const a = conn.prepare(`SELECT * FROM logs WHERE ts >= ? AND ${IN_SEVERE} ${order}`).all(since, limit) as Array<
          Record<string, unknown>
        >;
        const b = conn
          .prepare(`SELECT * FROM logs WHERE ts >= ? AND NOT ${IN_SEVERE} ${order}`)
          .all(since, limit) as Array<Record<string, unknown>>;
        for (const { level, n } of conn
          .prepare('SELECT upper(level) AS level, count(*) AS n FROM logs WHERE ts >= ? GROUP BY 1')
          .all(since) as Array<{ level: string; n: number }>) {
          tail.levels[level] = (tail.levels[level] ?? 0) + n;
        }
        // Bounded as `codexguard top` is: a rowid range over the newest rows, and Codex's ts index for the minutes.
        for (const g of newestGroups(conn, TARGET_ROWS, since))
          targets.push({ name: g.target, rows: g.rows, bytes: g.bytes });
        const lastMinutes = Math.max(since, Math.floor(Date.now() / 1000) - LAST_MINUTES * 60);
        for (const [at, n] of rowsPer(conn, 60, lastMinutes)) minutes.set(at, (minutes.get(at) ?? 0) + n);
        severe.push(...a.map((r) => present(db.name, r)));
        rest.push(...b.map((r) => present(db.name, r)));
        tail.sources.push(db.name);
      } finally {
        conn.close();
      }
    } catch (error) {
      tail.errors.push(`${db.name}: ${oneLine(error)}`);
    }
  }
  const newest = (x: Record<string, unknown>, y: Record<string, unknown>) =>
    String(y.time).localeCompare(String(x.time));
  const first = severe.sort(newest).slice(0, limit);
  const second = rest.sort(newest).slice(0, limit - first.length);
  // Within each group, oldest first, as a log reads.
  tail.rows = [...first.reverse(), ...second.reverse()];
  // Target names are code paths, but one can carry text: redacted like the rows.
  tail.targets = biggest(targets, 5).map((g) => ({ ...g, name: redactText(g.name) }));
  tail.perMinute = [...minutes]
    .sort((a, b) => a[0] - b[0])
    .map(([at, rows]) => ({ minute: `${new Date(at * 1000).toISOString().slice(0, 16)}Z`, rows }));
  return tail;
}

/** The tail as JSON lines. */
export function toJsonl(rows: ReadonlyArray<Record<string, unknown>>): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}
