// path.join of names onto one directory, normalising the directory once instead of every whole path.
import { normalize } from 'node:path';

/**
 * A function giving `path.join(dir, name)`, exactly, for a name that is already a normal relative path (no empty,
 * `.` or `..` segment, no leading or trailing slash; POSIX). path.join normalises each whole string again, character
 * by character. On the shim's hot path (config discovery from a deep cwd, the launcher's node_modules walks, the
 * inventory scan) that was enough calls for V8 to optimise Node's normalizeString in the middle of a launch:
 * Turbofan on Node 22, which cost 6 MiB of peak RSS and a compile on a second thread while codex starts.
 */
export function joinerOf(dir: string): (name: string) => string {
  const base = normalize(dir);
  const prefix = base === '.' ? '' : base.endsWith('/') ? base : `${base}/`;
  return (name) => prefix + name;
}

/** `names.map((name) => path.join(dir, name))` for normal relative names (see joinerOf). */
export function joinAll(dir: string, names: readonly string[]): string[] {
  return names.map(joinerOf(dir));
}
