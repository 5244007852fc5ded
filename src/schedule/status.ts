// `schedule status` and doctor's view: which scheduled job is installed, how it runs, and what is wrong with it, one line each.
import { existsSync } from 'node:fs';
import { formatDuration } from '../config/format.ts';
import { ago } from '../human.ts';
import { inspectCron } from './cron-io.ts';
import { mtimeOf } from './files.ts';
import { cronSchedule, intervalSeconds } from './interval.ts';
import { inspectLaunchd } from './launchd-io.ts';
import { logFileOf, type ScheduleKind } from './spec.ts';
import { inspectSystemd } from './systemd-io.ts';
import type { InstalledJob, ScheduleContext } from './types.ts';

/** The stable shape of `schedule status --json` (without its `version`) and of doctor's schedule check. */
export interface ScheduleStatus {
  installed: boolean;
  /** The first kind found (launchd, systemd, cron order). */
  kind: ScheduleKind | null;
  /** Every kind found; more than one is a problem. */
  kinds: ScheduleKind[];
  everyMs: number | null;
  command: string[] | null;
  files: string[];
  loaded: boolean | null;
  lastRun: string | null;
  lastExitCode: number | null;
  logFile: string;
  /** One line each, with the fix. */
  problems: string[];
}

/** Where to look; each defaults to this process's. `everyMs` is config's schedule.every, to compare with. */
export interface StatusOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  uid?: number;
  everyMs?: number;
}

const FIX = 'run `codexguard schedule install`';

/** The problems of an installed job, judged against the expected interval (pure but for the existence of the program's files). */
export function judgeJob(
  job: InstalledJob,
  kinds: readonly ScheduleKind[],
  lastRun: string | null,
  logFile: string,
  everyMs?: number,
  now = Date.now(),
): string[] {
  const problems: string[] = [];
  if (kinds.length > 1) problems.push(`scheduled ${kinds.length} times (${kinds.join(', ')}): ${FIX} to keep one`);
  if (job.note) problems.push(job.note);
  if (job.loaded === false) problems.push(`the ${job.kind} job is installed but not loaded: ${FIX}`);
  const [node, script] = job.program ?? [];
  if (!node || !script) problems.push(`cannot read the ${job.kind} job's command: ${FIX}`);
  else {
    if (!existsSync(node)) problems.push(`node ${node} is gone (upgraded or moved?): ${FIX}`);
    if (!existsSync(script)) problems.push(`${script} is gone: ${FIX}`);
  }
  if (everyMs !== undefined && job.everyMs !== null) {
    const expected = job.kind === 'cron' ? cronSchedule(everyMs).everyMs : intervalSeconds(everyMs) * 1000;
    if (expected !== job.everyMs)
      problems.push(
        `runs every ${formatDuration(job.everyMs)} but schedule.every is ${formatDuration(everyMs)}: ${FIX}`,
      );
  }
  if (job.lastExitCode !== null && job.lastExitCode !== 0)
    problems.push(`the last run failed (exit ${job.lastExitCode}): see ${logFile}`);
  // launchd's own word beats the log's age: a loaded agent whose last run exited 0 is not stale, however long the Mac
  // slept (its calendar times run on wake, not during sleep).
  const launchdSaysFine = job.kind === 'launchd' && job.loaded === true && job.lastExitCode === 0;
  if (
    !launchdSaysFine &&
    lastRun &&
    job.everyMs &&
    job.loaded !== false &&
    now - Date.parse(lastRun) > 3 * job.everyMs + 600_000
  ) {
    problems.push(`the last run was ${ago(now - Date.parse(lastRun))} ago, over 3 intervals: see ${logFile}`);
  }
  return problems;
}

function notInstalled(logFile: string, problems: string[]): ScheduleStatus {
  return {
    installed: false,
    kind: null,
    kinds: [],
    everyMs: null,
    command: null,
    files: [],
    loaded: null,
    lastRun: null,
    lastExitCode: null,
    logFile,
    problems,
  };
}

/** Looks at launchd, systemd and cron; never throws (a failure becomes a problem line). */
export async function scheduleStatus(options: StatusOptions = {}): Promise<ScheduleStatus> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const ctx: ScheduleContext = { env, uid: options.uid ?? process.getuid?.() ?? 0 };
  let logFile = '';
  try {
    logFile = logFileOf(env, platform);
    const found = (await Promise.all([inspectLaunchd(ctx), inspectSystemd(ctx), inspectCron(ctx)])).filter(
      (j): j is InstalledJob => j !== null,
    );
    const kinds = found.map((j) => j.kind);
    const job = found[0];
    if (!job) return notInstalled(logFile, []);
    const lastRun = job.lastRun ?? mtimeOf(logFile);
    return {
      installed: true,
      kind: job.kind,
      kinds,
      everyMs: job.everyMs,
      command: job.program,
      files: job.files,
      loaded: job.loaded,
      lastRun,
      lastExitCode: job.lastExitCode,
      logFile,
      problems: judgeJob(job, kinds, lastRun, logFile, options.everyMs),
    };
  } catch (error) {
    return notInstalled(logFile, [`cannot read the schedule: ${(error as Error).message}`]);
  }
}
