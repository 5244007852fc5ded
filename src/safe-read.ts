// Reads a small file that someone else may have planted: only a regular file, opened without blocking, at most N bytes counted.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

const CHUNK = 8192;

/** The file's text and stat, or why it was not read. */
export type SafeRead =
  | { ok: true; text: string; stats: Stats }
  | { ok: false; reason: 'not-regular' | 'too-large' | 'symlink' | 'missing' | 'unreadable'; code?: string };

/**
 * Opens `path` with O_NONBLOCK (a FIFO or a device never hangs the caller), checks on the open descriptor that it is a
 * regular file, and reads at most `maxBytes`, counting what arrives rather than trusting `st_size` (files under /proc
 * say 0 and never end). `noFollow` refuses a symlink (a cloned repository must not point a config file elsewhere).
 */
export function readRegularFile(path: string, maxBytes: number, options: { noFollow?: boolean } = {}): SafeRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'missing', code };
    if (code === 'ELOOP' && options.noFollow) return { ok: false, reason: 'symlink', code };
    return { ok: false, reason: 'unreadable', code };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, reason: 'not-regular' };
    // In 8 KiB reads: some /proc files take only aligned reads, and the cap is hit one chunk past it at most.
    // The buffer starts at the size the file claims (so a usual launch allocates what it reads) and grows to the cap.
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes, stats.size) + CHUNK);
    let length = 0;
    for (;;) {
      if (buffer.length - length < CHUNK)
        buffer = Buffer.concat([
          buffer.subarray(0, length),
          Buffer.allocUnsafe(Math.min(buffer.length, maxBytes) + CHUNK),
        ]);
      const n = readSync(fd, buffer, length, CHUNK, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) return { ok: false, reason: 'too-large' };
    }
    return { ok: true, text: buffer.toString('utf8', 0, length), stats };
  } catch (error) {
    return { ok: false, reason: 'unreadable', code: (error as NodeJS.ErrnoException).code };
  } finally {
    closeSync(fd);
  }
}

/** Whether a file read this way is this user's own (always true where there are no uids): another user's is not trusted. */
export function ownedByUser(stats: Stats): boolean {
  return typeof process.getuid !== 'function' || stats.uid === process.getuid();
}
