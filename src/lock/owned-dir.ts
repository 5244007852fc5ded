// The lock dir as proper-lockfile sees it, made so that it is never without its owner record: born with the record inside (one rename), gone in one rename.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { OWNER_FILE, type Owner } from './owner.ts';

type Callback = (error: NodeJS.ErrnoException | null) => void;

const errno = (code: string, path: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: ${path}`), { code, path });

/** Where a dir being born or being removed waits, beside the lock dir; `sweepLeftovers` removes those a kill left. */
const BORN = '.new-';
const GONE = '.gone-';

/**
 * Makes `path` with the owner's record already inside: the dir and the record are written under a private name,
 * then renamed into place, which fails while another lock dir is there. A kill at any point leaves either no
 * lock, or a lock whose owner can be judged, never a lock dir without its record.
 */
export function makeOwnedDir(path: string, owner: Owner): void {
  if (fs.existsSync(path)) throw errno('EEXIST', path); // rename(2) would replace an empty dir (an older codexguard's lock)
  const born = `${path}${BORN}${owner.token}`;
  try {
    fs.mkdirSync(born, { mode: 0o700 });
    fs.writeFileSync(join(born, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
    fs.renameSync(born, path);
  } catch (error) {
    fs.rmSync(born, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'ENOTEMPTY' || code === 'EEXIST' ? errno('EEXIST', path) : error;
  }
}

/** Removes a lock dir in one step (a rename frees the path at once), then its contents. ENOENT when it is gone already. */
export function removeOwnedDir(path: string): string {
  const gone = `${path}${GONE}${randomBytes(6).toString('hex')}`;
  fs.renameSync(path, gone);
  fs.rmSync(gone, { recursive: true, force: true });
  return gone;
}

/** Removes what a kill left beside `lockDir`: dirs on their way out, and dirs never born (older than a minute). Never throws. */
export function sweepLeftovers(lockDir: string, now = Date.now()): void {
  try {
    const dir = join(lockDir, '..');
    const base = lockDir.slice(dir.length + 1);
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith(base) || name === base) continue;
      const rest = name.slice(base.length);
      const path = join(dir, name);
      const old = () => now - (fs.statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? now) > 60_000;
      if (rest.startsWith(GONE) || (rest.startsWith(BORN) && old())) fs.rmSync(path, { recursive: true, force: true });
    }
  } catch {
    // Leftovers cost a few bytes; never a launch.
  }
}

/** The `fs` that proper-lockfile is given: node:fs, with its lock dir made and removed as above. */
export function ownedDirFs(owner: Owner): typeof fs {
  const call = (fn: () => unknown, cb: Callback) => {
    try {
      fn();
    } catch (error) {
      return cb(error as NodeJS.ErrnoException);
    }
    cb(null);
  };
  return {
    ...fs,
    mkdir: (path: string, cb: Callback) => call(() => makeOwnedDir(path, owner), cb),
    rmdir: (path: string, cb: Callback) => call(() => removeOwnedDir(path), cb),
    rmdirSync: (path: string) => void removeOwnedDir(path),
  } as unknown as typeof fs;
}
