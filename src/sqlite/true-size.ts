// What a DB file's bytes really hold: live data, free pages (kept in the file; Codex's own 64 MiB budget for the log
// DB counts only occupied pages), and its WAL. Read-only, with a short busy timeout; for status and doctor, never the
// launch path.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { openExisting } from './open.ts';

/** A DB's pages: what holds rows (and indexes), and what is free inside the file. Bytes. */
export interface TrueSize {
  liveBytes: number;
  freeBytes: number;
  pageSize: number;
}

/** Codex's own budget for the log DB (codex-rs/state, 0.161+): it prunes until occupied pages fit in 64 MiB. */
export const CODEX_LOG_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * The true size of `path`, or why it could not be read (busy, not SQLite). With its -wal and -shm beside it (as Codex
 * leaves them) SQLite reads it read-only, the WAL's pages included. Without them the file is complete, and its
 * header says it all (page size at byte 16, free-list pages at byte 36): opening it would make a -wal and a -shm.
 */
export function trueSize(path: string, busyTimeoutMs = 100): TrueSize | { error: string } {
  if (!existsSync(`${path}-wal`) || !existsSync(`${path}-shm`)) return fromHeader(path);
  try {
    const db = openExisting(path, { readonly: true, busyTimeoutMs });
    try {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const pages = db.pragma('page_count', { simple: true }) as number;
      const free = db.pragma('freelist_count', { simple: true }) as number;
      return { liveBytes: (pages - free) * pageSize, freeBytes: free * pageSize, pageSize };
    } finally {
      db.close();
    }
  } catch (error) {
    return { error: (error as { code?: string }).code ?? (error as Error).message.split('\n')[0]! };
  }
}

/** Live and free bytes from the 100-byte header of a SQLite file with nothing in a WAL. */
export function fromHeader(path: string): TrueSize | { error: string } {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const header = Buffer.alloc(100);
    if (readSync(fd, header, 0, 100, 0) < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0')
      return { error: 'SQLITE_NOTADB' };
    const raw = header.readUInt16BE(16);
    const pageSize = raw === 1 ? 65_536 : raw;
    const pages = Math.floor(fstatSync(fd).size / pageSize);
    const free = Math.min(header.readUInt32BE(36), pages);
    return { liveBytes: (pages - free) * pageSize, freeBytes: free * pageSize, pageSize };
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
