// macOS: writes the agent's plist, loads it with `launchctl bootstrap`, unloads it with `bootout`, asks `launchctl print`.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { launchdPlist, launchdTargets, parseLaunchctlPrint, readPlist } from './launchd.ts';
import { present, readOrNull, writeIfChanged } from './files.ts';
import { plistPath, type JobSpec } from './spec.ts';
import { runTool } from './tools.ts';
import type { InstalledJob, ScheduleContext, StepOutcome } from './types.ts';
import { removeQuietly } from '../private-fs.ts';

async function printed(ctx: ScheduleContext) {
  const result = await runTool('launchctl', ['print', launchdTargets(ctx.uid).service], ctx.env);
  return { result, facts: result.ok ? parseLaunchctlPrint(result.stdout) : null };
}

/** The agent if its plist exists. */
export async function inspectLaunchd(ctx: ScheduleContext): Promise<InstalledJob | null> {
  const path = plistPath(ctx.env);
  const text = readOrNull(path);
  if (text === null) return null;
  const { result, facts } = await printed(ctx);
  const loaded = result.missing ? null : result.ok;
  return {
    kind: 'launchd', files: [path], ...readPlist(text), loaded, lastRun: null, lastExitCode: facts?.runs ? facts.lastExitCode : null,
    ...(result.missing ? { note: 'launchctl not found: cannot tell whether the agent is loaded' } : {}),
  };
}

/** Writes the plist when it changed, then (re)loads it: bootout first if loaded, since bootstrap refuses a loaded label. */
export async function installLaunchd(job: JobSpec, ctx: ScheduleContext): Promise<StepOutcome> {
  const path = plistPath(ctx.env);
  mkdirSync(dirname(job.logFile), { recursive: true });
  const changed = writeIfChanged(path, launchdPlist(job));
  const { result } = await printed(ctx);
  if (result.missing) return { ok: false, changed, lines: [`wrote ${path}, but launchctl is not on PATH, so it is not loaded`] };
  if (result.ok && !changed) return { ok: true, changed: false, lines: [`launchd agent ${path} already installed and loaded`] };
  const { domain, service } = launchdTargets(ctx.uid);
  if (result.ok) await runTool('launchctl', ['bootout', service], ctx.env);
  const boot = await runTool('launchctl', ['bootstrap', domain, path], ctx.env);
  if (!boot.ok) return { ok: false, changed: true, lines: [`wrote ${path}, but could not load it: ${boot.reason}`] };
  return { ok: true, changed: true, lines: [`${changed ? 'wrote and loaded' : 'loaded'} launchd agent ${path}`] };
}

/** Unloads the agent (if loaded) and deletes its plist; nothing to do without the plist. */
export async function removeLaunchd(ctx: ScheduleContext): Promise<StepOutcome> {
  const path = plistPath(ctx.env);
  if (!present(path)) return { ok: true, changed: false, lines: [] };
  const { result } = await printed(ctx);
  const lines: string[] = [];
  let ok = true;
  if (result.ok) {
    const out = await runTool('launchctl', ['bootout', launchdTargets(ctx.uid).service], ctx.env);
    if (out.ok) lines.push('unloaded the launchd agent');
    else (ok = false), lines.push(`could not unload the launchd agent: ${out.reason}`);
  }
  if (removeQuietly(path)) lines.push(`removed ${path}`);
  return { ok, changed: lines.length > 0, lines };
}
