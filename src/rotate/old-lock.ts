// The old DB's lock through a swap: nobody writes to the old file after the copy, and a process that opened it too late waits on SQLite instead of mixing the old file with the new one's -wal.
import Database from 'better-sqlite3';
import { ident } from '../sqlite/open.ts';
import { trackHold } from './holds.ts';

type Db = InstanceType<typeof Database>;

/**
 * Takes the old DB exclusively (locking_mode EXCLUSIVE, then BEGIN EXCLUSIVE), waiting at most `busyMs`: any
 * connection that has read it holds a shared lock and makes this fail with SQLITE_BUSY. Until `close()`, no other
 * connection can read or write it. That matters after the swap: a process that opened the old file before the
 * rename would otherwise read it and then open the *new* file's -wal and -shm by name, and corrupt the new DB.
 */
export function lockOld(main: string, busyMs: number): Db {
  const db = new Database(main, { fileMustExist: true, timeout: busyMs });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Copies the old DB's log rows above `afterId` (written after the copy, before the lock) into the new file. */
export function carryRows(old: Db, build: string, afterId: number): number {
  const rows = old.prepare('SELECT * FROM logs WHERE id > ? ORDER BY id').all(afterId) as Record<string, unknown>[];
  if (!rows.length) return 0;
  const columns = Object.keys(rows[0]!);
  const db = new Database(build, { fileMustExist: true });
  try {
    const insert = db.prepare(
      `INSERT INTO logs (${columns.map(ident).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    db.transaction(() => {
      for (const row of rows) insert.run(...columns.map((c) => row[c]));
    })();
  } finally {
    db.close();
  }
  return rows.length;
}

/**
 * Lets go of the old DB once no other process has it open (`holders`, by inode). Resolves after the first look,
 * with the pids that have it open: none (the usual case) and it is closed already. Otherwise it looks again every
 * 100 ms for at most `maxMs`, without holding up the caller or keeping the process alive (see holds.ts). A late opener's
 * statements meanwhile fail with SQLITE_BUSY after its own busy timeout (Codex's is 5 s), hence `maxMs` above it.
 */
export async function releaseWhenFree(
  old: Db,
  holders: () => Promise<readonly number[]>,
  maxMs: number,
): Promise<number[]> {
  const started = Date.now();
  const look = async () => {
    try {
      return [...(await holders())];
    } catch {
      return [];
    }
  };
  const close = () => {
    try {
      old.close(); // The file has moved: SQLite neither checkpoints it nor deletes a -wal by name on this close.
    } catch {
      // Closed already.
    }
  };
  const late = await look();
  if (!late.length) {
    close();
    return late;
  }
  // Unref'd: the shim outlives codex's session anyway; a `codexguard` command awaits holdsSettled() before it exits.
  trackHold(
    new Promise<void>((resolve) => {
      const again = async () => {
        if (!(await look()).length || Date.now() - started >= maxMs) {
          close();
          return resolve();
        }
        setTimeout(again, 100).unref();
      };
      setTimeout(again, 100).unref();
    }),
  );
  return late;
}
