// `codexguard rotate [--dry-run] [--force]`: the pre-flight now, by hand (under the same lock as the shim), or what it would do.
import { decide, type Action } from '../../inventory/decide.ts';
import { scanInventory } from '../../inventory/scan.ts';
import { liveSessions } from '../../registry/live.ts';
import { commandContext } from '../context.ts';
import { runPreflightNow } from './maintain.ts';

/** Options parsed by commander. */
export interface RotateCommandOptions {
  dryRun?: boolean;
  force?: boolean;
}

/** Exit 0 when everything due was done (or nothing was due), 1 when something failed or was skipped. */
export async function run(options: RotateCommandOptions = {}): Promise<number> {
  if (!options.dryRun) return runPreflightNow({ force: options.force, progress: true });
  const { settings, home } = await commandContext();
  const actions = decide(scanInventory(home.dir), settings.limits, { force: options.force });
  if (!actions.length) process.stdout.write(`codexguard: nothing over the limits in ${home.dir}\n`);
  // An unreadable registry means someone may be running: count one.
  const live = liveSessions(home.codexHome);
  for (const action of actions) process.stdout.write(`${await plan(action, live.ok ? live.sessions.length : 1)}\n`);
  return 0;
}

/** What --dry-run prints for one action, with the strategy a rotation would use right now. */
async function plan(action: Action, live: number): Promise<string> {
  const name = typeof action.db === 'string' ? action.db : action.db.name;
  if (action.kind !== 'rotate') return `would ${action.kind} ${name}: ${action.reason}`;
  const { openers } = await import('../../rotate/openers.ts');
  const { chooseStrategy } = await import('../../rotate/strategy.ts');
  const db = action.db.path;
  const users = await openers([db, `${db}-wal`, `${db}-shm`]).catch(() => 'unknown' as const);
  const { strategy, reason } = chooseStrategy({ openers: users, liveSessions: live });
  return `would rotate ${name} (${action.reason}) ${strategy === 'exclusive' ? 'by swapping in a fresh file' : 'in place'}: ${reason}`;
}
