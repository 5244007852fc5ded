// Types for scripts/test-codex.mjs, so that test helpers find the real Codex the way the pretest installs it.

/** The version asked for with CODEXGUARD_TEST_CODEX, or undefined for the pinned devDependency. */
export function requestedVersion(env?: NodeJS.ProcessEnv): string | undefined;
/** The folder whose node_modules holds @openai/codex for the tests. */
export function codexRoot(env?: NodeJS.ProcessEnv): string;
/** The native binary of the platform package for this machine under `nodeModules`. */
export function nativeBinary(nodeModules: string): string;
