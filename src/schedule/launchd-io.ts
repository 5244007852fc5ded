// macOS: writes the agent's plist, loads it with `launchctl bootstrap`, unloads it with `bootout`, asks `launchctl print`.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { bootstrapFailure, launchdPlist, launchdTargets, parseLaunchctlPrint, readPlist } from './launchd.ts';
import { present, readOrNull, writeIfChanged } from './files.ts';
import { plistPath, type JobSpec } from './spec.ts';
import { runTool } from '../run-tool.ts';
import type { InstalledJob, ScheduleContext, StepOutcome } from './types.ts';
import { removeQuietly } from '../private-fs.ts';

/** The agent as launchctl prints it: in the GUI domain, else the per-user one (where an SSH-only install loads it). */
async function printed(ctx: ScheduleContext) {
  let first: Awaited<ReturnType<typeof runTool>> | undefined;
  for (const domain of ['gui', 'user'] as const) {
    const service = launchdTargets(ctx.uid, domain).service;
    const result = await runTool('launchctl', ['print', service], ctx.env);
    first ??= result;
    if (result.ok) return { result, service, facts: parseLaunchctlPrint(result.stdout) };
    if (result.missing) break;
  }
  return { result: first!, service: launchdTargets(ctx.uid).service, facts: null };
}

/** Retry delays for a bootstrap that fails while a bootout is still tearing the old instance down. */
const RETRY_MS = [100, 250, 500, 1_000];

/** `launchctl bootstrap` into the GUI domain, retried while the old instance goes away; the per-user domain when there is no GUI session. */
async function bootstrap(
  ctx: ScheduleContext,
  path: string,
): Promise<{ ok: true; domain: string } | { ok: false; reason: string }> {
  let reason = '';
  for (const which of ['gui', 'user'] as const) {
    const { domain } = launchdTargets(ctx.uid, which);
    for (let attempt = 0; ; attempt++) {
      const r = await runTool('launchctl', ['bootstrap', domain, path], ctx.env);
      if (r.ok) return { ok: true, domain };
      reason = r.reason;
      const kind = bootstrapFailure(r.exitCode, `${r.stderr}${r.stdout}`);
      if (kind === 'transient' && attempt < RETRY_MS.length) {
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS[attempt]));
        continue;
      }
      if (kind === 'no-domain') break;
      return { ok: false, reason };
    }
  }
  return { ok: false, reason };
}

/** The agent if its plist exists. */
export async function inspectLaunchd(ctx: ScheduleContext): Promise<InstalledJob | null> {
  const path = plistPath(ctx.env);
  const text = readOrNull(path);
  if (text === null) return null;
  const { result, facts } = await printed(ctx);
  const loaded = result.missing ? null : result.ok;
  return {
    kind: 'launchd',
    files: [path],
    ...readPlist(text),
    loaded,
    lastRun: null,
    lastExitCode: facts?.runs ? facts.lastExitCode : null,
    ...(result.missing ? { note: 'launchctl not found: cannot tell whether the agent is loaded' } : {}),
  };
}

/** Writes the plist when it changed, then (re)loads it: bootout first if loaded, since bootstrap refuses a loaded label. */
export async function installLaunchd(job: JobSpec, ctx: ScheduleContext): Promise<StepOutcome> {
  const path = plistPath(ctx.env);
  mkdirSync(dirname(job.logFile), { recursive: true });
  const changed = writeIfChanged(path, launchdPlist(job));
  const { result, service } = await printed(ctx);
  if (result.missing)
    return { ok: false, changed, lines: [`wrote ${path}, but launchctl is not on PATH, so it is not loaded`] };
  if (result.ok && !changed)
    return { ok: true, changed: false, lines: [`launchd agent ${path} already installed and loaded`] };
  if (result.ok) {
    const out = await runTool('launchctl', ['bootout', service], ctx.env);
    // 3 (ESRCH) / 113: it was gone already; anything else and the bootstrap below says why.
    if (!out.ok && out.exitCode !== 3 && out.exitCode !== 113)
      return { ok: false, changed, lines: [`wrote ${path}, but could not unload the old agent: ${out.reason}`] };
  }
  const boot = await bootstrap(ctx, path);
  if (!boot.ok) return { ok: false, changed: true, lines: [`wrote ${path}, but could not load it: ${boot.reason}`] };
  const where = boot.domain.startsWith('user/')
    ? ` into ${boot.domain} (no GUI session: it runs while you are logged in)`
    : '';
  return {
    ok: true,
    changed: true,
    lines: [`${changed ? 'wrote and loaded' : 'loaded'} launchd agent ${path}${where}`],
  };
}

/** Unloads the agent (if loaded) and deletes its plist; nothing to do without the plist. */
export async function removeLaunchd(ctx: ScheduleContext): Promise<StepOutcome> {
  const path = plistPath(ctx.env);
  if (!present(path)) return { ok: true, changed: false, lines: [] };
  const { result, service } = await printed(ctx);
  const lines: string[] = [];
  let ok = true;
  if (result.ok) {
    const out = await runTool('launchctl', ['bootout', service], ctx.env);
    if (out.ok) lines.push('unloaded the launchd agent');
    else {
      ok = false;
      lines.push(`could not unload the launchd agent: ${out.reason}`);
    }
  }
  if (removeQuietly(path)) lines.push(`removed ${path}`);
  return { ok, changed: lines.length > 0, lines };
}
