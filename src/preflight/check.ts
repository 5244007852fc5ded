// The pre-flight on the launch path: stat Codex's SQLite files, and only if something is over a limit, fix it under the lock.
import { line } from '../outcome.ts';
import { decide, type Action } from '../inventory/decide.ts';
import { scanInventory, type Inventory } from '../inventory/scan.ts';
import { resolveSqliteHome } from '../inventory/sqlite-home.ts';
import { dropLevelsDue, dropLevelsStateFile, logInodes, readDropLevelsState } from '../droplevels/state.ts';
import type { PreflightOptions } from './options.ts';

export type { PreflightOptions } from './options.ts';

/** What a pre-flight found and did: the actions decided before the lock, whether every one succeeded, what waits for Codex to be idle, and the sizes after. */
export interface PreflightReport {
  dir: string;
  actions: Action[];
  ok: boolean;
  /** DBs whose rotation (or recovery) waits because Codex is in use (not counted as a failure in `ok`). */
  deferred: string[];
  inventory: Inventory;
}

/**
 * Decides from names and sizes alone (readdir + stat, no SQLite, nothing heavy imported). When
 * nothing is over a limit that is all; otherwise the fixing code is loaded and run under the lock.
 * The drop trigger (`logs.dropLevels`, `logs.filter`) is (re)applied only when they or a log DB's inode changed.
 */
export async function preflight(options: PreflightOptions): Promise<PreflightReport> {
  const home = await resolveSqliteHome(options.env, options.args);
  if (home.warning) options.say(line(home.warning, 'W_SQLITE_HOME'));
  let inventory = scanInventory(home.dir);
  const actions = decide(inventory, options.limits, { force: options.force });
  let ok = true;
  let deferred: string[] = [];
  if (actions.length > 0) {
    const { fixUnderLock } = await import('./under-lock.ts');
    ({ ok, deferred } = await fixUnderLock(home, options));
    inventory = scanInventory(home.dir);
  }
  if (options.drop) {
    const file = dropLevelsStateFile(home.codexHome);
    if (dropLevelsDue(readDropLevelsState(file), options.drop, logInodes(inventory))) {
      const { applyAndRecord } = await import('../droplevels/record.ts');
      ok = applyAndRecord(home.dir, file, options.drop, options.say) && ok;
    }
  }
  return { dir: home.dir, actions, ok, deferred, inventory };
}
