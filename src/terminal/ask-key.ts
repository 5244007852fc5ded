// Asks for one key on the terminal, in raw mode, with a timeout: the `[r]esume [q]uit` question after a crash.
import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';

/** What the person answered, or that nobody did in time. */
export type KeyAnswer = 'resume' | 'quit' | 'timeout';

/** The answer a chunk of terminal input stands for: r resumes; q, Esc, Ctrl-C and Ctrl-D quit; anything else (pastes, escape sequences) is ignored. */
export function keyChoice(chunk: string): 'resume' | 'quit' | undefined {
  if (chunk === 'r' || chunk === 'R') return 'resume';
  if (chunk === 'q' || chunk === 'Q' || chunk === '\x1b' || chunk === '\x03' || chunk === '\x04') return 'quit';
  return undefined;
}

/**
 * Reads keys from /dev/tty (a fresh descriptor, so stdin, which codex inherits, is left untouched) until one
 * answers, or `timeoutMs` passes. Input already queued before `settleMs` (typed at codex before it died) is dropped.
 * Resolves 'quit' when there is no terminal to read, or on SIGTERM/SIGHUP meanwhile. Never rejects.
 */
export function askKey(timeoutMs: number, settleMs = 150): Promise<KeyAnswer> {
  let input: ReadStream;
  try {
    input = new ReadStream(openSync('/dev/tty', 'r'));
    input.setRawMode(true);
  } catch {
    return Promise.resolve('quit');
  }
  const opened = Date.now();
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
      if (Date.now() - opened < settleMs) return;
      const answer = keyChoice(chunk.toString('latin1'));
      if (answer !== undefined) done(answer);
    });
  });
}
