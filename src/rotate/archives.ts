// Lists a DB's archives (newest first), finds one by name, and deletes all but the newest N.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { treeBytes } from '../disk-usage.ts';
import { parseRotationName } from './names.ts';

/** One finished archive: a folder with the old db (+ -wal), or the same packed as .tgz. */
export interface ArchiveInfo {
  /** The DB it is an archive of, e.g. `logs_2.sqlite`. */
  db: string;
  name: string;
  path: string;
  /** When it was made (from its name). */
  date: Date;
  compressed: boolean;
  bytes: number;
}

/** Finished archives in `dir` (of `db` only, when given), newest first. */
export function listArchives(dir: string, db?: string): ArchiveInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const archives: ArchiveInfo[] = [];
  for (const name of names) {
    const parsed = parseRotationName(name);
    if (!parsed || (parsed.kind !== 'archive' && parsed.kind !== 'archive-tgz') || (db && parsed.db !== db)) continue;
    const compressed = parsed.kind === 'archive-tgz';
    // An archive being compressed shows up once, as its folder, until the .tgz is complete.
    if (compressed && names.includes(name.slice(0, -'.tgz'.length))) continue;
    const path = join(dir, name);
    archives.push({ db: parsed.db, name, path, date: dateOf(parsed.stamp!), compressed, bytes: treeBytes(path) });
  }
  return archives.sort((a, b) => b.date.getTime() - a.date.getTime() || (a.name < b.name ? 1 : -1));
}

/** Deletes all but the newest `keep` archives of `db`; returns the paths deleted. */
export function pruneArchives(dir: string, db: string, keep: number): string[] {
  const doomed = listArchives(dir, db).slice(Math.max(0, Math.floor(keep)));
  for (const archive of doomed) rmSync(archive.path, { recursive: true, force: true });
  return doomed.map((archive) => archive.path);
}

/** Finds an archive by its name, its path, or its stamp (`20260619T052106.123Z`), looking in `dir` and beside a given path. */
export function findArchive(dir: string, ref: string): ArchiveInfo | undefined {
  const where = isAbsolute(ref) || ref.includes('/') ? dirname(resolve(ref)) : dir;
  const wanted = basename(ref.replace(/\/+$/, ''));
  return listArchives(where).find((archive) => archive.name === wanted || archive.name.includes(`.${wanted}.`));
}

function dateOf(stamp: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z$/.exec(stamp)!;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!));
}
