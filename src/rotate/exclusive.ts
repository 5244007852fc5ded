// Exclusive rotation: copy the kept rows into a fresh file beside the DB, then swap it in and keep the old set as an archive.
import { statSync } from 'node:fs';
import { copyKept, type CopyStats } from '../sqlite/copy-kept.ts';
import type { KeepPolicy } from '../sqlite/kept.ts';
import { failure, type StepResult } from '../sqlite/errors.ts';
import { fsyncFile } from './fsync.ts';
import { dropBuild, finalizeArchives, finishSwap, markReady, paths, stageArchive } from './swap.ts';
import { estimateBytes, freeBytes } from './space.ts';
import { humanSize } from '../human.ts';
import { carryRows, lockOld, releaseWhenFree } from './old-lock.ts';
import { inodeOpeners } from '../codex/holders.ts';
import { join } from 'node:path';

/** The named steps, in order (reported to onStep before each one runs). */
export type ExclusiveStep =
  | 'estimate'
  | 'copy'
  | 'lock'
  | 'fsync'
  | 'recheck'
  | 'stage'
  | 'ready'
  | 'swap'
  | 'archive'
  | 'release';

/** Options beyond the keep policy. */
export interface ExclusiveOptions extends KeepPolicy {
  /** Called before each step: progress display, and tests that stop a rotation at an exact point. */
  onStep?: (step: ExclusiveStep) => void;
  /** Checked again just before the point of no return; a non-empty answer aborts (someone opened the DB). */
  openers: (paths: string[]) => Promise<readonly number[]>;
  at?: Date;
  /** Who has the old file open after the swap, under any name (default: the OS check by inode). */
  inodeOpeners?: (files: string[]) => Promise<readonly number[]>;
  /** How long to wait for the old DB's lock (default 250 ms: a connection that has read it holds it). */
  oldLockWaitMs?: number;
}

/** How long the old DB stays locked after the swap at most, while a late opener still has it open (Codex's busy timeout is 5 s). */
const LATE_HOLD_MS = 6_000;

/** What an exclusive rotation did. E_NO_LINKS: the file system has no hard links (use shared instead). */
export interface ExclusiveResult extends StepResult {
  keptRows?: number;
  totalRows?: number;
  archive?: string;
  bytesAfter?: number;
}

/**
 * Never leaves the live DB missing or corrupt: until `ready` the live files are untouched
 * (a failure just deletes the build); from `ready` on, recover() finishes the swap.
 * The caller holds the maintenance lock and has checked that nobody has the DB open. From
 * just after the copy until nobody has the old file open, the old DB is locked exclusively:
 * rows written between the copy and the lock are carried into the new file, and none after.
 */
export async function rotateExclusive(dir: string, name: string, options: ExclusiveOptions): Promise<ExclusiveResult> {
  const p = paths(dir, name);
  const step = (s: ExclusiveStep) => options.onStep?.(s);
  let stats: CopyStats;
  let old: ReturnType<typeof lockOld> | undefined;
  let carried = 0;
  const abandon = (result: ExclusiveResult): ExclusiveResult => {
    old?.close();
    dropBuild(dir, name);
    return result;
  };
  try {
    step('estimate');
    const need = estimateBytes(p.main, options);
    const free = freeBytes(dir);
    if (free !== undefined && free < need) {
      return {
        ok: false,
        code: 'E_DISK_FULL',
        message: `${name}: ${humanSize(free)} free, the new file needs about ${humanSize(need)}; not rotated`,
      };
    }
    dropBuild(dir, name);
    step('copy');
    stats = copyKept(p.main, p.build, options);
    step('lock');
    try {
      old = lockOld(p.main, options.oldLockWaitMs ?? 250);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      return abandon({
        ok: false,
        code: 'E_IN_USE',
        message: `${name} was opened by another process during the rotation; left as it was`,
      });
    }
    carried = carryRows(old, p.build, stats.lastId);
    step('fsync');
    fsyncFile(p.build);
    step('recheck');
    const users = await options.openers([p.main, p.wal, p.shm]);
    if (users.length)
      return abandon({
        ok: false,
        code: 'E_IN_USE',
        message: `${name} was opened by pid ${users.join(', ')} during the rotation; left as it was`,
      });
  } catch (error) {
    return abandon(failure(`cannot rotate ${name}; left as it was`, error));
  }
  try {
    step('stage');
    stageArchive(dir, name, options.at ?? new Date());
  } catch (error) {
    old.close();
    dropBuild(dir, name);
    finalizeArchives(dir, name); // drops the half-made partial: its links are of the live files
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV' || code === 'EMLINK') {
      return {
        ok: false,
        code: 'E_NO_LINKS',
        message: `${name}: this file system cannot hard-link (${code}); not swapped`,
      };
    }
    return failure(`cannot archive ${name}; left as it was`, error);
  }
  let archive: string | undefined;
  try {
    step('ready');
    markReady(dir, name);
    step('swap');
    finishSwap(dir, name);
    step('archive');
    [archive] = finalizeArchives(dir, name);
  } catch (error) {
    old.close();
    // The live DB is the old or the new file, whole; the next recovery finishes the rest.
    return failure(`cannot finish swapping ${name} (the next run completes it)`, error);
  }
  step('release');
  const oldFiles = archive ? [join(archive, name), join(archive, `${name}-wal`)] : [];
  const late = await releaseWhenFree(
    old,
    () => (oldFiles.length ? (options.inodeOpeners ?? inodeOpeners)(oldFiles) : Promise.resolve([])),
    LATE_HOLD_MS,
  );
  const notes = [
    carried ? `${carried} rows written meanwhile came along` : '',
    late.length
      ? `pid ${late.join(', ')} opened the old file during the swap and waits on SQLite until it lets go (at most ${LATE_HOLD_MS / 1000} s)`
      : '',
  ].filter(Boolean);
  return {
    ok: true,
    code: 'OK',
    message: `${name}: kept ${stats.keptRows} of ${stats.totalRows} rows in a fresh file; the old one is in ${archive ?? 'an archive'}${notes.map((n) => `; ${n}`).join('')}`,
    ...stats,
    keptRows: stats.keptRows + carried,
    totalRows: stats.totalRows + carried,
    archive,
    bytesAfter: statSync(p.main).size,
  };
}
