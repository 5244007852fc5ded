// The call into the crash-bundle writer (src/bundle/), made after the terminal is restored. Loaded lazily.
import { writeSync } from 'node:fs';
import type { ChildEnd } from '../launch/run.ts';
import type { SessionContext } from '../shim/context.ts';
import { crashPolicy } from './policy.ts';

/** Writes the crash bundle within its 2 s budget and returns its directory, or undefined when none was written. Never throws. */
export async function writeCrashBundle(
  ctx: SessionContext,
  end: ChildEnd,
  signal: NodeJS.Signals,
  endedAt: number,
): Promise<string | undefined> {
  try {
    const { crashInputFromSession, writeBundle } = await import('../bundle/index.ts');
    const { resolveSqliteHome } = await import('../inventory/sqlite-home.ts');
    const sqliteHome = await resolveSqliteHome(ctx.env, ctx.args).then(
      (home) => home.dir,
      () => undefined,
    );
    const policy = crashPolicy(ctx.crashPolicy);
    const input = crashInputFromSession(ctx, end, signal, endedAt, sqliteHome === undefined ? {} : { sqliteHome });
    const result = await writeBundle(input, {
      dir: policy.dir,
      keep: policy.keep,
      logRows: policy.logRows,
      deadlineMs: 2_000,
    });
    if (ctx.debug) for (const warning of result.warnings) writeSync(2, `codexguard: bundle: ${warning}\n`);
    return result.path;
  } catch (error) {
    if (ctx.debug) writeSync(2, `codexguard: no crash bundle: ${String(error)}\n`);
    return undefined;
  }
}
