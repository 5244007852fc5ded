// codexguard's private corner of CODEX_HOME: owner-only dirs and atomically written owner-only files.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** `$CODEX_HOME/codexguard`: where the pre-flight lock and the session registry live. */
export function guardDir(home: string): string {
  return join(home, 'codexguard');
}

/** Creates `dir` (and missing parents) with mode 0700; an existing dir is left as it is. Throws on failure. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Creates `$CODEX_HOME/codexguard` (or a folder below it), but only when Codex's home exists: codexguard never
 * makes Codex's home (a CODEX_HOME with a typo, or ~/.codex where Codex never ran). Throws ENOENT otherwise.
 */
export function ensureGuardDir(codexHome: string, dir = guardDir(codexHome)): void {
  if (!statSync(codexHome, { throwIfNoEntry: false })?.isDirectory()) {
    throw Object.assign(new Error(`${codexHome} does not exist, and codexguard never creates Codex's home`), {
      code: 'ENOENT',
    });
  }
  ensurePrivateDir(dir);
}

/**
 * Writes `data` to `file` via a temp file of this process and a rename, so a reader sees the old
 * content or the new one, never half of it, even with two writers at once. `durable` adds an fsync.
 * Throws on failure, leaving no temp file.
 */
export function writeAtomic(file: string, data: string, options: { mode: number; durable?: boolean }): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', options.mode);
  try {
    try {
      writeSync(fd, data);
      if (options.durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (error) {
    removeQuietly(tmp);
    throw error;
  }
}

/** writeAtomic with mode 0600 (no fsync by default: a lost registry entry after a power cut belongs to a dead process anyway). */
export function writePrivateAtomic(file: string, data: string, durable = false): void {
  writeAtomic(file, data, { mode: 0o600, durable });
}

/** Unlinks `file`, ignoring every error (missing, read-only, ...). Returns true if it was removed. */
export function removeQuietly(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

/** The message of an error, with its errno code when there is one. */
export function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
