// The file operations activation needs: dirs it records, links it owns, start-up files read and written in place.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { CodexguardError } from '../errors.ts';

/** Creates `dir` and its missing parents; returns the dirs that did not exist, outermost first. */
export function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
  mkdirSync(dir, { recursive: true });
  return missing;
}

/** Removes each dir that is empty, innermost first; others stay. */
export function removeEmptyDirs(dirs: readonly string[]): string[] {
  const removed: string[] = [];
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(dir);
      removed.push(dir);
    } catch {
      // Not empty (someone else's files) or already gone.
    }
  }
  return removed;
}

/** What ensureLink did. */
export type LinkChange = 'created' | 'replaced' | 'unchanged';

/** Makes `path` a symlink to `target`, replacing an older link of ours atomically; never replaces a real file. */
export function ensureLink(path: string, target: string): LinkChange {
  let current: string | undefined;
  try {
    if (!lstatSync(path).isSymbolicLink()) {
      throw new CodexguardError(
        'E_LINK_EXISTS',
        `${path} exists and is not a link; move it away and run install again`,
      );
    }
    current = readlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (current === target) return 'unchanged';
  const tmp = `${path}.tmp-${process.pid}`;
  symlinkSync(target, tmp);
  renameSync(tmp, path);
  return current === undefined ? 'created' : 'replaced';
}

/** Removes `path` if it is a symlink (and, when given, one pointing at `target`); true if removed. */
export function removeLink(path: string, accept: (target: string) => boolean): boolean {
  try {
    if (!lstatSync(path).isSymbolicLink() || !accept(readlinkSync(path))) return false;
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Start-up files are read and written as latin1, one char per byte, so that
 * bytes that are not UTF-8 come back unchanged; our own text goes in through asBytes.
 */
const BYTES = 'latin1';

/** `text` (UTF-8) in the one-char-per-byte form that readText and writeText use. */
export function asBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString(BYTES);
}

/** A start-up file's bytes (see asBytes), or undefined if it does not exist. */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CodexguardError('E_RC_READ', `cannot read ${path}: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
}

/** Writes a start-up file in place (keeping its mode, owner and any symlink to it); `create` refuses to clobber. */
export function writeText(path: string, text: string, create: boolean): void {
  try {
    writeFileSync(path, text, { encoding: BYTES, flag: create ? 'wx' : 'w' });
  } catch (error) {
    throw new CodexguardError('E_RC_WRITE', `cannot write ${path}: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
}
