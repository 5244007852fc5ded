// Runs a command in a real pseudo-terminal (a private tmux server) and reads back its screen and terminal state.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { waitFor } from './index.ts';

let servers = 0;

/** Quotes a word for sh. */
export function sq(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** A command running in a 120x40 tmux pane: its screen, tmux's view of the terminal modes, keys, and its end. */
export interface Pane {
  /** The visible screen, as text (wrapped lines joined). */
  screen(): string;
  /** A tmux format for the pane, e.g. `#{alternate_on}`. */
  display(format: string): string;
  /** Sends keys as typed (tmux key names). */
  keys(...keys: string[]): void;
  /** Waits until the screen matches, and returns it. */
  waitScreen(pattern: RegExp, ms?: number): Promise<string>;
  /** Waits for the command to end: its shell status, and `stty -a` of the terminal right after. */
  done(ms?: number): Promise<{ status: number; stty: string }>;
}

/**
 * Starts `argv` (env exactly `env`, plus the pane's TERM; no core dumps) in a fresh tmux server that the test
 * kills when it ends. After the command: `stty -a` and the status are recorded, and the pane stays open.
 */
export function inTmux(t: TestContext, dir: string, argv: readonly string[], env: NodeJS.ProcessEnv): Pane {
  const socket = `cg-${process.pid}-${++servers}`;
  const tmux = (...args: string[]) =>
    spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const vars = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [sq(`${k}=${v}`)]));
  const status = join(dir, 'pane-status');
  const stty = join(dir, 'pane-stty');
  const script = join(dir, 'pane.sh');
  writeFileSync(
    script,
    [
      'ulimit -c 0',
      // A Ctrl-C signals this sh too: a handler (reset at exec, so the command starts with the default) keeps it alive.
      "trap ':' INT",
      `env -i TERM="$TERM" ${vars.join(' ')} ${argv.map(sq).join(' ')}`,
      'st=$?',
      `stty -a > ${sq(stty)}`,
      `echo "$st" > ${sq(status)}.tmp && mv ${sq(status)}.tmp ${sq(status)}`,
      'exec sleep 600',
    ].join('\n'),
  );
  t.after(() => tmux('kill-server'));
  const started = tmux('new-session', '-d', '-x', '120', '-y', '40', 'sh', script);
  if (started.error) throw new Error(`these tests need tmux (apt-get install tmux): ${started.error.message}`);
  if (started.status !== 0) throw new Error(`tmux: ${started.stderr}`);
  /** A timeout says what was on the screen by then. */
  const withScreen = <T>(wait: Promise<T>) =>
    wait.catch((error: Error) => {
      throw new Error(`${error.message}; the screen:\n${pane.screen()}`);
    });
  const pane: Pane = {
    screen: () => tmux('capture-pane', '-p', '-J').stdout,
    display: (format) => tmux('display', '-p', format).stdout.trim(),
    keys: (...keys) => void tmux('send-keys', ...keys),
    waitScreen: (pattern, ms = 15_000) =>
      withScreen(
        waitFor(
          () => {
            const text = pane.screen();
            return pattern.test(text) ? text : undefined;
          },
          ms,
          String(pattern),
        ),
      ),
    done: async (ms = 20_000) => {
      await withScreen(waitFor(() => existsSync(status), ms, 'the command in tmux to end'));
      return { status: Number(readFileSync(status, 'utf8').trim()), stty: readFileSync(stty, 'utf8') };
    },
  };
  return pane;
}

/** Terminal settings from `stty -a`: the set of words, e.g. "icanon" or "-echo". */
export function sttyFlags(sttyA: string): Set<string> {
  return new Set(sttyA.split(/[\s;]+/).filter(Boolean));
}
