// Starts codexguard's own CLI in the background, detached, for work that must stay off the launch path.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `[node, <bin>/codexguard.js]` beside the running `codex` shim (argv[1]), if it is there. */
export function siblingCli(argv1 = process.argv[1]): string[] | undefined {
  try {
    const cli = join(dirname(realpathSync(argv1 ?? '')), 'codexguard.js');
    return existsSync(cli) ? [process.execPath, cli] : undefined;
  } catch {
    return undefined;
  }
}

/** Starts `command` detached with no stdio, so the shim can end (or start codex) without waiting. False if it could not start. */
export function spawnDetached(command: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    const child = spawn(command[0]!, command.slice(1), { detached: true, stdio: 'ignore', env });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
