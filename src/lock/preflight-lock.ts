// The pre-flight lock: one shim at a time checks and rotates; the others wait up to lock.timeout, then launch anyway. The same machinery, named `compress`, keeps gzips of archives apart, off the launch path.
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { describe, ensureGuardDir, guardDir } from '../private-fs.ts';
import { breakDeadHolder } from './break.ts';
import { ownedDirFs, sweepLeftovers } from './owned-dir.ts';
import { newOwner, OWNER_FILE } from './owner.ts';

/** Tuning (tests shorten these). */
export interface LockTuning {
  /** A lock dir whose mtime is older than this is stale and taken over (proper-lockfile `stale`). */
  staleMs?: number;
  /** The holder refreshes the mtime this often (proper-lockfile `update`). */
  updateMs?: number;
  /** Pause between two attempts while waiting (plus up to as much again of jitter). */
  pollMs?: number;
}

/**
 * Defaults. The holder's event loop stops while better-sqlite3 works, so its
 * mtime refresh stops too: `stale` must exceed the longest synchronous step
 * of a pre-flight by far (15 s against a budget of well under a second). A
 * shim killed with -9 does not cost those 15 s: the lock dir is born with its
 * owner record inside, so its waiters always see that its pid is gone and take
 * over at once. The mtime path is left for what a pid cannot tell (a holder in
 * another container or on another host sharing CODEX_HOME). `update` at 2 s
 * reports a compromised lock within 2 s.
 */
export const LOCK_DEFAULTS = { staleMs: 15_000, updateMs: 2_000, pollMs: 25 } as const;

/** A held pre-flight lock. */
export interface HeldLock {
  /** Aborted when the lock is compromised (its dir removed or taken over): check it before a step that needs exclusivity. */
  readonly signal: AbortSignal;
  readonly compromised: boolean;
  /** Releases the lock. Idempotent, never throws. */
  release(): Promise<void>;
}

export type LockFailure = {
  acquired: false;
  reason: 'timeout' | 'error';
  code: 'E_LOCK_TIMEOUT' | 'E_LOCK_ERROR';
  message: string;
  waitedMs: number;
};
/** `tookOverFromDead`: a lock left by a dead holder was removed on the way. */
export type LockAttempt = { acquired: true; lock: HeldLock; waitedMs: number; tookOverFromDead: boolean } | LockFailure;
export type LockedRun<T> = { acquired: true; value: T; compromised: boolean; waitedMs: number } | LockFailure;

/** Which lock: `preflight` (checks and rotations), or `compress` (gzip of archives, which must never hold up a launch). */
export type LockName = 'preflight' | 'compress';

/** Where a lock lives under a CODEX_HOME. */
export function lockPaths(
  home: string,
  name: LockName = 'preflight',
): { dir: string; key: string; lockDir: string; ownerFile: string; breakKey: string; breakDir: string } {
  const dir = guardDir(home);
  const lockDir = join(dir, `${name}.lock`);
  return {
    dir,
    key: join(dir, name),
    lockDir,
    ownerFile: join(lockDir, OWNER_FILE),
    breakKey: join(dir, `${name}-break`),
    breakDir: join(dir, `${name}.break.lock`),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const ignore = (): void => {};

/**
 * Takes the pre-flight lock under `home` (CODEX_HOME), waiting up to
 * `timeoutMs`. Never throws: a lock that cannot be taken (read-only home, ...)
 * is `reason: 'error'` at once; one that stays busy is `reason: 'timeout'`.
 */
export async function acquirePreflightLock(
  home: string,
  timeoutMs: number,
  tuning: LockTuning = {},
  name: LockName = 'preflight',
): Promise<LockAttempt> {
  const t = { ...LOCK_DEFAULTS, ...tuning };
  const p = lockPaths(home, name);
  const what = name === 'preflight' ? 'the pre-flight lock' : `the ${name} lock`;
  const started = Date.now();
  const budget = Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 0;
  const failure = (reason: 'timeout' | 'error', message: string): LockFailure => ({
    acquired: false,
    reason,
    code: reason === 'timeout' ? 'E_LOCK_TIMEOUT' : 'E_LOCK_ERROR',
    message,
    waitedMs: Date.now() - started,
  });
  const controller = new AbortController();
  let release: () => Promise<void>;
  let tookOverFromDead = false;
  let breaks = 0;
  const fs = ownedDirFs(newOwner());
  try {
    ensureGuardDir(home, p.dir);
    sweepLeftovers(p.lockDir);
    for (;;) {
      try {
        release = await lock(p.key, {
          lockfilePath: p.lockDir,
          realpath: false,
          stale: t.staleMs,
          update: t.updateMs,
          retries: 0,
          onCompromised: (err) => controller.abort(err),
          fs,
        });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      }
      // A dead holder's lock is removed and retried at once (a few times at most: others may race for it).
      if (breaks < 5 && (await breakDeadHolder(p))) {
        breaks++;
        tookOverFromDead = true;
        continue;
      }
      const left = started + budget - Date.now();
      if (left <= 0)
        return failure(
          'timeout',
          `another codexguard held ${what} ${p.lockDir} for over ${budget < 1000 ? `${budget} ms` : `${budget / 1000} s`}`,
        );
      await sleep(Math.min(left, t.pollMs + Math.random() * t.pollMs));
    }
  } catch (error) {
    return failure('error', `cannot take ${what} ${p.lockDir}: ${describe(error)}`);
  }
  let released = false;
  const held: HeldLock = {
    signal: controller.signal,
    get compromised() {
      return controller.signal.aborted;
    },
    async release() {
      if (released) return;
      released = true;
      await release().catch(ignore); // ERELEASED after a compromise: nothing left to release.
    },
  };
  return { acquired: true, lock: held, waitedMs: Date.now() - started, tookOverFromDead };
}

/**
 * Runs `fn` under the pre-flight lock and releases it, whatever happens.
 * Lock failures come back as `acquired: false` (the caller launches anyway);
 * an error thrown by `fn` itself is rethrown after the release.
 */
export async function withPreflightLock<T>(
  home: string,
  timeoutMs: number,
  fn: (lock: HeldLock) => T | Promise<T>,
  tuning?: LockTuning,
  name: LockName = 'preflight',
): Promise<LockedRun<T>> {
  const attempt = await acquirePreflightLock(home, timeoutMs, tuning, name);
  if (!attempt.acquired) return attempt;
  try {
    const value = await fn(attempt.lock);
    return { acquired: true, value, compromised: attempt.lock.compromised, waitedMs: attempt.waitedMs };
  } finally {
    await attempt.lock.release();
  }
}
