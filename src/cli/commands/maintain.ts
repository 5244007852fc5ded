// `codexguard maintain`: the pre-flight without launching codex; for cron, timers, launchd. Safe while codex runs.
import { preflight } from '../../preflight/check.ts';
import { commandContext } from '../context.ts';

/** Options of maintain (and of rotate, which is maintain run by hand). */
export interface MaintainOptions {
  force?: boolean;
  /** Progress on stderr for a long rotation (TTY only); maintain is quiet. */
  progress?: boolean;
  /** Prefix each line with an ISO timestamp (for log files). */
  stamp?: boolean;
}

/** Runs the pre-flight now, under the same lock as the shim's; a running codex gets the shared strategy. Exit 0 when all went well, 1 otherwise. */
export async function runPreflightNow(options: MaintainOptions): Promise<number> {
  const { settings, home, env } = await commandContext();
  const stamp = () => (options.stamp ? `${new Date().toISOString()} ` : '');
  const say = (line: string) => process.stdout.write(`${stamp()}${line}\n`);
  const report = await preflight({ env, limits: settings.limits, lockTimeoutMs: settings.lockTimeoutMs, say, force: options.force, progress: options.progress, dropLevels: settings.dropLevels });
  if (report.actions.length === 0) say(`codexguard: nothing over the limits in ${home.dir} (${report.inventory.dbs.length} databases)`);
  let ok = report.ok;
  if (settings.compress) {
    const { compressPending } = await import('../../preflight/maintain.ts');
    ok = (await compressPending(home, settings.lockTimeoutMs, say)) && ok;
  }
  return ok ? 0 : 1;
}

/** `codexguard maintain`: non-interactive, timestamped lines, exit 1 when any action failed or the lock was not had. */
export async function run(): Promise<number> {
  return runPreflightNow({ stamp: true });
}
