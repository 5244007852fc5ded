// What the shim does after the real codex crashed: terminal back, bundle, one line, then restart or not.
import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { formatError } from '../errors.ts';
import type { ChildEnd } from '../launch/run.ts';
import type { SessionContext } from '../shim/context.ts';
import { askKey } from '../terminal/ask-key.ts';
import { restoreTerminal } from '../terminal/restore.ts';
import { restartArgs } from './argv.ts';
import { writeCrashBundle } from './bundle-seam.ts';
import { type CrashedSession, pickThread, readThreadEvidence, resumeWith } from './crashed-thread.ts';
import { decideRestart } from './decide.ts';
import { askLine, crashLine, restartLine, stopLine } from './describe.ts';
import { crashPolicy } from './policy.ts';

/** The shim's next step after a crash: end with that status, or start codex again with `args`. */
export type CrashOutcome = { restart: false } | { restart: true; args: string[] };

/** Writes text to a descriptor, ignoring a terminal that went away. */
function put(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // Nothing better to do.
  }
}

/** Waits before a restart; false when Ctrl-C (SIGINT) or SIGTERM cancels the restart meanwhile. */
function backoff(ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const end = (restart: boolean) => {
      clearTimeout(timer);
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.removeListener(s, cancel);
      resolve(restart);
    };
    const cancel = () => end(false);
    const timer = setTimeout(() => end(true), ms);
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, cancel);
  });
}

/** Runs a step that must not stop the crash path; its failure is one line on stderr. */
async function guard<T>(ctx: SessionContext, step: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await step();
  } catch (error) {
    put(2, `${formatError(error, ctx.debug)}\n`);
    return fallback;
  }
}

/** The resume argv on the crashed conversation (read from Codex's DBs), or `--last` with a line saying why. */
async function resumeCrashed(
  ctx: SessionContext,
  args: string[],
  session: CrashedSession,
): Promise<{ args: string[]; line?: string }> {
  const { resolveSqliteHome } = await import('../inventory/sqlite-home.ts');
  const home = await resolveSqliteHome(ctx.env, ctx.args);
  return resumeWith(args, pickThread(await readThreadEvidence(home.dir, session)));
}

/** Restores the terminal, writes the crash bundle, says what happened, and decides whether to restart. Never throws. */
export async function onCrash(ctx: SessionContext, end: ChildEnd, signal: NodeJS.Signals): Promise<CrashOutcome> {
  const endedAt = Date.now();
  // Terminal first: nothing is printed before it is back.
  const term = restoreTerminal(ctx.savedTty);
  try {
    const startedAt = ctx.childStartedAt ?? ctx.shimStartedAt;
    ctx.crashes = [...(ctx.crashes ?? []), { startedAt, endedAt }];
    const bundle = await guard(ctx, () => writeCrashBundle(ctx, end, signal, endedAt), undefined);
    const policy = crashPolicy(ctx.crashPolicy);
    const plan = restartArgs(ctx.args, policy.resume);
    const decision = decideRestart(ctx.crashes, endedAt, policy, term !== undefined && isatty(0), plan.isExec);
    const asking = decision.restart && decision.ask && term !== undefined;
    // One line about the crash: with the question on it when there is one (stderr gets it too when it is not that terminal).
    if (!asking || term.fd !== 2)
      put(2, `${term?.fd === 2 ? '\r\n' : ''}${crashLine(signal, endedAt - startedAt, bundle)}\n`);
    if (!decision.restart) {
      if (decision.tripped) put(2, `${stopLine(decision.reason)}\n`);
      return { restart: false };
    }
    if (asking) {
      const question = `${term.fd === 2 ? '\r\n' : ''}${askLine(signal, endedAt - startedAt, plan.args[0] === 'resume', bundle)}`;
      const answer = await askKey(policy.askTimeoutMs, () => put(term.fd, question));
      put(term.fd, `${answer === 'resume' ? 'r' : answer === 'quit' ? 'q' : '(no answer)'}\r\n`);
      if (answer !== 'resume') return { restart: false };
    }
    const resumed =
      plan.args[0] === 'resume'
        ? await guard(
            ctx,
            () => resumeCrashed(ctx, plan.args, { pid: ctx.childPid, cwd: ctx.cwd, startedAt, endedAt }),
            { args: plan.args },
          )
        : { args: plan.args };
    if (resumed.line !== undefined) put(2, `${resumed.line}\n`);
    put(2, `${restartLine(resumed.args, decision.delayMs)}\n`);
    if (!(await backoff(decision.delayMs))) return { restart: false };
    // The shim runs the pre-flight again before it starts codex (it usually removes the cause).
    return { restart: true, args: resumed.args };
  } finally {
    term?.close();
  }
}
