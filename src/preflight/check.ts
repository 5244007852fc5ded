// The pre-flight on the launch path: stat Codex's SQLite files, and only if something is over a limit, fix it under the lock.
import { decide, type Action } from '../inventory/decide.ts';
import type { Limits } from '../inventory/limits.ts';
import { scanInventory, type Inventory } from '../inventory/scan.ts';
import { resolveSqliteHome } from '../inventory/sqlite-home.ts';

/** What the pre-flight needs: the environment, the limits, how long to wait for another shim, and where its lines go. */
export interface PreflightOptions {
  env: NodeJS.ProcessEnv;
  limits: Limits;
  lockTimeoutMs: number;
  say: (line: string) => void;
  /** Rotate every log DB whatever its size (`codexguard rotate --force`). */
  force?: boolean;
  /** Show progress on stderr for a rotation that takes over about a second (TTY only). */
  progress?: boolean;
  /** After a rotation on the launch path, gzip the archive in a detached `codexguard maintain` (config `logs.compress`). */
  compress?: boolean;
  /** On the launch path: compression goes to the background, and Codex's own maintenance is not reported. */
  launch?: boolean;
}

/** What a pre-flight found and did: the actions decided before the lock, whether every one succeeded, and the sizes after. */
export interface PreflightReport {
  dir: string;
  actions: Action[];
  ok: boolean;
  inventory: Inventory;
}

/**
 * Decides from names and sizes alone (readdir + stat, no SQLite, nothing heavy imported). When
 * nothing is over a limit that is all; otherwise the fixing code is loaded and run under the lock.
 */
export async function preflight(options: PreflightOptions): Promise<PreflightReport> {
  const home = await resolveSqliteHome(options.env);
  if (home.warning) options.say(`codexguard: ${home.warning} [W_SQLITE_HOME]`);
  const inventory = scanInventory(home.dir);
  const actions = decide(inventory, options.limits, { force: options.force });
  if (actions.length === 0) return { dir: home.dir, actions, ok: true, inventory };
  const { maintain } = await import('./maintain.ts');
  const ok = await maintain(home, options);
  return { dir: home.dir, actions, ok, inventory: scanInventory(home.dir) };
}
