// `codexguard rotate [--dry-run] [--force]`: rotates and checkpoints what is over the limits now, outside a codex launch.
import { decide, type Action } from '../../inventory/decide.ts';
import { scanInventory } from '../../inventory/scan.ts';
import { liveSessions } from '../../registry/live.ts';
import { commandContext } from '../context.ts';

/** Options parsed by commander. */
export interface RotateCommandOptions {
  dryRun?: boolean;
  force?: boolean;
}

/** Exit 0 when everything due was done (or nothing was due), 1 when something failed or was skipped. */
export async function run(options: RotateCommandOptions = {}): Promise<number> {
  const { settings, home } = await commandContext();
  const inventory = scanInventory(home.dir);
  const actions = decide(inventory, settings.limits, { force: options.force });
  if (!actions.length) {
    process.stdout.write(`nothing over the limits in ${home.dir}\n`);
    return 0;
  }
  // An unreadable registry means someone may be running: count one.
  const sessions = () => {
    const live = liveSessions(home.codexHome);
    return live.ok ? live.sessions.length : 1;
  };
  if (options.dryRun) {
    for (const action of actions) process.stdout.write(`${await plan(action, sessions())}\n`);
    return 0;
  }
  const { runActions } = await import('../../rotate/run.ts');
  const { progressLine, describeProgress } = await import('../../rotate/progress.ts');
  const line = progressLine();
  const results = await runActions(inventory, actions, { limits: settings.limits, liveSessions: sessions, onProgress: (db, event) => line.update(describeProgress(db, event)) });
  line.done();
  for (const result of results) {
    if (result.ok) process.stdout.write(`${result.message}\n`);
    else process.stderr.write(`codexguard: ${result.message} [${result.code}]\n`);
  }
  return results.every((result) => result.ok) ? 0 : 1;
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
