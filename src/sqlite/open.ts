// Opens SQLite files with better-sqlite3 (loaded only by the modules that need it, never on the no-action launch path).
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Opens an existing DB (never creates one) with a short busy timeout: Codex itself waits 5 s, we never hold it up that long. */
export function openExisting(path: string, options: { readonly?: boolean; busyTimeoutMs?: number } = {}): Db {
  return new Database(path, {
    fileMustExist: true,
    readonly: options.readonly ?? false,
    timeout: options.busyTimeoutMs ?? 250,
  });
}

/** Creates a new, empty DB file that will look like one Codex made (page_size 4096, auto_vacuum=INCREMENTAL). */
export function createFresh(path: string): Db {
  const db = new Database(path);
  db.pragma('page_size = 4096');
  db.pragma('auto_vacuum = INCREMENTAL');
  return db;
}

/** Quotes an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Does the DB at `path` have a table `name`? (Read-only; a DB that cannot be read says no by throwing.) */
export function hasTable(path: string, name: string): boolean {
  const db = openExisting(path, { readonly: true });
  try {
    return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
  } finally {
    db.close();
  }
}
