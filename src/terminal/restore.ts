// Puts the terminal back the way it was before codex crashed in the middle of its full-screen UI.
import { spawnSync } from 'node:child_process';
import { programOnPath } from '../resolve/path-walk.ts';
import { closeSync, openSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';

const CSI = '\x1b[';

/**
 * Undoes what codex's TUI turns on (each one is in the 0.169 binary), in an order that works on the alternate screen and off it.
 * Never a full reset (ESC c): that would wipe the scrollback where codex keeps its inline history.
 */
export const RESTORE_SEQUENCE = [
  `${CSI}?2026l`, // end a synchronized update cut short by the crash
  `${CSI}0m`, // plain text attributes
  `${CSI}<u`, // pop kitty keyboard flags (the alternate screen has its own stack)
  `${CSI}>4;0m`, // modifyOtherKeys off
  `${CSI}?1000l${CSI}?1002l${CSI}?1003l${CSI}?1006l${CSI}?1015l`, // mouse reporting off
  `${CSI}?1004l`, // focus reporting off
  `${CSI}?1007l`, // alternate scroll off
  `${CSI}?2004l`, // bracketed paste off
  `${CSI}?1049l`, // leave the alternate screen, back to where the cursor was
  `${CSI}<u`, // pop kitty keyboard flags pushed on the main screen
  `\x1b7${CSI}r\x1b8`, // full-screen scroll region (inline mode sets one), cursor kept
  `${CSI}?25h`, // show the cursor
].join('');

/** A terminal to write to: stderr, else stdout, else /dev/tty when stdin is one; undefined when there is none. */
export function openTerminal(): { fd: number; close(): void } | undefined {
  for (const fd of [2, 1]) if (isatty(fd)) return { fd, close() {} };
  if (!isatty(0)) return undefined;
  try {
    const fd = openSync('/dev/tty', 'w');
    return { fd, close: () => closeSync(fd) };
  } catch {
    return undefined;
  }
}

/** Runs stty on the terminal on stdin; true when it worked. */
function stty(args: string[]): boolean {
  try {
    const file = programOnPath('stty');
    return (
      file !== undefined &&
      spawnSync(file, args, { stdio: ['inherit', 'ignore', 'ignore'], timeout: 2000 }).status === 0
    );
  } catch {
    return false;
  }
}

/**
 * Restores the terminal, synchronously: the saved `stty -g` state (or `stty sane` without one), then the escape
 * sequences. Returns the terminal written to (undefined when there is none), left open for the crash line and the question.
 */
export function restoreTerminal(saved: string | undefined): { fd: number; close(): void } | undefined {
  if (isatty(0) && !(saved !== undefined && stty([saved]))) stty(['sane']);
  const term = openTerminal();
  if (term === undefined) return undefined;
  try {
    writeSync(term.fd, RESTORE_SEQUENCE);
  } catch {
    // The terminal went away; nothing left to restore.
  }
  return term;
}
