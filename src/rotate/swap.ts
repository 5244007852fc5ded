// The crash-safe file moves that put a new DB file in place of an old file set, keeping the old set as an archive.
//
// Order (each step durable before the next; a kill -9 anywhere leaves a state recover() finishes or undoes):
//   1. <db>.codexguard-build is complete and fsynced                          (leftover: deleted)
//   2. stageArchive: <db>.<stamp>.archive.partial/ gets HARD LINKS of db and -wal
//      (nothing at the live path changes; a leftover partial whose db is still the live inode is deleted)
//   3. markReady: rename build -> <db>.codexguard-ready                       (point of no return)
//   4. finishSwap: unlink -wal, unlink -shm, rename ready -> db
//      The old -wal goes BEFORE the new main file arrives: a new db must never meet an old -wal, which
//      SQLite would replay into it. Between the unlink and the rename the live db is the old main file
//      alone (consistent, minus its -wal's rows, which the ready file has): recover() rolls forward.
//   5. finalizeArchives: partial -> <db>.<stamp>.archive/ once its db is no longer the live inode.
import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHIVE, ARCHIVE_PARTIAL, BUILD, READY, archiveName, parseRotationName } from './names.ts';
import { syncDir } from './fsync.ts';

/** The paths of one DB's file set and its work files. */
export function paths(dir: string, name: string) {
  const main = join(dir, name);
  return {
    main,
    wal: `${main}-wal`,
    shm: `${main}-shm`,
    journal: `${main}-journal`,
    build: main + BUILD,
    ready: main + READY,
  };
}

/** Step 2: hard-links the live db (and -wal) into a new partial archive; returns its path. Throws if links are impossible. */
export function stageArchive(dir: string, name: string, at: Date): string {
  const p = paths(dir, name);
  const partial = join(dir, archiveName(name, at, ARCHIVE_PARTIAL));
  mkdirSync(partial);
  linkSync(p.main, join(partial, name));
  if (existsSync(p.wal)) linkSync(p.wal, join(partial, `${name}-wal`));
  syncDir(partial);
  syncDir(dir);
  return partial;
}

/** Step 3: the new DB is complete; from here on recovery finishes the swap. */
export function markReady(dir: string, name: string): void {
  const p = paths(dir, name);
  renameSync(p.build, p.ready);
  syncDir(dir);
}

/** Step 4: old -wal and -shm out, the ready file in (all in one folder, so every step is a plain unlink or rename). */
export function finishSwap(dir: string, name: string): void {
  const p = paths(dir, name);
  rmSync(p.wal, { force: true });
  rmSync(p.shm, { force: true });
  syncDir(dir); // the old -wal is durably gone before the new main file can appear
  renameSync(p.ready, p.main);
  syncDir(dir);
}

/** Step 5: every partial archive of `name` whose db is no longer the live file becomes a finished archive; the others are dropped. */
export function finalizeArchives(dir: string, name: string): string[] {
  const live = inodeOf(join(dir, name));
  const finished: string[] = [];
  for (const entry of readdirSync(dir)) {
    const parsed = parseRotationName(entry);
    if (parsed?.db !== name || parsed.kind !== 'partial') continue;
    const partial = join(dir, entry);
    const archived = inodeOf(join(partial, name));
    if (archived === undefined || archived === live) {
      // Not independent of the live DB (the swap never happened) or empty: only links, safe to drop.
      rmSync(partial, { recursive: true, force: true });
      continue;
    }
    const final = join(dir, entry.slice(0, -ARCHIVE_PARTIAL.length) + ARCHIVE);
    renameSync(partial, final);
    finished.push(final);
  }
  if (finished.length) syncDir(dir);
  return finished;
}

/**
 * Where the -wal staged with the live DB is now: 'none' (none was staged, or no partial holds the live
 * DB), 'live' (still the live -wal), 'gone' (unlinked by the swap, no -wal in its place), 'replaced'
 * (a new -wal in its place: a codex wrote to the live DB since).
 */
export function stagedWal(dir: string, name: string): 'none' | 'live' | 'gone' | 'replaced' {
  const p = paths(dir, name);
  const live = inodeOf(p.main);
  for (const entry of readdirSync(dir)) {
    const parsed = parseRotationName(entry);
    if (parsed?.db !== name || parsed.kind !== 'partial' || inodeOf(join(dir, entry, name)) !== live) continue;
    const staged = inodeOf(join(dir, entry, `${name}-wal`));
    if (staged === undefined) return 'none';
    const now = inodeOf(p.wal);
    return now === staged ? 'live' : now === undefined ? 'gone' : 'replaced';
  }
  return 'none';
}

/**
 * An abandoned swap whose old -wal is no longer live: the ready file holds the only other copy of that
 * -wal's rows, so it becomes an archive of its own (a partial that finalizeArchives finishes), never deleted.
 */
export function keepReadyAsArchive(dir: string, name: string, at: Date): void {
  const p = paths(dir, name);
  const partial = join(dir, archiveName(name, at, ARCHIVE_PARTIAL));
  mkdirSync(partial);
  renameSync(p.ready, join(partial, name));
  syncDir(partial);
  syncDir(dir);
  dropReady(dir, name); // its sidecars (the ready file itself is the archive's now)
}

/** Removes a leftover build file and its SQLite sidecars. */
export function dropBuild(dir: string, name: string): void {
  const p = paths(dir, name);
  for (const suffix of ['', '-wal', '-shm', '-journal']) unlinkQuiet(p.build + suffix);
}

/** Removes the ready file (and sidecars) when a swap is abandoned. */
export function dropReady(dir: string, name: string): void {
  const p = paths(dir, name);
  for (const suffix of ['', '-wal', '-shm', '-journal']) unlinkQuiet(p.ready + suffix);
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function inodeOf(path: string): string | undefined {
  const stats = statSync(path, { throwIfNoEntry: false, bigint: true });
  return stats ? `${stats.dev}:${stats.ino}` : undefined;
}
