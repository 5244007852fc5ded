// The `codex` shim's entry: find the real codex, guard the launch, mirror its end. Fails open.
import { realpathSync, writeSync } from 'node:fs';
import { crashSignal } from '../crash/detect.ts';
import { CODEX_THREAD_ID, DEBUG, DISABLE, flag, SHIM_CHAIN } from '../env.ts';
import { CodexguardError, EXIT, formatError } from '../errors.ts';
import { mirrorExit } from '../launch/exit.ts';
import { runChild, type ChildEnd } from '../launch/run.ts';
import { childChain, resolveRealCodex, shimChain, type RealCodex } from '../resolve/real-codex.ts';
import { saveTerminal } from '../terminal/save.ts';
import type { SessionContext } from './context.ts';

const env = process.env;
const debug = flag(env[DEBUG]);

/** One line on stderr, written synchronously and without touching process.stderr's stream. */
function say(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    // stderr is gone; nothing better to do.
  }
}

/** Runs a step of the guard; on any failure prints one line and carries on (fail open). */
async function failOpen<T>(step: () => T | Promise<T>, fallback: T): Promise<T> {
  try {
    return await step();
  } catch (error) {
    say(formatError(error, debug));
    return fallback;
  }
}

function selfPath(): string {
  const argv1 = process.argv[1] ?? '';
  try {
    return realpathSync(argv1);
  } catch {
    return argv1;
  }
}

function resolveOrExit(self: string): RealCodex {
  try {
    return resolveRealCodex({ self, env });
  } catch (error) {
    say(formatError(error, debug));
    return process.exit(error instanceof CodexguardError ? error.exitCode : EXIT.notFound);
  }
}

async function start(ctx: SessionContext): Promise<ChildEnd> {
  try {
    return await runChild(ctx.real.file, ctx.args, ctx.env, (pid) => {
      ctx.childPid = pid;
      ctx.childStartedAt = Date.now();
    });
  } catch (error) {
    say(formatError(error, debug));
    return process.exit(error instanceof CodexguardError ? error.exitCode : EXIT.cannotRun);
  }
}

/** The guarded launch: pre-flight, then codex, then the crash path for as long as it restarts. */
async function guarded(ctx: SessionContext): Promise<ChildEnd> {
  // Before codex takes the terminal: what to put back if it dies in raw mode.
  ctx.savedTty = saveTerminal();
  for (;;) {
    const end = await start(ctx);
    const signal = crashSignal(end, ctx.crashPolicy?.signals);
    if (signal === undefined) return end;
    const outcome = await failOpen(async () => (await import('../crash/on-crash.ts')).onCrash(ctx, end, signal), { restart: false } as const);
    if (!outcome.restart) return end;
    ctx.args = outcome.args;
  }
}

async function main(): Promise<void> {
  const shimStartedAt = Date.now();
  const self = selfPath();
  const real = resolveOrExit(self);
  const ctx: SessionContext = { real, args: process.argv.slice(2), env: { ...real.env, [SHIM_CHAIN]: childChain(env, self) }, cwd: process.cwd(), shimStartedAt, debug };
  // Nested in a Codex session or in another shim, or switched off: straight through, no checks, no lock.
  const passThrough = flag(env[DISABLE]) || shimChain(env).length > 0 || Boolean(env[CODEX_THREAD_ID]);
  mirrorExit(passThrough ? await start(ctx) : await guarded(ctx));
}

await main();
