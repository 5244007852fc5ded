// Saves the terminal's settings before codex starts, so that a crash can put them back. On the launch path.
import { spawnSync } from 'node:child_process';
import { isatty } from 'node:tty';

/** The `stty -g` state of the terminal on stdin; undefined when stdin is not a TTY or stty fails. About 2 ms. */
export function saveTerminal(): string | undefined {
  if (!isatty(0)) return undefined;
  try {
    const result = spawnSync('stty', ['-g'], { stdio: ['inherit', 'pipe', 'ignore'], encoding: 'utf8', timeout: 1000 });
    const state = result.status === 0 ? result.stdout.trim() : '';
    return state === '' ? undefined : state;
  } catch {
    return undefined;
  }
}
