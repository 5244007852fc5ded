// Taking over the lock of a holder that died (a shim killed with -9), without ever breaking a live one.
import { renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { isAlive } from '../registry/process-stamp.ts';
import { newOwner, OWNER_FILE, readOwner, type Owner } from './owner.ts';
import { ownedDirFs } from './owned-dir.ts';

const ignore = (): void => {};

/**
 * Looks at the lock dir and the record inside it: 'free' when the dir is gone, 'dead' (with the record) when its
 * holder on this host is gone, 'held' otherwise, including a dir without a record (an older codexguard's: then
 * proper-lockfile's mtime staleness is the only way out).
 */
export function holderState(lockDir: string): { state: 'free' | 'held' } | { state: 'dead'; owner: Owner } {
  try {
    statSync(lockDir);
  } catch (error) {
    return { state: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'free' : 'held' };
  }
  const owner = readOwner(join(lockDir, OWNER_FILE));
  return owner && !isAlive(owner) ? { state: 'dead', owner } : { state: 'held' };
}

/**
 * Removes the lock dir when its holder is dead. The caller holds the break lock, so two waiters never judge the
 * same dead holder; and the dir moved away is checked to be the dead one's, and put back if it is not (a dir that
 * another waiter made after a staleness takeover).
 */
export function breakIfDead(lockDir: string): 'broken' | 'free' | 'held' {
  const judged = holderState(lockDir);
  if (judged.state !== 'dead') return judged.state;
  let gone: string;
  try {
    gone = `${lockDir}.gone-${judged.owner.token}`;
    renameSync(lockDir, gone);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'free' : 'held';
  }
  if (readOwner(join(gone, OWNER_FILE))?.token !== judged.owner.token) {
    try {
      renameSync(gone, lockDir);
    } catch {
      // A third holder took the path meanwhile: the one moved away finds its lock compromised within its update interval.
    }
    return 'held';
  }
  rmSync(gone, { recursive: true, force: true });
  return 'broken';
}

/** Under the short-lived break lock, removes the lock of a dead holder. True when the lock is now free. */
export async function breakDeadHolder(p: { lockDir: string; breakKey: string; breakDir: string }): Promise<boolean> {
  const judged = holderState(p.lockDir);
  if (judged.state !== 'dead') return judged.state === 'free';
  let releaseBreak: () => Promise<void>;
  try {
    releaseBreak = await lock(p.breakKey, {
      lockfilePath: p.breakDir,
      realpath: false,
      stale: 2_000,
      retries: 0,
      onCompromised: ignore,
      fs: ownedDirFs(newOwner()),
    });
  } catch {
    return false; // Another waiter is breaking it right now.
  }
  try {
    return breakIfDead(p.lockDir) !== 'held';
  } finally {
    await releaseBreak().catch(ignore);
  }
}
