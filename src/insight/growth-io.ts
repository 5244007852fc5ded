// Records a growth point (at most one an hour) in $CODEX_HOME/codexguard/growth.jsonl, and reads them back.
import { appendFileSync, existsSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Inventory } from '../inventory/scan.ts';
import { ensureGuardDir, guardDir, writePrivateAtomic } from '../private-fs.ts';
import { readRegularFile } from '../safe-read.ts';
import { formatPoint, KEEP_MS, keptPoints, parsePoints, pointDue, type GrowthPoint } from './growth.ts';

/** The points file of a Codex home. */
export function growthFile(codexHome: string): string {
  return join(guardDir(codexHome), 'growth.jsonl');
}

/** 30 days of hourly points for a few DBs is about 150 KB; past this the file is not codexguard's and is not read. */
const MAX_BYTES = 4 * 1024 * 1024;

/** The points recorded for a Codex home, oldest first ([] when none, unreadable, or not a regular file). */
export function readPoints(codexHome: string): GrowthPoint[] {
  const read = readRegularFile(growthFile(codexHome), MAX_BYTES, { noFollow: true });
  return read.ok ? parsePoints(read.text) : [];
}

/**
 * The log table's newest row id (`sqlite_sequence`: Codex's logs table is AUTOINCREMENT), read-only with a 100 ms
 * busy timeout. Only when the DB's -wal and -shm are there (as Codex leaves them): opening it without them would
 * make them. Null when it cannot be read.
 */
async function newestRowId(path: string): Promise<number | null> {
  if (!existsSync(`${path}-wal`) || !existsSync(`${path}-shm`)) return null;
  try {
    const { openExisting } = await import('../sqlite/open.ts');
    const db = openExisting(path, { readonly: true, busyTimeoutMs: 100 });
    try {
      const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'logs'").pluck().get();
      return typeof seq === 'number' ? seq : null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

/**
 * Appends a point for the DBs of `inventory` if the last one is an hour old (the file's mtime says when), and drops
 * points older than 30 days. Made only where Codex's home exists; never throws. True when a point was written.
 */
export async function recordPointIfDue(codexHome: string, inventory: Inventory, now = Date.now()): Promise<boolean> {
  const file = growthFile(codexHome);
  try {
    const st = lstatSync(file, { throwIfNoEntry: false });
    // Only codexguard's own regular file is appended to (a FIFO there would block the end of a session).
    if (st !== undefined && !st.isFile()) return false;
    if (!pointDue(st?.mtimeMs, now)) return false;
    const present = inventory.dbs.filter((db) => db.exists);
    if (present.length === 0) return false;
    const dbs: GrowthPoint['dbs'] = {};
    for (const db of present)
      dbs[db.name] = { size: db.size, wal: db.walSize, maxId: db.kind === 'log' ? await newestRowId(db.path) : null };
    const line = `${formatPoint({ at: now, dir: inventory.dir, dbs })}\n`;
    ensureGuardDir(codexHome, dirname(file));
    const points = readPoints(codexHome);
    if (points.length && now - points[0]!.at > KEEP_MS) {
      writePrivateAtomic(file, `${keptPoints(points, now).map(formatPoint).join('\n')}\n${line}`);
    } else {
      appendFileSync(file, line, { mode: 0o600 });
    }
    return true;
  } catch {
    return false;
  }
}
