// `schedule install` and `schedule remove`: pick the scheduler, keep exactly one job, report in a few lines.
import { dirname, join } from 'node:path';
import { formatDuration } from '../config/format.ts';
import { tildify } from '../config/issues.ts';
import { walkPath } from '../resolve/path-walk.ts';
import { chooseBackend } from './backend.ts';
import { installCron, removeCron } from './cron-io.ts';
import { missingRoot, present, readOrNull, removeEmptyTree, rmdirQuietly } from './files.ts';
import { cronSchedule } from './interval.ts';
import { installLaunchd, removeLaunchd } from './launchd-io.ts';
import { jobSpec, logFileOf, plistPath, unitDir, type ScheduleKind } from './spec.ts';
import { installSystemd, removeSystemd, userManager } from './systemd-io.ts';
import type { ScheduleContext, StepOutcome } from './types.ts';
import { removeQuietly, writeAtomic } from '../private-fs.ts';

/** What install or remove did. */
export interface ScheduleReport {
  ok: boolean;
  kind: ScheduleKind | null;
  changed: boolean;
  lines: string[];
}

/** Options of install; each defaults to this process's. `program` replaces `[node, bin/codexguard.js, 'maintain']` (tests). */
export interface InstallOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  uid?: number;
  everyMs: number;
  cron?: boolean;
  program?: string[];
}

const REMOVERS: Record<ScheduleKind, (ctx: ScheduleContext) => Promise<StepOutcome>> = {
  launchd: removeLaunchd,
  systemd: removeSystemd,
  cron: removeCron,
};

function contextOf(options: { env?: NodeJS.ProcessEnv; uid?: number }): ScheduleContext {
  return { env: options.env ?? process.env, uid: options.uid ?? process.getuid?.() ?? 0 };
}

/** The folders a job may need: its log's, the systemd units' (with the wants link), the launchd agents'. */
function jobDirs(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  return [dirname(logFileOf(env, platform)), join(unitDir(env), 'timers.target.wants'), dirname(plistPath(env))];
}

/** Where install remembers the folders it created, so that remove takes away exactly those (and leaves older ones). */
function createdRecord(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  return join(dirname(logFileOf(env, platform)), 'created-dirs.json');
}

function readCreated(file: string): string[] {
  try {
    const list = JSON.parse(readOrNull(file) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    return [];
  }
}

/** Installs the job for the platform (see chooseBackend), after removing one of another kind; running it twice changes nothing. */
export async function installSchedule(options: InstallOptions): Promise<ScheduleReport> {
  const ctx = contextOf(options);
  const platform = options.platform ?? process.platform;
  const job = jobSpec(ctx.env, options.everyMs, platform, options.program);
  const manager = platform === 'linux' && !options.cron ? await userManager(ctx) : { ok: false, why: '' };
  const choice = chooseBackend({
    platform,
    cron: options.cron ?? false,
    systemdUser: manager.ok,
    systemdWhy: manager.why,
    crontab: walkPath('crontab', ctx.env.PATH, new Set()).found !== undefined,
  });
  if (choice.error) return { ok: false, kind: null, changed: false, lines: [choice.error] };
  const lines = choice.note ? [choice.note] : [];
  const missing = jobDirs(ctx.env, platform)
    .map(missingRoot)
    .filter((d): d is string => d !== undefined);
  let changed = false;
  for (const kind of Object.keys(REMOVERS) as ScheduleKind[]) {
    if (kind === choice.kind) continue;
    const removed = await REMOVERS[kind](ctx);
    changed ||= removed.changed;
    lines.push(...removed.lines.map((l) => `${l} (replaced by ${choice.kind})`));
  }
  const step =
    choice.kind === 'launchd'
      ? await installLaunchd(job, ctx)
      : choice.kind === 'systemd'
        ? await installSystemd(job, ctx, choice.filesOnly)
        : await installCron(job, ctx);
  lines.push(...step.lines);
  const made = missing.filter(present);
  const record = createdRecord(ctx.env, platform);
  if (made.length && present(dirname(record))) {
    writeAtomic(record, JSON.stringify([...new Set([...readCreated(record), ...made])]), { mode: 0o644 });
  }
  const every = choice.kind === 'cron' ? cronSchedule(job.everyMs) : { everyMs: job.everyMs, rounded: false };
  const rounding = every.rounded ? ` (schedule.every ${formatDuration(job.everyMs)}, rounded for cron)` : '';
  if (step.ok)
    lines.push(
      `runs \`codexguard maintain\` every ${formatDuration(every.everyMs)}${rounding}; log: ${tildify(job.logFile, ctx.env.HOME)}`,
    );
  return { ok: step.ok, kind: choice.kind, changed: changed || step.changed, lines };
}

/** Removes every kind of job found (files, units, crontab line) and the job's log file; nothing found is not an error. */
export async function removeSchedule(
  options: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; uid?: number } = {},
): Promise<ScheduleReport> {
  const ctx = contextOf(options);
  const platform = options.platform ?? process.platform;
  const record = createdRecord(ctx.env, platform);
  const created = readCreated(record);
  removeQuietly(record);
  const lines: string[] = [];
  let ok = true;
  let changed = false;
  for (const remove of Object.values(REMOVERS)) {
    const step = await remove(ctx);
    ok &&= step.ok;
    changed ||= step.changed;
    lines.push(...step.lines);
  }
  const log = logFileOf(ctx.env, platform);
  if (changed && removeQuietly(log)) lines.push(`removed ${tildify(log, ctx.env.HOME)}`);
  if (changed) rmdirQuietly(dirname(log));
  // The folders install made, as far as they are empty now.
  for (const dir of created) removeEmptyTree(dir);
  if (!changed && ok) lines.push('no scheduled `codexguard maintain` found: nothing to remove');
  return { ok, kind: null, changed, lines };
}
