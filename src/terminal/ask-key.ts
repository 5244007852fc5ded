// Asks for one key on the terminal, in raw mode, with a timeout: the `[r]esume [q]uit` question after a crash.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { ReadStream } from 'node:tty';

/** What the person answered, or that nobody did in time. */
export type KeyAnswer = 'resume' | 'quit' | 'timeout';

/** The answer a chunk of terminal input stands for: r resumes; q, Esc, Ctrl-C and Ctrl-D quit; anything else (pastes, escape sequences) is ignored. */
export function keyChoice(chunk: string): 'resume' | 'quit' | undefined {
  if (chunk === 'r' || chunk === 'R') return 'resume';
  if (chunk === 'q' || chunk === 'Q' || chunk === '\x1b' || chunk === '\x03' || chunk === '\x04') return 'quit';
  return undefined;
}

/** Drops what the terminal holds already (keys typed at codex before it died), through a second, non-blocking descriptor. */
function dropQueuedInput(): void {
  let fd: number | undefined;
  try {
    fd = openSync('/dev/tty', constants.O_RDONLY | constants.O_NONBLOCK);
    const buffer = Buffer.alloc(4096);
    for (let i = 0; i < 256 && readSync(fd, buffer) > 0; i++);
  } catch {
    // EAGAIN: nothing (more) queued; or no terminal, which the caller finds out itself.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads keys from /dev/tty (a fresh descriptor, so stdin, which codex inherits, is left untouched) until one
 * answers, or `timeoutMs` passes. The terminal goes raw and what it held is dropped (typed at codex before it
 * died) before `show` puts the question up, so every key typed once the question is visible counts.
 * Resolves 'quit' when there is no terminal to read, or on SIGTERM/SIGHUP meanwhile. Never rejects.
 */
export function askKey(timeoutMs: number, show: () => void = () => {}): Promise<KeyAnswer> {
  let input: ReadStream;
  try {
    input = new ReadStream(openSync('/dev/tty', 'r'));
    input.setRawMode(true); // before the drop: a line typed but not ended is readable only once the terminal is raw
  } catch {
    show();
    return Promise.resolve('quit');
  }
  dropQueuedInput();
  show();
  return new Promise((resolve) => {
    let answered = false;
    const done = (answer: KeyAnswer) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      for (const s of ['SIGTERM', 'SIGHUP'] as const) process.removeListener(s, onSignal);
      try {
        input.setRawMode(false);
      } catch {
        // The terminal is gone.
      }
      input.destroy();
      resolve(answer);
    };
    const onSignal = () => done('quit');
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    for (const s of ['SIGTERM', 'SIGHUP'] as const) process.once(s, onSignal);
    input.on('error', () => done('quit'));
    input.on('data', (chunk: Buffer) => {
      const answer = keyChoice(chunk.toString('latin1'));
      if (answer !== undefined) done(answer);
    });
  });
}
