// Private file writes for bundles: dirs 0700, files 0600, created exclusively, replaced only by rename.
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Creates `dir` (and parents) owner-only; an existing dir is left as it is. */
export function mkdirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Creates a new directory exclusively (0700); with `-2`, `-3`… when the name is taken. Returns its path. */
export function mkdirExclusive(parent: string, name: string): { path: string; id: string } {
  for (let n = 1; ; n++) {
    const id = n === 1 ? name : `${name}-${n}`;
    const path = join(parent, id);
    try {
      mkdirSync(path, { mode: 0o700 });
      chmodSync(path, 0o700);
      return { path, id };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 50) throw error;
    }
  }
}

/** Writes a new file, 0600, failing if anything is already at that path (no symlink is followed). */
export function writeExclusive(path: string, data: string | Buffer): void {
  writeFileSync(path, data, { flag: 'wx', mode: 0o600 });
}

/** Replaces a bundle file: a new exclusive temp file renamed over it. */
export function replaceFile(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeExclusive(tmp, data);
  renameSync(tmp, path);
}

/** JSON as written in bundles: two-space indent, trailing newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
