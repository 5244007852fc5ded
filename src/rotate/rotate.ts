// Rotates one log DB: takes Codex's maintenance lock, recovers leftovers, picks exclusive or shared, runs it. Never throws.
import { existsSync, lstatSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { failure, readOnly, type StepResult } from '../sqlite/errors.ts';
import type { KeepPolicy } from '../sqlite/kept.ts';
import { hasTable } from '../sqlite/open.ts';
import { pruneInPlace, type PruneOptions } from '../sqlite/prune.ts';
import { pruneArchives } from './archives.ts';
import { rotateExclusive, type ExclusiveStep } from './exclusive.ts';
import { tryMaintenanceLock } from '../codex/maintenance-lock.ts';
import { openers as osOpeners } from '../codex/holders.ts';
import { recoverDb } from './recover.ts';
import { chooseStrategy, type Strategy } from './strategy.ts';
import { paths } from './swap.ts';

/** Progress of a rotation: exclusive reports its steps, shared its batches. */
export type RotateProgress = { phase: ExclusiveStep } | { phase: 'delete' | 'vacuum'; done: number; total: number };

/** Everything a rotation needs, as plain values. */
export interface RotateOptions extends KeepPolicy {
  /** Archives to keep per DB after an exclusive rotation. */
  archives: number;
  /** Live codex sessions the registry knows of (any → shared). */
  liveSessions?: number;
  /** Prune in place even when a swap would be possible. */
  preferShared?: boolean;
  /** How long to wait for Codex's maintenance lock (default 0: defer at once when a Codex owns it; about 1 s after stopping its daemon). */
  lockWaitMs?: number;
  /** Batching of the shared strategy. */
  prune?: Omit<PruneOptions, 'onProgress'>;
  onProgress?: (event: RotateProgress) => void;
  /** Who has the files open (default: the OS check); tests and the shim may wrap it. */
  openers?: (paths: string[]) => Promise<readonly number[]>;
  /** How long the OS check may take (lsof: 10 s by default; the launch path gives it less, then "cannot tell" means shared). */
  openersTimeoutMs?: number;
  at?: Date;
}

/** The outcome of one rotation, with figures for status lines. */
export interface RotateResult extends StepResult {
  db: string;
  strategy?: Strategy;
  /** Why that strategy. */
  reason?: string;
  keptRows?: number;
  removedRows?: number;
  archive?: string;
  bytesBefore: number;
  bytesAfter: number;
  ms: number;
}

/** Rotates `dir/name`; a failure leaves the DB as it was and comes back as a result with a code. */
export async function rotateLogDb(dir: string, name: string, options: RotateOptions): Promise<RotateResult> {
  const started = performance.now();
  const p = paths(dir, name);
  const bytesBefore = sizes(p.main);
  const done = (result: StepResult & Partial<RotateResult>): RotateResult => ({
    db: name,
    bytesBefore,
    bytesAfter: sizes(p.main),
    ...result,
    ms: Math.round(performance.now() - started),
  });
  if (!existsSync(p.main)) return done({ ok: false, code: 'E_MISSING', message: `${p.main} does not exist` });
  if (existsSync(p.journal))
    return done({
      ok: false,
      code: 'E_HOT_JOURNAL',
      message: `${name} has a rollback journal beside it; left for SQLite to recover`,
    });
  const denied = readOnly(dir, `rotate ${name}`);
  if (denied) return done(denied);
  try {
    if (!hasTable(p.main, 'logs'))
      return done({
        ok: false,
        code: 'E_NOT_LOG_DB',
        message: `${name} has no logs table: it is not a Codex log DB, so it is left alone`,
      });
  } catch (error) {
    return done(failure(`cannot rotate ${name}; left as it was`, error));
  }
  const attempt = await tryMaintenanceLock(dir, options.lockWaitMs ?? 0);
  if (attempt.state === 'busy') {
    return done({
      ok: false,
      code: 'W_DEFERRED',
      message:
        attempt.reason ??
        `a running Codex holds ${dir}/.sqlite-maintenance.lock (a Codex process that may prune is alive)`,
    });
  }
  const whoHasOpen =
    options.openers ?? ((files: string[]) => osOpeners(files, { timeoutMs: options.openersTimeoutMs }));
  try {
    await recoverDb(dir, name, whoHasOpen);
    // A symlinked DB is never swapped: the rename would replace the link, not the file it points to.
    const preferShared = options.preferShared || lstatSync(p.main).isSymbolicLink();
    let users: readonly number[] | 'unknown' = [];
    // Who has it open only matters when the answer could allow a swap (lsof takes seconds on macOS).
    if (!preferShared && (options.liveSessions ?? 0) === 0) {
      try {
        users = await whoHasOpen([p.main, p.wal, p.shm]);
      } catch {
        users = 'unknown';
      }
    }
    const choice = chooseStrategy({ openers: users, liveSessions: options.liveSessions ?? 0, preferShared });
    if (choice.strategy === 'exclusive') {
      const onStep = (phase: ExclusiveStep) => options.onProgress?.({ phase });
      const result = await rotateExclusive(dir, name, { ...options, onStep, openers: whoHasOpen });
      // No hard links here, or someone opened the DB during the copy: prune in place instead.
      if (result.code !== 'E_NO_LINKS' && result.code !== 'E_IN_USE') {
        if (result.ok) pruneArchives(dir, name, options.archives);
        return done({
          ...result,
          strategy: 'exclusive',
          reason: choice.reason,
          removedRows: result.ok ? result.totalRows! - result.keptRows! : undefined,
        });
      }
      choice.reason = result.message;
    }
    const stats = await pruneInPlace(p.main, options, { ...options.prune, onProgress: options.onProgress });
    const state = stats.complete ? 'done' : 'stopped part-way (Codex kept it busy); the rest next time';
    return done({
      ok: stats.complete,
      code: stats.complete ? 'OK' : 'E_BUSY',
      message: `${name}: pruned in place (${choice.reason}): removed ${stats.removedRows} of ${stats.toRemove} rows, freed ${stats.freedPages} pages, ${state}`,
      strategy: 'shared',
      reason: choice.reason,
      removedRows: stats.removedRows,
      keptRows: stats.keptRows,
    });
  } catch (error) {
    return done(failure(`cannot rotate ${name}; left as it was`, error));
  } finally {
    if (attempt.state === 'held') await attempt.lock.release();
  }
}

function sizes(main: string): number {
  const size = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  return size(main) + size(`${main}-wal`);
}
