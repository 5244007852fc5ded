// Saves the terminal's settings before codex starts, so that a crash can put them back. On the launch path.
import { spawnSync } from 'node:child_process';
import { programOnPath } from '../resolve/path-walk.ts';
import { fstatSync, statSync } from 'node:fs';

/**
 * Whether stdin may be a terminal, without node:tty: loading that module (and node:net behind it)
 * costs about 2 ms at every launch. A terminal is a character device other than /dev/null (what
 * scripts and IDEs give as stdin); any other such device only costs a failing `stty`.
 */
export function maybeTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && st.rdev !== statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/** The `stty -g` state of the terminal on stdin; undefined when stdin is not a TTY or stty fails. About 2 ms. */
export function saveTerminal(): string | undefined {
  if (!maybeTerminal(0)) return undefined;
  try {
    const stty = programOnPath('stty');
    if (stty === undefined) return undefined;
    const result = spawnSync(stty, ['-g'], { stdio: ['inherit', 'pipe', 'ignore'], encoding: 'utf8', timeout: 1000 });
    const state = result.status === 0 ? result.stdout.trim() : '';
    return state === '' ? undefined : state;
  } catch {
    return undefined;
  }
}
