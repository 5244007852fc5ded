// The `codex` shim's entry: find the real codex, guard the launch, mirror its end. Fails open.
import { realpathSync, writeSync } from 'node:fs';
import { CODEX_THREAD_ID, DEBUG, DISABLE, flag, SHIM_CHAIN } from '../env.ts';
import { CodexguardError, EXIT, formatError } from '../errors.ts';
import { mirrorExit } from '../launch/exit.ts';
import { runChild } from '../launch/run.ts';
import { childChain, resolveRealCodex, shimChain } from '../resolve/real-codex.ts';

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

function selfPath(): string {
  const argv1 = process.argv[1] ?? '';
  try {
    return realpathSync(argv1);
  } catch {
    return argv1;
  }
}

async function main(): Promise<void> {
  const self = selfPath();
  let real;
  try {
    real = resolveRealCodex({ self, env });
  } catch (error) {
    say(formatError(error, debug));
    process.exit(error instanceof CodexguardError ? error.exitCode : EXIT.notFound);
  }
  // Nested in a Codex session or in another shim, or switched off: straight through.
  const passThrough = flag(env[DISABLE]) || shimChain(env).length > 0 || Boolean(env[CODEX_THREAD_ID]);
  void passThrough;
  const childEnv = { ...real.env, [SHIM_CHAIN]: childChain(env, self) };
  try {
    const end = await runChild(real.file, process.argv.slice(2), childEnv);
    mirrorExit(end);
  } catch (error) {
    say(formatError(error, debug));
    process.exit(error instanceof CodexguardError ? error.exitCode : EXIT.cannotRun);
  }
}

await main();
