// `codexguard rotate [--dry-run] [--force]`: rotates and checkpoints what is over the limits now, outside a codex launch.
import { resolveSqliteHome } from '../../inventory/sqlite-home.ts';
import { scanInventory } from '../../inventory/scan.ts';
import { decide, type Action } from '../../inventory/decide.ts';
import { DEFAULT_LIMITS, type Limits } from '../../inventory/limits.ts';

/** Options parsed by commander. */
export interface RotateCommandOptions {
  dryRun?: boolean;
  force?: boolean;
}

/** Exit 0 when everything due was done (or nothing was due), 1 when something failed or was skipped. */
export async function run(options: RotateCommandOptions = {}, limits: Limits = DEFAULT_LIMITS): Promise<number> {
  const home = await resolveSqliteHome(process.env);
  if (home.warning) process.stderr.write(`codexguard: ${home.warning}\n`);
  const inventory = scanInventory(home.dir);
  const actions = decide(inventory, limits, { force: options.force });
  if (!actions.length) {
    process.stdout.write(`nothing over the limits in ${home.dir}\n`);
    return 0;
  }
  if (options.dryRun) {
    for (const action of actions) process.stdout.write(`${await plan(action)}\n`);
    return 0;
  }
  const { runActions } = await import('../../rotate/run.ts');
  const { progressLine, describeProgress } = await import('../../rotate/progress.ts');
  const line = progressLine();
  const results = await runActions(inventory, actions, { limits, onProgress: (db, event) => line.update(describeProgress(db, event)) });
  line.done();
  for (const result of results) (result.ok ? process.stdout : process.stderr).write(`${result.ok ? '' : 'codexguard: '}${result.message}${result.ok ? '' : ` [${result.code}]`}\n`);
  return results.every((result) => result.ok) ? 0 : 1;
}

/** What --dry-run prints for one action, with the strategy a rotation would use right now. */
async function plan(action: Action): Promise<string> {
  const name = typeof action.db === 'string' ? action.db : action.db.name;
  if (action.kind !== 'rotate') return `would ${action.kind} ${name}: ${action.reason}`;
  const { openers } = await import('../../rotate/openers.ts');
  const { chooseStrategy } = await import('../../rotate/strategy.ts');
  const db = action.db.path;
  const users = await openers([db, `${db}-wal`, `${db}-shm`]).catch(() => 'unknown' as const);
  const { strategy, reason } = chooseStrategy({ openers: users, liveSessions: 0 });
  return `would rotate ${name} (${action.reason}) ${strategy === 'exclusive' ? 'by swapping in a fresh file' : 'in place'}: ${reason}`;
}
