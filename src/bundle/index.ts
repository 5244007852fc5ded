// The crash-bundle API, for the crash path and `codexguard crashes`: load it lazily, never on the launch path.
import type { ChildEnd } from '../launch/run.ts';
import type { SessionContext } from '../shim/context.ts';
import { childrenWrote, ioMark } from '../watch/io.ts';
import type { CrashInput, DbSnapshot } from './types.ts';

export { writeBundle, defaultCrashDir, prune, BUNDLE_DEFAULTS } from './write.ts';
export { finishPending, finishAllPending } from './pending.ts';
export { listBundles, findBundle, type BundleEntry } from './store.ts';
export { packBundle } from './pack.ts';
export { renderReport } from './report.ts';
export { matchSignatures, SIGNATURES, type Evidence, type Signature, type Verdict } from './signatures.ts';
export { redactText, redactArgv, redactEnv, redactValue } from './redact.ts';
export type { CrashInput, BundleOptions, BundleResult, DbSnapshot } from './types.ts';
export type { Manifest } from './manifest.ts';

/** The bundle input for a crash seen by the shim (ctx as in src/shim/context.ts). */
export function crashInputFromSession(
  ctx: SessionContext,
  end: ChildEnd,
  signal: string,
  endedAt: number,
  extra: { preflight?: DbSnapshot; sqliteHome?: string; codexVersion?: string } = {},
): CrashInput {
  const pid = end.pid ?? ctx.childPid;
  // The crashed child is reaped by now: its writes are in this process's counters since the mark before its start.
  const wrote = childrenWrote(ctx.ioBeforeChild, ioMark());
  return {
    signal,
    exitCode: end.signal ? null : end.code,
    ...(pid !== undefined ? { pid } : {}),
    codexPath: ctx.real.file,
    argv: ctx.args,
    cwd: ctx.cwd,
    env: ctx.env,
    shimStartedAt: ctx.shimStartedAt,
    ...(ctx.childStartedAt !== undefined ? { childStartedAt: ctx.childStartedAt } : {}),
    endedAt,
    restarts: Math.max(0, (ctx.crashes?.length ?? 1) - 1),
    ...(ctx.dbSnapshot ? { preflight: ctx.dbSnapshot } : {}),
    ...(wrote === undefined ? {} : { codexWroteBytes: wrote }),
    ...(ctx.looks?.length ? { looks: ctx.looks } : {}),
    ...extra,
  };
}
