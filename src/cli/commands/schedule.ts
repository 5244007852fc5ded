// `codexguard schedule install|remove|status`: runs `codexguard maintain` on a timer (launchd, systemd user timer, or cron).
import { formatDuration } from '../../config/format.ts';
import { tildify } from '../../config/issues.ts';
import { installSchedule, removeSchedule } from '../../schedule/install.ts';
import { scheduleStatus, type ScheduleStatus } from '../../schedule/status.ts';
import { commandContext } from '../../command-context.ts';

/** The stable shape of `schedule status --json` (version 1). */
export type ScheduleStatusJson = { version: 1; expectedEveryMs: number } & ScheduleStatus;

function print(lines: readonly string[]): void {
  for (const line of lines) process.stdout.write(`codexguard: ${line}\n`);
}

/** `schedule install [--cron]`: exit 0 when the job is in place, 1 otherwise. */
export async function install(options: { cron?: boolean }): Promise<number> {
  const { loaded } = await commandContext();
  const report = await installSchedule({ everyMs: loaded.config['schedule.every'], cron: options.cron });
  print(report.lines);
  return report.ok ? 0 : 1;
}

/** `schedule remove`: exit 0 when nothing of ours is left. */
export async function remove(): Promise<number> {
  const report = await removeSchedule();
  print(report.lines);
  return report.ok ? 0 : 1;
}

/** The human view of a schedule status. */
export function formatScheduleStatus(s: ScheduleStatusJson, home = process.env.HOME): string {
  if (!s.installed) {
    return [
      `scheduled maintain: not installed (\`codexguard schedule install\` runs it every ${formatDuration(s.expectedEveryMs)})`,
      ...s.problems.map((p) => `problem: ${p}`),
    ].join('\n');
  }
  const t = (p: string) => tildify(p, home);
  const state = s.loaded === null ? 'state unknown' : s.loaded ? 'loaded' : 'NOT loaded';
  return [
    `scheduled maintain: ${s.kind} (${state}), every ${s.everyMs === null ? '?' : formatDuration(s.everyMs)}`,
    `command: ${s.command ? s.command.map(t).join(' ') : '?'}`,
    ...(s.files.length ? [`files: ${s.files.map(t).join(', ')}`] : []),
    `last run: ${s.lastRun ?? 'never'}${s.lastExitCode !== null ? ` (exit ${s.lastExitCode})` : ''}; log: ${t(s.logFile)}`,
    ...s.problems.map((p) => `problem: ${p}`),
  ].join('\n');
}

/** `schedule status [--json]`: always exits 0 (`codexguard doctor` is the command that judges). */
export async function status(options: { json?: boolean }): Promise<number> {
  const { loaded } = await commandContext(true);
  const expectedEveryMs = loaded.config['schedule.every'];
  const json: ScheduleStatusJson = {
    version: 1,
    expectedEveryMs,
    ...(await scheduleStatus({ everyMs: expectedEveryMs })),
  };
  process.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : `${formatScheduleStatus(json)}\n`);
  return 0;
}
