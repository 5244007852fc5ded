// Gathers the facts about activation: install's record, the user's shells probed as install does, the real codex and its version.
import { realPath } from '../resolve/path-walk.ts';
import { execa } from 'execa';
import { manifestPath, tildify, type Env } from '../activate/locations.ts';
import { readManifest } from '../activate/manifest.ts';
import { runProbes } from '../activate/probe.ts';
import type { Shell } from '../activate/shells.ts';
import { probesFor } from '../activate/verify.ts';
import { REAL_CODEX, SHIM_CHAIN } from '../env.ts';
import { walkPath } from '../resolve/path-walk.ts';
import { resolveRealCodex } from '../resolve/real-codex.ts';
import type { PathFacts, RealCodexFacts } from './judge-activation.ts';
import { reason } from './report.ts';

/** `<real codex> --version` must answer within this. */
export const VERSION_TIMEOUT_MS = 5_000;

/** Reads install's record, then starts each recorded shell (interactive and login) to see what it runs as `codex`. */
export async function gatherPath(env: Env, shimRealpath: string): Promise<PathFacts> {
  const found = walkPath('codex', env.PATH, new Set()).found;
  const current = { codex: found?.path, isShim: found?.realpath === shimRealpath };
  let manifest: ReturnType<typeof readManifest>;
  try {
    manifest = readManifest(manifestPath(env));
  } catch (error) {
    return { installed: { error: reason(error) }, probes: [], current };
  }
  if (!manifest) return { installed: undefined, probes: [], current };
  const shells = [...new Set(manifest.files.map((f) => f.shell))] as Shell[];
  const filesOf = (shell: Shell) =>
    manifest.files.filter((f) => f.shell === shell).map((f) => tildify(f.path, env.HOME));
  const results = await runProbes(probesFor(shells), env, shimRealpath, (probe) => filesOf(probe.shell));
  const probes = results.map(({ probe, verdict }) => ({
    shell: probe.shell,
    mode: probe.mode,
    level: verdict.level,
    text: verdict.text,
  }));
  return { installed: { shells, linksDir: manifest.linksDir }, probes, current };
}

/** Resolves the real codex exactly as the shim would from this environment, then asks it for its version. */
export async function gatherRealCodex(
  env: NodeJS.ProcessEnv,
  shimRealpath: string,
  codexPath: string | null,
): Promise<RealCodexFacts> {
  const configured = codexPath ? { path: codexPath, source: 'codexPath (user config)' } : undefined;
  let real: ReturnType<typeof resolveRealCodex>;
  try {
    real = resolveRealCodex({ self: shimRealpath, env: { ...env, [SHIM_CHAIN]: undefined }, configured });
  } catch (error) {
    return { resolved: { error: reason(error), code: (error as { code?: string }).code ?? 'E_UNEXPECTED' } };
  }
  const source = env[REAL_CODEX] ? REAL_CODEX : configured ? configured.source : 'PATH';
  let realpath: string | undefined;
  try {
    realpath = realPath(real.file);
  } catch {
    // Gone meanwhile: --version says so below.
  }
  const resolved = {
    found: real.found,
    file: real.file,
    kind: real.kind,
    source,
    ...(realpath ? { realpath } : {}),
    ...(real.volta ? { volta: real.volta } : {}),
  };
  const run = await execa(real.file, ['--version'], {
    env: real.env,
    extendEnv: false,
    stdin: 'ignore',
    timeout: VERSION_TIMEOUT_MS,
    reject: false,
  });
  const text = String(run.stdout ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  if (run.failed || !text) {
    const why = run.timedOut
      ? `no answer within ${VERSION_TIMEOUT_MS / 1000} s`
      : run.failed
        ? reason(run.shortMessage ?? run.message)
        : 'it printed nothing';
    return { resolved, version: { error: why } };
  }
  return { resolved, version: { text } };
}
