// The pre-flight run by hand (`codexguard maintain`, `codexguard rotate`, the scheduled job): the same work as at
// launch, under the same lock, with lines on stdout, then the gzip of archives.
import { commandContext, realCodexCommand } from '../command-context.ts';
import { preflight } from './check.ts';

/** Options of maintain (and of rotate, which is maintain run by hand). */
export interface MaintainOptions {
  force?: boolean;
  /** Progress on stderr for a long rotation (TTY only); maintain is quiet. */
  progress?: boolean;
  /** Prefix each line with an ISO timestamp (for log files). */
  stamp?: boolean;
  /** Stop Codex's daemon even while it is in use (`rotate --stop-daemon`, after the user confirmed). */
  stopBusyDaemon?: boolean;
}

/** What a pre-flight run by hand ended with: its exit status, and the DBs it left for when Codex is idle. */
export interface PreflightRun {
  status: number;
  deferred: string[];
}

/** Runs the pre-flight now, under the same lock as the shim's; a running codex gets the shared strategy. Status 0 when all went well, 1 otherwise. */
export async function runPreflightNow(options: MaintainOptions): Promise<PreflightRun> {
  const context = await commandContext();
  const { settings, home, env } = context;
  const stamp = () => (options.stamp ? `${new Date().toISOString()} ` : '');
  const say = (line: string) => process.stdout.write(`${stamp()}${line}\n`);
  const report = await preflight({
    env,
    limits: settings.limits,
    lockTimeoutMs: settings.lockTimeoutMs,
    say,
    force: options.force,
    progress: options.progress,
    drop: settings.drop,
    daemonRestart: settings.daemonRestart,
    codex: realCodexCommand(context),
    stopBusyDaemon: options.stopBusyDaemon,
  });
  if (report.actions.length === 0)
    say(`codexguard: nothing over the limits in ${home.dir} (${report.inventory.dbs.length} databases)`);
  let ok = report.ok;
  // One growth point an hour for `status` and doctor (the scheduled run is what keeps them coming for the Desktop app).
  // Before the gzip, which is the last thing a run does: whoever waits for the archive finds the run done.
  const { recordPointIfDue } = await import('../insight/growth-io.ts');
  await recordPointIfDue(home.codexHome, report.inventory);
  if (settings.compress) {
    const { compressPending } = await import('./compress-pending.ts');
    ok = (await compressPending(home, settings.lockTimeoutMs, say)) && ok;
  }
  return { status: ok ? 0 : 1, deferred: report.deferred };
}
