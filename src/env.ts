// Names of the environment variables codexguard reads or sets, in one place.

/** Path of the real codex to start, skipping the PATH search. */
export const REAL_CODEX = 'CODEXGUARD_REAL_CODEX';
/** `1` launches the real codex with no checks at all. */
export const DISABLE = 'CODEXGUARD_DISABLE';
/** An explicit user-level config file, read instead of ~/.codexguardrc and ~/.config/codexguard/config.*. */
export const CONFIG = 'CODEXGUARD_CONFIG';
/** `1` prints stack traces with codexguard's own errors. */
export const DEBUG = 'CODEXGUARD_DEBUG';
/**
 * Recursion marker set on the child: the realpaths of the shims in this
 * process ancestry, joined by ':'. Any shim that sees it passes straight
 * through, skips those shims on PATH, and stops once the chain is too deep.
 */
export const SHIM_CHAIN = 'CODEXGUARD_SHIM';
/** Set by Codex in the shells it runs: a `codex` started there is nested. */
export const CODEX_THREAD_ID = 'CODEX_THREAD_ID';

/** More nested shims than this is a loop, not a user nesting sessions. */
export const MAX_SHIM_DEPTH = 8;

/** True when an env flag is set to a truthy value ("1", "true", "yes"). */
export function flag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}
