// Finds the real codex to start: override, user config, then PATH; through the npm launcher when we can.
import { resolve } from 'node:path';
import { MAX_SHIM_DEPTH, REAL_CODEX, SHIM_CHAIN } from '../env.ts';
import { CodexguardError, EXIT } from '../errors.ts';
import { launcherScript, managedEnv, nativeFromLauncher } from './npm-launcher.ts';
import { executableRealpath, walkPath, type Candidate } from './path-walk.ts';
import { voltaImage } from './volta.ts';

/** What the shim will start, and how it was chosen. */
export interface RealCodex {
  /** The file to execute. */
  file: string;
  /** The `codex` that was found (override, config or PATH entry), before seeing through a launcher. */
  found: string;
  /** native: start `file` as found; npm-native: the launcher's binary, started directly; launcher: an unrecognised launcher, started as is. */
  kind: 'native' | 'npm-native' | 'launcher';
  /** Environment for the child (the launcher's variables for npm-native). */
  env: NodeJS.ProcessEnv;
  /** When `found` is Volta's shim: the codex in Volta's package image that was started in its place. */
  volta?: string;
}

/** The shims already in this process's ancestry, from the recursion marker. */
export function shimChain(env: NodeJS.ProcessEnv): string[] {
  return (env[SHIM_CHAIN] ?? '').split(':').filter((p) => p !== '');
}

/** The recursion marker for a child of shim `self`. */
export function childChain(env: NodeJS.ProcessEnv, self: string): string {
  return [...shimChain(env), self].join(':');
}

/** Options for resolveRealCodex: the shim's own realpath, the environment, and a user-configured path. */
export interface ResolveOptions {
  self: string;
  env: NodeJS.ProcessEnv;
  configured?: { path: string; source: string } | undefined;
}

/** Finds the real codex; throws E_NOT_FOUND (127) or E_LOOP / E_NOT_EXECUTABLE (126). */
export function resolveRealCodex({ self, env, configured }: ResolveOptions): RealCodex {
  const chain = shimChain(env);
  if (chain.length >= MAX_SHIM_DEPTH) {
    throw new CodexguardError(
      'E_LOOP',
      `${chain.length} codexguard shims are nested (${SHIM_CHAIN}); stopping a loop. Point ${REAL_CODEX} at the real codex`,
      EXIT.cannotRun,
    );
  }
  const skip = new Set([self, ...chain]);
  const explicit = env[REAL_CODEX] ? { path: resolve(env[REAL_CODEX]), source: REAL_CODEX } : configured;
  let candidate: Candidate;
  if (explicit) {
    const realpath = executableRealpath(explicit.path);
    if (realpath === undefined) {
      throw new CodexguardError(
        'E_NOT_EXECUTABLE',
        `${explicit.source} points at ${explicit.path}, which is not an executable file`,
        EXIT.cannotRun,
      );
    }
    if (skip.has(realpath)) {
      throw new CodexguardError(
        'E_LOOP',
        `${explicit.source} points at the codexguard shim itself (${explicit.path}), not at the real codex`,
        EXIT.cannotRun,
      );
    }
    candidate = { path: explicit.path, realpath };
  } else {
    const walk = walkPath('codex', env.PATH, skip);
    if (walk.found === undefined) {
      const dirs = walk.searched.length ? walk.searched.join(':') : '(no absolute entries)';
      throw new CodexguardError(
        'E_NOT_FOUND',
        `no real codex found on PATH (searched ${dirs}); install Codex or set ${REAL_CODEX}`,
        EXIT.notFound,
      );
    }
    candidate = walk.found;
  }
  return seeThrough(candidate, env);
}

/**
 * Turns a found `codex` into what to start: Volta's shim into the codex of its package image (the shim would report
 * codex's death by a signal as exit 1), then the npm launcher into its native binary where the layout is known.
 */
export function seeThrough(found: Candidate, env: NodeJS.ProcessEnv): RealCodex {
  const image = voltaImage(found);
  const candidate = image ?? found;
  const via = image ? { volta: image.path } : {};
  const launcher = launcherScript(candidate.path, candidate.realpath);
  if (launcher === undefined) return { file: candidate.path, found: found.path, kind: 'native', env, ...via };
  const native = nativeFromLauncher(launcher.script, launcher.lexical, env);
  if (native === undefined) return { file: candidate.path, found: found.path, kind: 'launcher', env, ...via };
  return {
    file: native.binary,
    found: found.path,
    kind: 'npm-native',
    env: managedEnv(env, native.packageRoot, native.manager, native.rules),
    ...via,
  };
}
