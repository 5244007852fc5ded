// codexguard's own errors: a code, one line for a person, an optional cause.
import { type Code, line } from './outcome.ts';

/** Exit statuses the shim uses for its own failures (never for codex's). */
export const EXIT = {
  /** The real codex was not found anywhere we looked (as shells use 127). */
  notFound: 127,
  /** Found but could not be started, or a shim loop was detected (as shells use 126). */
  cannotRun: 126,
  /** A codexguard command failed. */
  failure: 1,
  /** A codexguard command was called with bad arguments. */
  usage: 2,
} as const;

/** An expected failure of codexguard: printed as one line, never with a stack unless debugging. */
export class CodexguardError extends Error {
  override readonly name = 'CodexguardError';
  constructor(
    readonly code: Code,
    message: string,
    readonly exitCode: number = EXIT.failure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * better-sqlite3 built for another Node (after a Node major upgrade: `brew upgrade node`, a new nvm default) fails to
 * load with "…better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115.
 * This version of Node.js requires NODE_MODULE_VERSION 127…". That becomes one line with the fix; anything else,
 * undefined. Pure.
 */
export function abiMismatch(error: unknown): CodexguardError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  const m = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(text);
  if (!m) return undefined;
  const prefix = /'([^']*?)\/node_modules\/better-sqlite3\//.exec(text)?.[1];
  const fix = prefix
    ? `run \`npm rebuild better-sqlite3\` in ${prefix} (or install codexguard again)`
    : 'run `npm rebuild better-sqlite3` where codexguard is installed (or install it again)';
  return new CodexguardError(
    'E_SQLITE_ABI',
    `better-sqlite3 was built for another Node.js (NODE_MODULE_VERSION ${m[1]}; this node, ${process.version}, needs ${m[2]}): ${fix}`,
    EXIT.failure,
    { cause: error },
  );
}

/** An error's message as one line: the first line of it, or the fix when better-sqlite3 was built for another Node. */
export function oneLine(error: unknown): string {
  return abiMismatch(error)?.message ?? (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** The one line printed for any error: `codexguard: <message> [<code>]`. */
export function formatError(thrown: unknown, debug = false): string {
  const error = abiMismatch(thrown) ?? thrown;
  const known = error instanceof CodexguardError;
  const code = known ? error.code : 'E_UNEXPECTED';
  const message = error instanceof Error ? error.message : String(error);
  const hint = known ? '' : ' (a bug in codexguard: please open an issue)';
  let text = line(`${message}${hint}`, code);
  if (debug) {
    const stack = error instanceof Error ? error.stack : undefined;
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.stack : undefined;
    if (stack) text += `\n${stack}`;
    if (cause) text += `\ncaused by: ${cause}`;
  }
  return text;
}
