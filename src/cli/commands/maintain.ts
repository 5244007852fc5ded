// `codexguard maintain`: the pre-flight without launching codex; for cron, timers, launchd. Safe while codex runs.
import { runPreflightNow } from '../../preflight/by-hand.ts';

/** `codexguard maintain`: non-interactive, timestamped lines, exit 1 when any action failed or the lock was not had (a deferral is not a failure). */
export async function run(): Promise<number> {
  return (await runPreflightNow({ stamp: true })).status;
}
