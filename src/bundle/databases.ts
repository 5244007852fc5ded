// databases.json: every Codex DB's size, WAL size and (log DBs) row counts at launch and at the crash, and the growth.
import { scanInventory } from '../inventory/scan.ts';
import { redactText } from './redact.ts';
import type { DbSnapshot } from './types.ts';
import { oneLine } from '../errors.ts';

/** One DB at the crash. Row counts are null when not counted (state DBs, no time left, or the DB could not be read). */
export interface DbAtCrash {
  name: string;
  kind: 'log' | 'state';
  exists: boolean;
  size: number;
  walSize: number;
  freePages: number | null;
  rows: number | null;
  /** Rows written since the session started (log DBs). */
  sessionRows: number | null;
  error?: string;
}

/** One line of databases.json: launch sizes (when a snapshot was taken), crash state, growth in bytes. */
export interface DbReport extends DbAtCrash {
  launch: { size: number; walSize: number } | null;
  growth: { size: number; walSize: number } | null;
}

/** Reads every DB in `dir` read-only, with a short busy timeout; counts only log rows, and only while time is left. */
export async function databasesAtCrash(
  dir: string,
  sessionStart: number,
  timeLeft: () => number,
): Promise<DbAtCrash[]> {
  const dbs = scanInventory(dir).dbs;
  let open: typeof import('../sqlite/open.ts').openExisting | undefined;
  const out: DbAtCrash[] = [];
  for (const db of dbs) {
    const entry: DbAtCrash = {
      name: db.name,
      kind: db.kind,
      exists: db.exists,
      size: db.size,
      walSize: db.walSize,
      freePages: null,
      rows: null,
      sessionRows: null,
    };
    out.push(entry);
    if (!db.exists || timeLeft() < 100) continue;
    try {
      open ??= (await import('../sqlite/open.ts')).openExisting;
      const conn = open(db.path, { readonly: true, busyTimeoutMs: 100 });
      try {
        entry.freePages = conn.pragma('freelist_count', { simple: true }) as number;
        if (db.kind === 'log' && timeLeft() > 100) {
          entry.rows = conn.prepare('SELECT count(*) FROM logs').pluck().get() as number;
          entry.sessionRows = conn
            .prepare('SELECT count(*) FROM logs WHERE ts >= ?')
            .pluck()
            .get(Math.floor(sessionStart / 1000)) as number;
        }
      } finally {
        conn.close();
      }
    } catch (error) {
      entry.error = redactText(oneLine(error));
    }
  }
  return out;
}

/** Joins the launch snapshot to the crash state (pure); DBs seen only at launch appear as gone. */
export function compareDatabases(crash: readonly DbAtCrash[], launch: DbSnapshot | undefined): DbReport[] {
  const before = new Map((launch?.dbs ?? []).map((d) => [d.name, d]));
  const out: DbReport[] = crash.map((db) => {
    const l = before.get(db.name);
    before.delete(db.name);
    const at =
      l && l.exists !== false
        ? { size: l.size, walSize: l.walSize }
        : launch
          ? { size: 0, walSize: l?.walSize ?? 0 }
          : null;
    return { ...db, launch: at, growth: at ? { size: db.size - at.size, walSize: db.walSize - at.walSize } : null };
  });
  for (const l of before.values()) {
    const kind = /^logs_\d+\.sqlite$/.test(l.name) ? 'log' : 'state';
    out.push({
      name: l.name,
      kind,
      exists: false,
      size: 0,
      walSize: 0,
      freePages: null,
      rows: null,
      sessionRows: null,
      launch: { size: l.size, walSize: l.walSize },
      growth: { size: -l.size, walSize: -l.walSize },
    });
  }
  return out;
}
