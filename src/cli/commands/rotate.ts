// `codexguard rotate [--dry-run] [--force] [--stop-daemon]`: the pre-flight now, by hand (under the same lock as the shim), or what it would do.
import { line } from '../../outcome.ts';
import { isatty } from 'node:tty';
import { codexActivity, dbFiles, type CodexActivity } from '../../codex/activity.ts';
import { inUse, planRotation, type DaemonRestart } from '../../codex/idle.ts';
import { actionDb, decide, type Action } from '../../inventory/decide.ts';
import { scanInventory } from '../../inventory/scan.ts';
import { commandContext } from '../../command-context.ts';
import { runPreflightNow } from '../../preflight/by-hand.ts';

/** Options parsed by commander. */
export interface RotateCommandOptions {
  dryRun?: boolean;
  force?: boolean;
  /** Stop Codex's daemon even while it is in use, once the user says yes on a terminal. */
  stopDaemon?: boolean;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Asks a yes/no question on the terminal; anything but y/yes is no. */
async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** `--stop-daemon`: who would be interrupted, and the user's yes on a terminal (never without one). Undefined: go ahead. */
async function stopDaemonAllowed(): Promise<number | undefined> {
  const { home } = await commandContext(true);
  const inventory = scanInventory(home.dir);
  const activity = await codexActivity(
    home.codexHome,
    inventory.dbs.map((d) => d.path),
  );
  if (activity.daemon.state !== 'running') return undefined;
  const users = inUse(activity)?.who;
  if (!users) return undefined;
  const what = `Codex's app-server daemon (pid ${activity.daemon.pid}) is in use: ${users}. Stopping it ends what those clients are doing.`;
  if (!isatty(0) || !isatty(2)) {
    process.stderr.write(
      `${line(`${what} --stop-daemon asks first, and there is no terminal to ask on; nothing done`, 'E_NO_TTY')}\n`,
    );
    return 1;
  }
  if (await confirm(`codexguard: ${what} Stop it and rotate?`)) return undefined;
  out('codexguard: nothing done');
  return 1;
}

/** How a rotation of the DB at `path` would go now: deferred, or the strategy `chooseStrategy` would pick (after stopping an idle daemon). */
async function dryRunHow(
  activity: CodexActivity,
  path: string,
  restart: DaemonRestart,
  stopBusy?: boolean,
): Promise<string> {
  const plan = planRotation(activity, { restart, stopBusy });
  if (plan.kind === 'defer') return `not now: ${plan.why}`;
  const { openers } = await import('../../codex/holders.ts');
  const { chooseStrategy } = await import('../../rotate/strategy.ts');
  // Once the daemon is stopped it no longer holds the file; anyone else still does.
  const users =
    plan.kind === 'stop-daemon'
      ? activity.holders === 'unknown'
        ? 'unknown'
        : []
      : await openers(dbFiles(path)).catch(() => 'unknown' as const);
  const { strategy, reason } = chooseStrategy({
    openers: users,
    liveSessions: activity.sessions === 'unknown' ? 1 : activity.sessions.length,
  }); // an unreadable registry counts one
  const stop = plan.kind === 'stop-daemon' ? `after stopping Codex's idle daemon (pid ${plan.pid}), ` : '';
  return `${stop}${strategy === 'exclusive' ? 'by swapping in a fresh file' : 'in place'}: ${reason}`;
}

/** Exit 0 when everything due was done (or nothing was due), 1 when something failed or was deferred because Codex is in use. */
export async function run(options: RotateCommandOptions = {}): Promise<number> {
  if (!options.dryRun) {
    if (options.stopDaemon) {
      const refused = await stopDaemonAllowed();
      if (refused !== undefined) return refused;
    }
    const done = await runPreflightNow({ force: options.force, progress: true, stopBusyDaemon: options.stopDaemon });
    return done.deferred.length ? 1 : done.status;
  }
  const { settings, home } = await commandContext();
  const inventory = scanInventory(home.dir);
  const actions = decide(inventory, settings.limits, { force: options.force });
  if (!actions.length) out(`codexguard: nothing over the limits in ${home.dir}`);
  const rotating = actions.filter((a): a is Extract<Action, { kind: 'rotate' }> => a.kind === 'rotate');
  const activity = rotating.length
    ? await codexActivity(
        home.codexHome,
        inventory.dbs.map((d) => d.path),
      )
    : undefined;
  for (const action of actions) {
    const name = actionDb(action);
    if (action.kind !== 'rotate' || !activity) {
      out(`would ${action.kind} ${name}: ${action.reason}`);
      continue;
    }
    out(
      `would rotate ${name} (${action.reason}) ${await dryRunHow(activity, action.db.path, settings.daemonRestart, options.stopDaemon)}`,
    );
  }
  return 0;
}
