// Exclusive rotation: copy the kept rows into a fresh file beside the DB, then swap it in and keep the old set as an archive.
import { statSync } from 'node:fs';
import { copyKept, type CopyStats } from '../sqlite/copy-kept.ts';
import type { KeepPolicy } from '../sqlite/kept.ts';
import { failure, type StepResult } from '../sqlite/errors.ts';
import { fsyncFile } from './fsync.ts';
import { dropBuild, finalizeArchives, finishSwap, markReady, paths, stageArchive } from './swap.ts';
import { estimateBytes, freeBytes } from './space.ts';
import { carryLateRows, fingerprint, type CarryResult } from './carry.ts';
import { inodeOpeners } from '../codex/holders.ts';
import { join } from 'node:path';

/** The named steps, in order (reported to onStep before each one runs). */
export type ExclusiveStep = 'estimate' | 'copy' | 'fsync' | 'recheck' | 'stage' | 'ready' | 'swap' | 'archive' | 'carry';

/** Options beyond the keep policy. */
export interface ExclusiveOptions extends KeepPolicy {
  /** Called before each step: progress display, and tests that stop a rotation at an exact point. */
  onStep?: (step: ExclusiveStep) => void;
  /** Checked again just before the point of no return; a non-empty answer aborts (someone opened the DB). */
  openers: (paths: string[]) => Promise<readonly number[]>;
  at?: Date;
  /** Who has the old file open after the swap, under any name (default: the OS check by inode). */
  inodeOpeners?: (files: string[]) => Promise<readonly number[]>;
  /** How long to wait for a late writer to close the old file before carrying its rows (default 1 s). */
  carryWaitMs?: number;
}

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
 * The caller holds the maintenance lock and has checked that nobody has the DB open.
 */
export async function rotateExclusive(dir: string, name: string, options: ExclusiveOptions): Promise<ExclusiveResult> {
  const p = paths(dir, name);
  const step = (s: ExclusiveStep) => options.onStep?.(s);
  let stats: CopyStats;
  let before = '';
  try {
    step('estimate');
    const need = estimateBytes(p.main, options);
    const free = freeBytes(dir);
    if (free !== undefined && free < need) {
      return { ok: false, code: 'E_DISK_FULL', message: `${name}: ${(free / 1e6).toFixed(1)} MB free, the new file needs about ${(need / 1e6).toFixed(1)} MB; not rotated` };
    }
    dropBuild(dir, name);
    before = fingerprint(p.main);
    step('copy');
    stats = copyKept(p.main, p.build, options);
    step('fsync');
    fsyncFile(p.build);
    step('recheck');
    const users = await options.openers([p.main, p.wal, p.shm]);
    if (users.length) {
      dropBuild(dir, name);
      return { ok: false, code: 'E_IN_USE', message: `${name} was opened by pid ${users.join(', ')} during the rotation; left as it was` };
    }
  } catch (error) {
    dropBuild(dir, name);
    return failure(`cannot rotate ${name}; left as it was`, error);
  }
  try {
    step('stage');
    stageArchive(dir, name, options.at ?? new Date());
  } catch (error) {
    dropBuild(dir, name);
    finalizeArchives(dir, name); // drops the half-made partial: its links are of the live files
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV' || code === 'EMLINK') {
      return { ok: false, code: 'E_NO_LINKS', message: `${name}: this file system cannot hard-link (${code}); not swapped` };
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
    // The live DB is the old or the new file, whole; the next recovery finishes the rest.
    return failure(`cannot finish swapping ${name} (the next run completes it)`, error);
  }
  // A writer that opened the DB after the last check wrote to the old file: its rows come over to the live one.
  let carry: CarryResult | undefined;
  if (archive) {
    step('carry');
    try {
      carry = await carryLateRows(join(archive, name), p.main, stats.lastId, { waitMs: options.carryWaitMs ?? 1000, holders: options.inodeOpeners ?? inodeOpeners, before });
    } catch {
      carry = undefined; // The rows stay in the archive: nothing is lost, and the rotation itself is done.
    }
  }
  const late = carry?.carried ? `; ${carry.carried} rows written meanwhile carried over` : carry?.stillOpen.length ? `; pid ${carry.stillOpen.join(', ')} still writes to the old file, whose later rows stay in the archive` : '';
  return {
    ok: true,
    code: 'OK',
    message: `${name}: kept ${stats.keptRows} of ${stats.totalRows} rows in a fresh file; the old one is in ${archive ?? 'an archive'}${late}`,
    ...stats,
    archive,
    bytesAfter: statSync(p.main).size,
  };
}
