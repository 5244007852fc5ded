// Rows that a late writer put into the old DB after the copy (it opened the file before the swap) are carried into the live DB, so that none is only in the archive.
import { existsSync, rmSync, statSync } from 'node:fs';
import { openExisting, ident } from '../sqlite/open.ts';

/** Size and mtime of a DB and its -wal: any write to them changes it. */
export function fingerprint(db: string): string {
  return [db, `${db}-wal`].map((f) => {
    const st = statSync(f, { throwIfNoEntry: false });
    return st ? `${st.size}@${st.mtimeMs}` : '-';
  }).join(' ');
}

/** What the carry did. `stillOpen`: pids that kept the old file open past the wait (their later rows stay in the archive). */
export interface CarryResult {
  carried: number;
  stillOpen: number[];
  waitedMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits (at most `waitMs`) until no other process has the old DB `archived` open, then copies its log rows
 * above `afterId` into `live`, with new ids (the live DB has handed out ids of its own since the swap).
 * A writer that opened the path before the swap keeps writing to the old file until it closes it: on Codex
 * that is a short `codex exec` started outside the shim, which closes within milliseconds.
 */
export async function carryLateRows(archived: string, live: string, afterId: number, options: { waitMs: number; holders: (files: string[]) => Promise<readonly number[]>; before: string }): Promise<CarryResult> {
  const started = Date.now();
  // Unchanged since before the copy (the usual case): nobody wrote to it, and it is never opened.
  if (fingerprint(archived) === options.before) return { carried: 0, stillOpen: [], waitedMs: 0 };
  const files = [archived, `${archived}-wal`];
  let holders = await options.holders(files);
  while (holders.length && Date.now() - started < options.waitMs) {
    await sleep(25);
    holders = await options.holders(files);
  }
  const waitedMs = Date.now() - started;
  if (holders.length) return { carried: 0, stillOpen: [...holders], waitedMs };
  // Read-only: the archive stays as it was (a read-write close would checkpoint its -wal into it).
  const hadShm = existsSync(`${archived}-shm`);
  const old = openExisting(archived, { readonly: true });
  try {
    const rows = old.prepare('SELECT * FROM logs WHERE id > ? ORDER BY id').all(afterId) as Record<string, unknown>[];
    if (!rows.length) return { carried: 0, stillOpen: [], waitedMs };
    const columns = Object.keys(rows[0]!).filter((c) => c !== 'id');
    const db = openExisting(live, { busyTimeoutMs: 1000 });
    try {
      const insert = db.prepare(`INSERT INTO logs (${columns.map(ident).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
      db.transaction(() => {
        for (const row of rows) insert.run(Object.fromEntries(columns.map((c) => [c, row[c]])));
      })();
    } finally {
      db.close();
    }
    return { carried: rows.length, stillOpen: [], waitedMs };
  } finally {
    old.close();
    if (!hadShm) rmSync(`${archived}-shm`, { force: true });
  }
}
