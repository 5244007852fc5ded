// codexguard's own errors: a code, one line for a person, an optional cause.

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
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT.failure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The one line printed for any error: `codexguard: <message> [<code>]`. */
export function formatError(error: unknown, debug = false): string {
  const known = error instanceof CodexguardError;
  const code = known ? error.code : 'E_UNEXPECTED';
  const message = error instanceof Error ? error.message : String(error);
  const hint = known ? '' : ' (a bug in codexguard: please open an issue)';
  let line = `codexguard: ${message}${hint} [${code}]`;
  if (debug) {
    const stack = error instanceof Error ? error.stack : undefined;
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.stack : undefined;
    if (stack) line += `\n${stack}`;
    if (cause) line += `\ncaused by: ${cause}`;
  }
  return line;
}
