// How many bytes a file or a folder tree takes, counting links as links (never following them out of the tree).
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of `path` and everything below it; 0 when it is gone. */
export function treeBytes(path: string): number {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.size;
  let sum = 0;
  try {
    for (const name of readdirSync(path)) sum += treeBytes(join(path, name));
  } catch {
    // Unreadable: count what was read.
  }
  return sum;
}
