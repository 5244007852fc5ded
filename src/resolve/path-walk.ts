// Walks PATH like a shell does, but only through absolute entries and past any shim.
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** One executable found on PATH: the path as found and where it really lives. */
export interface Candidate {
  path: string;
  realpath: string;
}

/** Result of a PATH walk: the first usable candidate, and every directory looked in. */
export interface PathWalk {
  found: Candidate | undefined;
  searched: string[];
}

/** The absolute, non-empty entries of a PATH string, in order, without repeats. */
export function pathEntries(pathValue: string | undefined): string[] {
  const seen = new Set<string>();
  for (const entry of (pathValue ?? '').split(delimiter)) {
    if (entry !== '' && isAbsolute(entry)) seen.add(entry);
  }
  return [...seen];
}

/**
 * The one realpath codexguard uses for identity (the shim's own path, the recursion marker, PATH candidates):
 * realpath(3), which on case-insensitive APFS gives the on-disk spelling. Node's JS realpathSync keeps the
 * spelling it was given, so mixing the two let the shim take itself for the real codex.
 */
export function realPath(file: string): string {
  return realpathSync.native(file);
}

/** The realpath of `file` if it is an executable regular file, else undefined. */
export function executableRealpath(file: string): string | undefined {
  return executable(file)?.realpath;
}

/** Is `file` an executable regular file? (executableRealpath without the realpath: one readlink per path component less.) */
export function isExecutableFile(file: string): boolean {
  return executableStats(file) !== undefined;
}

function executableStats(file: string): import('node:fs').Stats | undefined {
  try {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (!stats?.isFile()) return undefined;
    accessSync(file, constants.X_OK);
    return stats;
  } catch {
    return undefined;
  }
}

function executable(file: string): { realpath: string; id: string } | undefined {
  const stats = executableStats(file);
  if (stats === undefined) return undefined;
  try {
    return { realpath: realPath(file), id: `${stats.dev}:${stats.ino}` };
  } catch {
    return undefined;
  }
}

/** dev:ino of the file a path leads to: the same for every name of one file (hard links, any spelling of its case). */
function fileId(file: string): string | undefined {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats ? `${stats.dev}:${stats.ino}` : undefined;
}

/** First executable `name` on PATH that is none of the files in `skip` (by realpath or by dev:ino); relative and empty entries never count. */
export function walkPath(name: string, pathValue: string | undefined, skip: ReadonlySet<string>): PathWalk {
  const searched = pathEntries(pathValue);
  let skipIds: Set<string | undefined> | undefined;
  for (const dir of searched) {
    const path = join(dir, name);
    const found = executable(path);
    if (found === undefined || skip.has(found.realpath)) continue;
    skipIds ??= new Set([...skip].map(fileId));
    if (!skipIds.has(found.id)) return { found: { path, realpath: found.realpath }, searched };
  }
  return { found: undefined, searched };
}

/**
 * The absolute path of program `name` on PATH, absolute entries only: every program codexguard starts (stty, perl,
 * flock, lsof, coredumpctl, launchctl, systemctl, crontab, the shells) is found this way, so a `bin/stty` planted
 * in a cloned repository is never run through a relative or empty PATH entry. Undefined when it is not there.
 */
export function programOnPath(name: string, pathValue: string | undefined = process.env.PATH): string | undefined {
  return walkPath(name, pathValue, new Set()).found?.path;
}

/** PATH with its relative and empty entries dropped: what a program codexguard starts inherits (a shell it runs looks there too). */
export function absolutePath(pathValue: string | undefined = process.env.PATH): string {
  return pathEntries(pathValue).join(delimiter);
}
