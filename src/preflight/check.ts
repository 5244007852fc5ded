// The pre-flight on the launch path: stat Codex's SQLite files, and only if something is over a limit, fix it under the lock.
import type { CodexCommand } from '../codex/daemon-control.ts';
import type { DaemonRestart } from '../codex/idle.ts';
import { decide, type Action } from '../inventory/decide.ts';
import type { Limits } from '../inventory/limits.ts';
import { scanInventory, type Inventory } from '../inventory/scan.ts';
import { resolveSqliteHome } from '../inventory/sqlite-home.ts';
import { dropLevelsDue, dropLevelsStateFile, logInodes, readDropLevelsState } from './drop-levels.ts';

/** What the pre-flight needs: the environment, the limits, how long to wait for another shim, and where its lines go. */
export interface PreflightOptions {
  env: NodeJS.ProcessEnv;
  limits: Limits;
  lockTimeoutMs: number;
  say: (line: string) => void;
  /** Codex's arguments on a launch: a `-c sqlite_home=…` among them moves the DBs, and is the one key read. */
  args?: readonly string[];
  /** Rotate every log DB whatever its size (`codexguard rotate --force`). */
  force?: boolean;
  /** Show progress on stderr for a rotation that takes over about a second (TTY only). */
  progress?: boolean;
  /** After a rotation on the launch path, gzip the archive in a detached `codexguard maintain` (config `logs.compress`). */
  compress?: boolean;
  /** On the launch path: compression goes to the background, and Codex's own maintenance is not reported. */
  launch?: boolean;
  /** Config `logs.dropLevels`: the levels whose inserts a trigger in each log DB ignores ([] removes it). */
  dropLevels?: readonly string[];
  /** Config `daemon.restart` (default idle). */
  daemonRestart?: DaemonRestart;
  /** The real codex, to stop (and off the launch path start again) Codex's daemon with. */
  codex?: CodexCommand | undefined;
  /** `rotate --stop-daemon`, confirmed: stop the daemon even while it is in use. */
  stopBusyDaemon?: boolean;
}

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
 * The `logs.dropLevels` trigger is (re)applied only when the levels or a log DB's inode changed.
 */
export async function preflight(options: PreflightOptions): Promise<PreflightReport> {
  const home = await resolveSqliteHome(options.env, options.args);
  if (home.warning) options.say(`codexguard: ${home.warning} [W_SQLITE_HOME]`);
  let inventory = scanInventory(home.dir);
  const actions = decide(inventory, options.limits, { force: options.force });
  let ok = true;
  let deferred: string[] = [];
  if (actions.length > 0) {
    const { maintain } = await import('./maintain.ts');
    ({ ok, deferred } = await maintain(home, options));
    inventory = scanInventory(home.dir);
  }
  if (options.dropLevels) {
    const file = dropLevelsStateFile(home.codexHome);
    if (dropLevelsDue(readDropLevelsState(file), options.dropLevels, logInodes(inventory))) {
      const { applyAndRecord } = await import('./drop-levels-apply.ts');
      ok = applyAndRecord(home.dir, file, options.dropLevels, options.say) && ok;
    }
  }
  return { dir: home.dir, actions, ok, deferred, inventory };
}
