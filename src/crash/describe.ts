// The lines a person sees after a crash: what happened, the question, why there is no restart. Pure.
import { humanDuration } from '../human.ts';
import { homedir } from 'node:os';

/** What a shell says for each crash signal (as zsh prints `trace trap`). */
const DESCRIPTIONS: Record<string, string> = {
  SIGTRAP: 'trace trap',
  SIGABRT: 'abort',
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
  SIGFPE: 'floating point exception',
  SIGSYS: 'bad system call',
  SIGQUIT: 'quit',
};

/** `SIGTRAP, trace trap`, or just the name for a signal without a description. */
export function describeSignal(signal: string): string {
  const text = DESCRIPTIONS[signal];
  return text === undefined ? signal : `${signal}, ${text}`;
}

/** A path for a person: the home directory shown as `~`. */
export function tildePath(path: string, home = homedir()): string {
  return home !== '' && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}

/** The one line after the terminal is back: `codexguard: codex crashed (SIGTRAP, trace trap) after 41m; bundle: ~/…`. */
export function crashLine(signal: string, uptimeMs: number, bundle: string | undefined, home?: string): string {
  const where = bundle === undefined ? 'no crash bundle was written' : `bundle: ${tildePath(bundle, home)}`;
  return `codexguard: codex crashed (${describeSignal(signal)}) after ${humanDuration(Math.max(0, uptimeMs))}; ${where}`;
}

/** The crash line and the question under "ask", as one line: `codexguard: codex crashed (SIGTRAP, trace trap) after 41m; bundle: ~/…  [r]esume  [q]uit `. */
export function askLine(
  signal: string,
  uptimeMs: number,
  resume: boolean,
  bundle: string | undefined,
  home?: string,
): string {
  return `${crashLine(signal, uptimeMs, bundle, home)}  ${resume ? '[r]esume' : '[r]estart'}  [q]uit `;
}

/** The line when the crash-loop guard stops the restarts. */
export function stopLine(reason: string): string {
  return `codexguard: not restarting codex: ${reason}`;
}

/** The line before a restart: `codexguard: resuming codex (codex resume --last) in 500ms`. */
export function restartLine(args: readonly string[], delayMs: number): string {
  const how = args[0] === 'resume' ? `resuming codex (codex ${args.slice(0, 2).join(' ')})` : 'restarting codex';
  return `codexguard: ${how}${delayMs > 0 ? ` in ${humanDuration(delayMs)}` : ''}`;
}
