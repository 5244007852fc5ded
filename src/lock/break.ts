// Taking over the pre-flight lock of a holder that died (a shim killed with -9), without ever breaking a live one.
import { rmdirSync, statSync } from 'node:fs';
import { lock } from 'proper-lockfile';
import { removeQuietly } from '../private-fs.ts';
import { isAlive } from '../registry/process-stamp.ts';
import { dirId, ownsDir, readOwner } from './owner.ts';

const ignore = (): void => {};

/**
 * Looks at the lock dir and its record: 'free' when the dir is gone, 'dead'
 * when the record describes this very dir and its holder (on this host) is
 * gone, 'held' otherwise, including when no record describes the dir (then
 * proper-lockfile's mtime staleness is the only way out).
 */
export function holderState(lockDir: string, ownerFile: string): 'free' | 'dead' | 'held' {
  let current: { ino: number; birth: number };
  try {
    current = dirId(statSync(lockDir));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'free' : 'held';
  }
  const owner = readOwner(ownerFile);
  return owner && ownsDir(owner, current) && !isAlive(owner) ? 'dead' : 'held';
}

/**
 * Removes the lock dir and its record when its holder is dead (a shim killed
 * with -9). The caller must hold the break lock, so that two waiters never
 * both judge the same dead holder and the second removes the first's new lock.
 */
export function breakIfDead(lockDir: string, ownerFile: string): 'broken' | 'free' | 'held' {
  const state = holderState(lockDir, ownerFile);
  if (state !== 'dead') return state;
  try {
    removeQuietly(ownerFile);
    rmdirSync(lockDir);
    return 'broken';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'free' : 'held';
  }
}

/** Under the short-lived break lock, removes the lock of a dead holder. True when the lock is now free. */
export async function breakDeadHolder(p: { lockDir: string; ownerFile: string; breakKey: string; breakDir: string }): Promise<boolean> {
  const state = holderState(p.lockDir, p.ownerFile);
  if (state !== 'dead') return state === 'free';
  let releaseBreak: () => Promise<void>;
  try {
    releaseBreak = await lock(p.breakKey, { lockfilePath: p.breakDir, realpath: false, stale: 2_000, retries: 0, onCompromised: ignore });
  } catch {
    return false; // Another waiter is breaking it right now.
  }
  try {
    return breakIfDead(p.lockDir, p.ownerFile) !== 'held';
  } finally {
    await releaseBreak().catch(ignore);
  }
}
