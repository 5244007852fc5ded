// Bytes a process wrote to storage, from Linux's per-process I/O accounting (/proc/<pid>/io); undefined where it cannot be read.
import { readFileSync } from 'node:fs';

/** Pure: `write_bytes` in the text of /proc/<pid>/io. */
export function parseWriteBytes(text: string): number | undefined {
  const value = /^write_bytes:\s*(\d+)$/m.exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

/**
 * `write_bytes` of `pid` ('self': this process). The kernel adds a child's counters to its parent's
 * when the parent reaps it, so this process's own figure after codex ended, less the one before
 * codex started, is what codex wrote (its detached daemon, re-parented to init, is not counted).
 */
export function writeBytes(pid: number | 'self'): number | undefined {
  try {
    return parseWriteBytes(readFileSync(`/proc/${pid}/io`, 'utf8'));
  } catch {
    return undefined;
  }
}
