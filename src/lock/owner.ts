// The pre-flight lock's owner record, beside proper-lockfile's lock dir, so a waiter can see that its holder died.
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import { removeQuietly, writePrivateAtomic } from '../private-fs.ts';
import { stamp, type ProcessStamp } from '../registry/process-stamp.ts';

/** Who holds the lock, and which lock dir (inode and birth time: ext4 reuses an inode at once). */
export interface Owner extends ProcessStamp {
  token: string;
  ino: number;
  birth: number;
}

/** Identity of a lock dir: two dirs made one after the other at the same path differ here. */
export function dirId(st: Stats): { ino: number; birth: number } {
  return { ino: st.ino, birth: st.birthtimeMs };
}

/** Records this process as the holder of the lock dir `lockDir`. Returns the record, or undefined if it could not be written. */
export function writeOwner(ownerFile: string, lockDir: string): Owner | undefined {
  try {
    const owner: Owner = { ...stamp(process.pid), token: randomBytes(8).toString('hex'), ...dirId(statSync(lockDir)) };
    writePrivateAtomic(ownerFile, JSON.stringify(owner));
    return owner;
  } catch {
    return undefined;
  }
}

/** The owner record, or undefined when missing or unreadable. */
export function readOwner(ownerFile: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(ownerFile, 'utf8')) as Partial<Owner>;
    if (typeof o.pid === 'number' && typeof o.token === 'string' && typeof o.ino === 'number' && typeof o.birth === 'number' && typeof o.where === 'string' && typeof o.startedAt === 'number') return o as Owner;
  } catch {
    // Missing or torn: not evidence of anything.
  }
  return undefined;
}

/** Removes the owner record if it is still `token`'s. */
export function dropOwner(ownerFile: string, token: string): void {
  if (readOwner(ownerFile)?.token === token) removeQuietly(ownerFile);
}

/** Pure: does the record describe the lock dir that is there now? */
export function ownsDir(owner: Owner, now: { ino: number; birth: number }): boolean {
  return owner.ino === now.ino && owner.birth === now.birth;
}
