// Writes a fresh log DB holding only the kept rows, with the exact schema, _sqlx_migrations and sqlite_sequence of the old one.
import { createFresh, ident, openExisting } from './open.ts';
import { keptIdsSql, keptParams, type KeepPolicy } from './kept.ts';

/** What the copy holds. */
export interface CopyStats {
  keptRows: number;
  totalRows: number;
  /** The highest `logs.id` the copy saw (0 when empty): any row above it was written after the copy. */
  lastId: number;
}

interface SchemaObject {
  type: string;
  name: string;
  sql: string;
}

/** Thrown when the file is SQLite but not a Codex log DB (no `logs` table, or something we cannot copy faithfully). */
export class NotALogDb extends Error {
  readonly code = 'E_NOT_LOG_DB';
}

/**
 * Builds `dest` from `src` without changing `src` in any way: tables first, then the data
 * (every row of every table except `logs`, whose kept rows are copied in id order), then
 * sqlite_sequence exactly as it was, then indexes and triggers, so that the new file is
 * compact. It is written with no journal (a failed copy is simply deleted), then switched
 * to WAL, closed and fsynced: page_size 4096, auto_vacuum=INCREMENTAL, journal_mode=wal,
 * as Codex makes its own.
 *
 * `src` is attached read-write (better-sqlite3 has no URI filenames), so a read-only
 * "guard" connection stays open meanwhile: the attached one is then never the last
 * connection, and SQLite's checkpoint-on-close never writes the old -wal into the old
 * file (which would cost its size in writes and change the archive).
 */
export function copyKept(src: string, dest: string, policy: KeepPolicy): CopyStats {
  const guard = openExisting(src, { readonly: true });
  try {
    guard.prepare('SELECT count(*) FROM sqlite_schema').get(); // fails fast on a non-SQLite or corrupt header
    const db = createFresh(dest);
    try {
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.pragma('cache_size = -32768');
      db.prepare('ATTACH DATABASE ? AS src').run(src);
      const stats = db.transaction(() => copyAll(db, policy))();
      db.exec('DETACH DATABASE src');
      db.pragma('journal_mode = WAL');
      return stats;
    } finally {
      db.close();
    }
  } finally {
    guard.close();
  }
}

function copyAll(db: ReturnType<typeof createFresh>, policy: KeepPolicy): CopyStats {
  const objects = db
    .prepare('SELECT type, name, sql FROM src.sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid')
    .all() as SchemaObject[];
  if (!objects.some((o) => o.type === 'table' && o.name === 'logs'))
    throw new NotALogDb('not a Codex log DB (no logs table)');
  if (objects.some((o) => /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(o.sql)))
    throw new NotALogDb('has a virtual table: not copied');
  const tables = objects.filter((o) => o.type === 'table' && !o.name.startsWith('sqlite_'));
  for (const table of tables) db.exec(table.sql);
  for (const pragma of ['user_version', 'application_id']) {
    db.pragma(`main.${pragma} = ${Number(db.pragma(`src.${pragma}`, { simple: true }))}`);
  }
  for (const table of tables) {
    if (table.name !== 'logs') db.exec(`INSERT INTO main.${ident(table.name)} SELECT * FROM src.${ident(table.name)}`);
  }
  const keptRows = db
    .prepare(`INSERT INTO main.logs SELECT * FROM src.logs WHERE id IN (${keptIdsSql('src')}) ORDER BY id`)
    .run(...keptParams(policy)).changes;
  if (objects.some((o) => o.name === 'sqlite_sequence')) {
    db.exec('DELETE FROM main.sqlite_sequence; INSERT INTO main.sqlite_sequence SELECT * FROM src.sqlite_sequence');
  }
  for (const object of objects) if (object.type !== 'table') db.exec(object.sql);
  const totalRows = db.prepare('SELECT count(*) FROM src.logs').pluck().get() as number;
  const lastId = (db.prepare('SELECT max(id) FROM src.logs').pluck().get() as number | null) ?? 0;
  return { keptRows, totalRows, lastId };
}
