// Bytes a process wrote to storage, from Linux's per-process I/O accounting (/proc/<pid>/io); undefined where it cannot be read.
import { readFileSync } from 'node:fs';

/** Pure: `write_bytes` in the text of /proc/<pid>/io. */
export function parseWriteBytes(text: string): number | undefined {
  const value = /^write_bytes:\s*(\d+)$/m.exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

function read(path: string): number | undefined {
  try {
    return parseWriteBytes(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `write_bytes` of a live process. */
export function writeBytes(pid: number): number | undefined {
  return read(`/proc/${pid}/io`);
}

/** This process's figures: all of it (its reaped children included) and its main thread's own. */
export interface IoMark {
  total: number;
  own: number;
}

/**
 * A mark to compare with a later one. The kernel adds a child's counters to its parent's when the parent
 * reaps it, so the process total grows by what codex wrote; the main thread's own figure (where the shim's
 * synchronous SQLite and file writes happen) is taken off. Codex's detached daemon, re-parented to init, is not counted.
 */
export function ioMark(): IoMark | undefined {
  const total = read('/proc/self/io');
  const own = read(`/proc/self/task/${process.pid}/io`);
  return total === undefined || own === undefined ? undefined : { total, own };
}

/** Pure: what the children reaped between two marks wrote. */
export function childrenWrote(before: IoMark | undefined, after: IoMark | undefined): number | undefined {
  if (!before || !after) return undefined;
  return Math.max(0, after.total - before.total - (after.own - before.own));
}
