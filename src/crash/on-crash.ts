// What the shim does after the real codex crashed (placeholder until the crash issue lands).
import type { ChildEnd } from '../launch/run.ts';
import type { SessionContext } from '../shim/context.ts';

/** The shim's next step after a crash: end with that status, or start codex again with `args`. */
export type CrashOutcome = { restart: false } | { restart: true; args: string[] };

/** Restores the terminal, writes the crash bundle, and decides whether to restart. Never throws. */
export async function onCrash(_ctx: SessionContext, _end: ChildEnd, _signal: NodeJS.Signals): Promise<CrashOutcome> {
  return { restart: false };
}
