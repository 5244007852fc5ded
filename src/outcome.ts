// One list of the codes codexguard prints, one shape for what a step did, and one way to write its line. Pure.

/** Every code, once. README's table of codes documents each (a test holds the two together). */
export const CODES = [
  // Config and activation.
  'E_CONFIG',
  'W_CONFIG',
  'W_SQLITE_HOME',
  'E_USAGE',
  'E_NO_HOME',
  'E_NO_SHELL',
  'E_NO_TTY',
  'E_RC_READ',
  'E_RC_WRITE',
  'E_LINK_EXISTS',
  'E_MANIFEST',
  'E_PURGE',
  'E_NO_PACKAGE',
  // Finding and starting the real codex.
  'E_NOT_FOUND',
  'E_NOT_EXECUTABLE',
  'E_LOOP',
  'E_SPAWN',
  'E_REGISTRY',
  // The pre-flight and its steps.
  'E_LOCK_TIMEOUT',
  'E_LOCK_ERROR',
  'E_BUSY',
  'W_DEFERRED',
  'E_IN_USE',
  'E_DISK_FULL',
  'E_READONLY',
  'E_NOT_SQLITE',
  'E_CORRUPT',
  'E_NOT_LOG_DB',
  'E_HOT_JOURNAL',
  'E_MISSING',
  'E_CANTOPEN',
  'E_NO_LINKS',
  'E_OPENERS_UNKNOWN',
  'E_SQLITE_ABI',
  'E_IO',
  'E_DAEMON_START',
  'E_BAD_LEVEL',
  'E_BAD_FILTER',
  // Crash bundles.
  'E_NO_BUNDLE',
  'E_NO_REPORT',
  'E_PACK',
  // A bug in codexguard.
  'E_UNEXPECTED',
] as const;

/** A code codexguard prints. */
export type Code = (typeof CODES)[number];

/** What a step did: ok, and its code (`OK`, or why not) and one line for a person. */
export interface Outcome<C extends string = Code> {
  ok: boolean;
  code: C | 'OK';
  message: string;
}

/** `codexguard: <message>`, with ` [<code>]` when there is one. */
export function line(message: string, code?: Code): string {
  return `codexguard: ${message}${code ? ` [${code}]` : ''}`;
}

/** An outcome's line: the message alone when it went well, with its code when it did not. */
export function outcomeLine(o: Outcome<string>): string {
  return o.ok ? line(o.message) : line(o.message, o.code as Code);
}
