// The call into the crash-bundle writer (src/bundle/, its own piece), made after the terminal is restored.
import type { ChildEnd } from '../launch/run.ts';
import type { SessionContext } from '../shim/context.ts';

/**
 * Writes the crash bundle and returns its directory, or undefined when none was written. Never throws.
 * CALL SITE: until src/bundle/ lands (API in /work/notes/bundle-api.md), no bundle is written here;
 * then: `return (await import('../bundle/index.ts')).writeBundle({ ctx, end, signal, endedAt })`.
 */
export async function writeCrashBundle(_ctx: SessionContext, _end: ChildEnd, _signal: NodeJS.Signals, _endedAt: number): Promise<string | undefined> {
  return undefined;
}
