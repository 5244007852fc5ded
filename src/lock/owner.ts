// The lock's owner record, inside the lock dir itself, so that a waiter can see that its holder died.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stamp, type ProcessStamp } from '../registry/process-stamp.ts';

/** The record's name inside the lock dir. */
export const OWNER_FILE = 'owner.json';

/** Who holds the lock. It lives in the lock dir, so it describes that very dir and no other. */
export interface Owner extends ProcessStamp {
  token: string;
}

/** A record for this process, to be born with the lock dir. */
export function newOwner(): Owner {
  return { ...stamp(process.pid), token: randomBytes(8).toString('hex') };
}

/** The owner record, or undefined when missing or unreadable (a lock dir of an older codexguard has none). */
export function readOwner(ownerFile: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(ownerFile, 'utf8')) as Partial<Owner>;
    if (
      typeof o.pid === 'number' &&
      typeof o.token === 'string' &&
      typeof o.where === 'string' &&
      typeof o.startedAt === 'number'
    )
      return o as Owner;
  } catch {
    // Missing: not evidence of anything.
  }
  return undefined;
}
