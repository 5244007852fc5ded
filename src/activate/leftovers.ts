// What `codexguard uninstall` leaves behind (codexguard itself, its state, DB archives), with sizes; `--purge` removes it.
// Codex's live DBs are never among it: archives are only the files a rotation named as archives.
import { existsSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { treeBytes } from '../disk-usage.ts';
import { guardDir } from '../private-fs.ts';
import { listArchives } from '../rotate/archives.ts';

/** The file install/install.sh puts at the root of the prefix it made: only such a copy of codexguard is purged. */
export const PREFIX_MARK = '.codexguard-prefix';

/** One thing left behind, and whether `--purge` removes it (else how to remove it). */
export interface Leftover {
  what: string;
  paths: string[];
  /** Undefined for a clone, which is not walked (its node_modules alone is hundreds of MB). */
  bytes?: number;
  purge: boolean;
  hint?: string;
}

/** Where codexguard's things are: its package root, Codex's home and the DBs' folder. */
export interface LeftoverPlaces {
  packageRoot: string;
  codexHome: string;
  sqliteHome: string;
}

/** What is left once install's changes are undone. Read-only. */
export function findLeftovers(at: LeftoverPlaces): Leftover[] {
  const out: Leftover[] = [];
  const state = guardDir(at.codexHome);
  if (existsSync(state))
    out.push({
      what: 'codexguard state (crash bundles, sessions, notices)',
      paths: [state],
      bytes: treeBytes(state),
      purge: true,
    });
  const archives = [...new Set([at.sqliteHome, at.codexHome])].flatMap((dir) => listArchives(dir));
  if (archives.length > 0) {
    out.push({
      what: `${archives.length} archive${archives.length === 1 ? '' : 's'} of rotated DBs`,
      paths: archives.map((a) => a.path),
      bytes: archives.reduce((n, a) => n + a.bytes, 0),
      purge: true,
    });
  }
  if (existsSync(join(at.packageRoot, PREFIX_MARK))) {
    out.push({
      what: 'codexguard itself (installed by install.sh)',
      paths: [at.packageRoot],
      bytes: treeBytes(at.packageRoot),
      purge: true,
    });
  } else if (existsSync(join(at.packageRoot, '.git'))) {
    out.push({ what: "codexguard's clone", paths: [at.packageRoot], purge: false, hint: 'delete it yourself' });
  } else {
    out.push({
      what: "codexguard's package",
      paths: [at.packageRoot],
      bytes: treeBytes(at.packageRoot),
      purge: false,
      hint: 'remove it with `npm uninstall -g codexguard`',
    });
  }
  return out;
}

/** Removes every purgeable leftover, then each of `thenIfEmpty` that is left empty; returns the paths it could not remove. */
export function purgeLeftovers(leftovers: readonly Leftover[], thenIfEmpty: readonly string[] = []): string[] {
  const failed: string[] = [];
  for (const leftover of leftovers.filter((l) => l.purge)) {
    for (const path of leftover.paths) {
      try {
        rmSync(path, { recursive: true, force: true });
      } catch {
        failed.push(path);
      }
    }
  }
  for (const dir of thenIfEmpty) {
    try {
      rmdirSync(dir);
    } catch {
      // Not empty, or gone: either is fine.
    }
  }
  return failed;
}
