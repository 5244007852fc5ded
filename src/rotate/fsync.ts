// Makes files and folder entries durable before the next step of a rotation depends on them.
import { closeSync, fsyncSync, openSync } from 'node:fs';

/** Flushes a file's data to disk (a new DB before it is swapped in, a .tgz before it replaces a folder). */
export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsyncs a folder so renames and links in it survive a power cut (best effort: some file systems refuse). */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // EINVAL/EISDIR/EPERM on some file systems: nothing more we can do
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
