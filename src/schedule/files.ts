// Small file helpers for the job files: read if present, write only when the text changes (atomically), mtimes.
import { type Dirent, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeAtomic } from '../private-fs.ts';

/** The file's text, or null when it does not exist. */
export function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes `text` (mode 0644, via a temp file and rename) unless the file already holds exactly that; true when written. */
export function writeIfChanged(path: string, text: string): boolean {
  if (readOrNull(path) === text) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeAtomic(path, text, { mode: 0o644 });
  return true;
}

/** True when the path exists (a symlink counts, even a dangling one). */
export function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The file's mtime as ISO, or null when it does not exist. */
export function mtimeOf(path: string): string | null {
  try {
    return statSync(path).mtime.toISOString();
  } catch {
    return null;
  }
}

/** Removes a dir if it is empty; anything else (not empty, missing) leaves it be. */
export function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty or not there.
  }
}

/** The topmost folder on the way to `dir` that does not exist yet (what a recursive mkdir would create first); undefined when `dir` exists. */
export function missingRoot(dir: string): string | undefined {
  let root: string | undefined;
  for (let d = dir; !present(d); d = dirname(d)) {
    root = d;
    if (dirname(d) === d) break;
  }
  return root;
}

/** Removes `root` and the folders under it, deepest first, as far as they are empty; a file anywhere keeps its folders. */
export function removeEmptyTree(root: string): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) removeEmptyTree(join(root, e.name));
  rmdirQuietly(root);
}
