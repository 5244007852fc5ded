// Lists Codex's SQLite files in one folder with their sizes: one readdir plus one stat per file found, nothing opened.
import { readdirSync, statSync } from 'node:fs';
import { joinerOf } from '../path-join.ts';
import { parseRotationName } from '../rotate/names.ts';

/** Log DBs (`logs_N.sqlite`) may be rotated; every other DB is state, only ever checkpointed. */
export type DbKind = 'log' | 'state';

/** One DB's file set. A size of 0 with `exists: false` means that file is absent. */
export interface DbFiles {
  /** Base name of the main file, e.g. `logs_2.sqlite`. */
  name: string;
  kind: DbKind;
  /** Absolute path of the main file. */
  path: string;
  /** False when only sidecars were found (a -wal whose main file is missing). */
  exists: boolean;
  size: number;
  /** The main file's identity, `<inode>:<birth time>` ('' when missing): tells a file Codex made anew from the old one. */
  identity: string;
  walSize: number;
  shmSize: number;
  /** A rollback journal is present (`-journal`): the DB may need recovery by SQLite itself. */
  journal: boolean;
}

/** What the pre-flight knows about one SQLite home, from names and sizes only. */
export interface Inventory {
  dir: string;
  dbs: DbFiles[];
  /** DB names with rotation leftovers beside them (an interrupted rotation or restore). */
  leftovers: string[];
  /**
   * DB names with a compression under way or cut short beside them (`.tgz.partial`, or a folder and its `.tgz`).
   * Never a launch's business: an archive is no longer the live DB, and `maintain` tidies these under the compress lock.
   */
  compressing: string[];
  /** Names of finished archives (dirs and .tgz), unsorted. */
  archives: string[];
}

const SIDE = /^(.+\.sqlite)-(wal|shm|journal)$/;
const LOG = /^logs_\d+\.sqlite$/;

/** Scans `dir` (missing or unreadable: an empty inventory). */
export function scanInventory(dir: string): Inventory {
  const inventory: Inventory = { dir, dbs: [], leftovers: [], compressing: [], archives: [] };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return inventory;
  }
  // Names from readdir are plain: one normalisation of dir for all of them (see joinerOf).
  const at = joinerOf(dir);
  const sets = new Map<string, DbFiles>();
  const set = (name: string): DbFiles => {
    let files = sets.get(name);
    if (!files) {
      files = {
        name,
        kind: LOG.test(name) ? 'log' : 'state',
        path: at(name),
        exists: false,
        size: 0,
        identity: '',
        walSize: 0,
        shmSize: 0,
        journal: false,
      };
      sets.set(name, files);
    }
    return files;
  };
  const leftovers = new Set<string>();
  const compressing = new Set<string>();
  for (const name of names) {
    if (name.endsWith('.sqlite')) {
      const stats = fileStats(at(name));
      if (stats)
        Object.assign(set(name), { exists: true, size: stats.size, identity: `${stats.ino}:${stats.birthtimeMs}` });
      continue;
    }
    const side = SIDE.exec(name);
    if (side) {
      const size = fileStats(at(name))?.size;
      if (size === undefined) continue;
      const files = set(side[1]!);
      if (side[2] === 'wal') files.walSize = size;
      else if (side[2] === 'shm') files.shmSize = size;
      else files.journal = true;
      continue;
    }
    const made = name.includes('.sqlite.') ? parseRotationName(name) : undefined;
    if (!made) continue;
    if (made.kind === 'archive' || made.kind === 'archive-tgz') inventory.archives.push(name);
    else if (made.kind === 'tgz-partial') compressing.add(made.db);
    else leftovers.add(made.db);
  }
  // An archive both unpacked and packed means a compression was cut short.
  for (const name of inventory.archives) {
    if (name.endsWith('.tgz') && names.includes(name.slice(0, -'.tgz'.length)))
      compressing.add(parseRotationName(name)!.db);
  }
  inventory.dbs = [...sets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  inventory.leftovers = [...leftovers].sort();
  inventory.compressing = [...compressing].sort();
  return inventory;
}

function fileStats(path: string): import('node:fs').Stats | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats?.isFile() ? stats : undefined;
}
