// Linux: writes the user units, enables the timer with `systemctl --user`, or links it by hand when no user manager answers.
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { present, readOrNull, rmdirQuietly, writeIfChanged } from './files.ts';
import { UNIT, unitDir, type JobSpec } from './spec.ts';
import { parseShow, readUnits, systemdUnits, unixTimestamp } from './systemd.ts';
import { runTool } from '../run-tool.ts';
import type { InstalledJob, ScheduleContext, StepOutcome } from './types.ts';
import { removeQuietly } from '../private-fs.ts';

const TIMER = `${UNIT}.timer`;
const SERVICE = `${UNIT}.service`;

function paths(ctx: ScheduleContext) {
  const dir = unitDir(ctx.env);
  return { service: join(dir, SERVICE), timer: join(dir, TIMER), wants: join(dir, 'timers.target.wants', TIMER) };
}

/** Whether `systemctl --user` reaches a user manager, and why not. */
export async function userManager(ctx: ScheduleContext): Promise<{ ok: boolean; why: string }> {
  const result = await runTool('systemctl', ['--user', 'show-environment'], ctx.env);
  return {
    ok: result.ok,
    why: result.missing
      ? 'systemctl not found'
      : result.ok
        ? ''
        : (result.stderr.trim().split('\n')[0] ?? result.reason),
  };
}

const systemctl = (ctx: ScheduleContext, ...args: string[]) => runTool('systemctl', ['--user', ...args], ctx.env);

/** The units if either file exists, with the timer's state when a user manager answers. */
export async function inspectSystemd(ctx: ScheduleContext): Promise<InstalledJob | null> {
  const p = paths(ctx);
  const service = readOrNull(p.service);
  const timer = readOrNull(p.timer);
  if (service === null && timer === null) return null;
  const files = [p.service, p.timer].filter((f) => existsSync(f));
  const job: InstalledJob = {
    kind: 'systemd',
    files,
    ...readUnits(service, timer),
    loaded: null,
    lastRun: null,
    lastExitCode: null,
  };
  const manager = await userManager(ctx);
  if (!manager.ok)
    return { ...job, note: `no systemd user manager (${manager.why}): the timer runs only in a session that has one` };
  const props = ['-p', 'Id', '-p', 'ActiveState', '-p', 'LastTriggerUSec', '-p', 'ExecMainStatus', '-p', 'Result'];
  let shown = await systemctl(ctx, 'show', TIMER, SERVICE, '--timestamp=unix', ...props);
  if (!shown.ok) shown = await systemctl(ctx, 'show', TIMER, SERVICE, ...props);
  const units = new Map(parseShow(shown.stdout).map((m) => [m.get('Id'), m]));
  const t = units.get(TIMER);
  const s = units.get(SERVICE);
  const lastRun = unixTimestamp(t?.get('LastTriggerUSec'));
  return {
    ...job,
    loaded: t?.get('ActiveState') === 'active',
    lastRun,
    lastExitCode: lastRun && s?.get('ExecMainStatus') ? Number(s.get('ExecMainStatus')) : null,
  };
}

/** Writes the units when they changed; with a user manager: daemon-reload, enable --now (restart when changed); without: links the timer into timers.target.wants. */
export async function installSystemd(job: JobSpec, ctx: ScheduleContext, filesOnly: boolean): Promise<StepOutcome> {
  const p = paths(ctx);
  const units = systemdUnits(job);
  mkdirSync(dirname(job.logFile), { recursive: true });
  const changed = [writeIfChanged(p.service, units.service), writeIfChanged(p.timer, units.timer)].some(Boolean);
  const wrote = changed ? `wrote ${p.service} and ${TIMER}` : `${p.service} and ${TIMER} already up to date`;
  if (filesOnly) {
    // Written for the next session that has a user manager; until then nothing runs the job, so it is not a success.
    const linked = linkWants(p.wants, p.timer);
    return {
      ok: false,
      changed: changed || linked,
      lines: [
        `${wrote}; enabled by link, not started (no user manager)`,
        'nothing runs the job now; fix: install cron and run `codexguard schedule install --cron`, or let systemd keep a user manager for you (`loginctl enable-linger $USER`) and run `codexguard schedule install` again',
      ],
    };
  }
  const before = await systemctl(ctx, 'is-active', TIMER);
  if (!changed && before.ok)
    return { ok: true, changed: false, lines: [`systemd timer ${TIMER} already installed and active`] };
  for (const args of [
    ['daemon-reload'],
    ['enable', '--now', TIMER],
    ...(changed && before.ok ? [['restart', TIMER]] : []),
  ]) {
    const result = await systemctl(ctx, ...args);
    if (!result.ok) return { ok: false, changed, lines: [`${wrote}, but ${result.reason}`] };
  }
  return { ok: true, changed: true, lines: [`${wrote}; timer enabled and started`] };
}

/** `systemctl enable` by hand: the WantedBy=timers.target link. True when made. */
function linkWants(link: string, target: string): boolean {
  if (present(link)) return false;
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link);
  return true;
}

/** Disables and stops the timer (when a manager answers), deletes the units and the wants link, reloads. */
export async function removeSystemd(ctx: ScheduleContext): Promise<StepOutcome> {
  const p = paths(ctx);
  if (![p.service, p.timer, p.wants].some(present)) return { ok: true, changed: false, lines: [] };
  const lines: string[] = [];
  const manager = await userManager(ctx);
  let ok = true;
  if (manager.ok) {
    const off = await systemctl(ctx, 'disable', '--now', TIMER);
    if (off.ok) lines.push(`disabled and stopped ${TIMER}`);
    else if (existsSync(p.timer)) {
      ok = false;
      lines.push(`could not disable ${TIMER}: ${off.reason}`);
    }
  }
  for (const f of [p.wants, p.timer, p.service]) if (removeQuietly(f)) lines.push(`removed ${f}`);
  rmdirQuietly(dirname(p.wants));
  if (manager.ok) await systemctl(ctx, 'daemon-reload');
  return { ok, changed: true, lines };
}
