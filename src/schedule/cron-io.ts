// cron: reads the user's crontab with `crontab -l`, writes it back with `crontab -` (or `crontab -r` when nothing is left).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { cronLine, readCronLine, withOurLine, withoutOurLines } from './cron.ts';
import type { JobSpec } from './spec.ts';
import { runTool, type ToolResult } from '../run-tool.ts';
import type { InstalledJob, ScheduleContext, StepOutcome } from './types.ts';

/** The crontab's text ('' when the user has none), or the failed tool result. */
export async function readCrontab(ctx: ScheduleContext): Promise<{ text: string } | { failed: ToolResult }> {
  const result = await runTool('crontab', ['-l'], ctx.env);
  if (result.ok) return { text: result.stdout };
  // "no crontab for <user>": exit 1 and that message, from every cron we know of.
  if (!result.missing && /no crontab/i.test(result.stderr + result.stdout)) return { text: '' };
  return { failed: result };
}

async function writeCrontab(ctx: ScheduleContext, text: string): Promise<ToolResult> {
  return text === '' ? runTool('crontab', ['-r'], ctx.env) : runTool('crontab', ['-'], ctx.env, text);
}

/** Our crontab line, if there is one (null also when crontab cannot be read: see `note`). */
export async function inspectCron(ctx: ScheduleContext): Promise<InstalledJob | null> {
  const read = await readCrontab(ctx);
  if ('failed' in read) return null;
  const ours = readCronLine(read.text);
  if (!ours) return null;
  return {
    kind: 'cron',
    files: [],
    program: ours.program,
    everyMs: ours.everyMs,
    loaded: true,
    lastRun: null,
    lastExitCode: null,
  };
}

/** Puts our line in the crontab (replacing an older one); writes nothing when it is already there. */
export async function installCron(job: JobSpec, ctx: ScheduleContext): Promise<StepOutcome> {
  const read = await readCrontab(ctx);
  if ('failed' in read)
    return {
      ok: false,
      changed: false,
      lines: [read.failed.missing ? 'crontab is not on PATH' : `cannot read the crontab: ${read.failed.reason}`],
    };
  mkdirSync(dirname(job.logFile), { recursive: true });
  const line = cronLine(job);
  const next = withOurLine(read.text, line);
  if (next === read.text) return { ok: true, changed: false, lines: ['crontab line already installed'] };
  const written = await writeCrontab(ctx, next);
  if (!written.ok) return { ok: false, changed: false, lines: [`cannot write the crontab: ${written.reason}`] };
  return { ok: true, changed: true, lines: [`crontab line installed: ${line}`] };
}

/** Takes our lines out of the crontab, every other byte kept; removes the crontab when nothing else was in it. */
export async function removeCron(ctx: ScheduleContext): Promise<StepOutcome> {
  const read = await readCrontab(ctx);
  if ('failed' in read)
    return {
      ok: read.failed.missing,
      changed: false,
      lines: read.failed.missing ? [] : [`cannot read the crontab: ${read.failed.reason}`],
    };
  const next = withoutOurLines(read.text);
  if (next === read.text) return { ok: true, changed: false, lines: [] };
  const written = await writeCrontab(ctx, next);
  if (!written.ok) return { ok: false, changed: false, lines: [`cannot write the crontab: ${written.reason}`] };
  return { ok: true, changed: true, lines: ['removed the crontab line'] };
}
