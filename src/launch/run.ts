// Starts the real codex transparently: same argv, inherited stdio, cwd and env; signals forwarded.
import { spawn } from 'node:child_process';
import { CodexguardError, EXIT } from '../errors.ts';

/** How the child ended: an exit code, or the signal that killed it. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  pid: number | undefined;
}

/**
 * Signals the shim always passes on to the child: whoever sent them to the shim meant codex. SIGINT and SIGWINCH
 * are passed on only when they cannot have come from the terminal, which sends them to codex's group already.
 */
export const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM'];

/** Runs `file` with `args` and `env`, stdio inherited, until it ends. Rejects only if it cannot be started. */
export function runChild(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onSpawn?: (pid: number) => void,
): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => {
      try {
        child.kill(signal);
      } catch {
        // The child is gone already; its exit event follows.
      }
    };
    // The shim outlives a Ctrl-C that the child handles (or ignores) itself, and passes on one sent to its pid alone.
    // Its code loads at the first such signal, not at every launch.
    const fromTerminal = (signal: 'SIGINT' | 'SIGWINCH') => {
      // If it cannot be loaded, the signal counts as the terminal's (viewTerminal's own answer when it cannot tell).
      import('./signal-origin.ts').then(
        ({ mustForward, viewTerminal }) => {
          if (mustForward(signal, viewTerminal(signal === 'SIGINT'))) forward(signal);
        },
        () => {},
      );
    };
    const detach = () => {
      process.removeListener('SIGINT', fromTerminal);
      process.removeListener('SIGWINCH', fromTerminal);
      for (const s of FORWARDED) process.removeListener(s, forward);
    };
    process.on('SIGINT', fromTerminal);
    process.on('SIGWINCH', fromTerminal);
    for (const s of FORWARDED) process.on(s, forward);
    child.once('spawn', () => {
      if (child.pid !== undefined) onSpawn?.(child.pid);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      detach();
      const code = error.code === 'ENOENT' ? EXIT.notFound : EXIT.cannotRun;
      reject(
        new CodexguardError('E_SPAWN', `could not start ${file}: ${error.code ?? error.message}`, code, {
          cause: error,
        }),
      );
    });
    child.once('exit', (code, signal) => {
      detach();
      resolve({ code, signal, pid: child.pid });
    });
  });
}
