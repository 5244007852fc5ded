// How many bytes a file or a folder tree holds: its regular files at any depth, links neither followed nor counted.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of the regular files at `path` and below it; 0 when it is gone. */
export function treeBytes(path: string): number {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (stats.isFile()) return stats.size;
  if (!stats.isDirectory()) return 0;
  let sum = 0;
  try {
    for (const name of readdirSync(path)) sum += treeBytes(join(path, name));
  } catch {
    // Unreadable: count what was read.
  }
  return sum;
}
