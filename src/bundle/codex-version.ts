// The crashed codex's version, found lazily: its npm package's package.json, else `<codex> --version` within the budget.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A version out of `codex-cli 0.169.0` or a platform package's `0.169.0-linux-x64`. Pure. */
export function parseVersion(text: string): string | undefined {
  const m = /(\d+\.\d+\.\d+(?:-(?!(?:linux|darwin|win32|android)-)[0-9A-Za-z.]+)?)/.exec(text);
  return m?.[1];
}

/** The version in the nearest @openai/codex* package.json above the binary (no process started). */
export function versionFromPackage(codexPath: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(realpathSync(codexPath));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (typeof pkg.name === 'string' && /^@openai\/codex(-|$)/.test(pkg.name) && typeof pkg.version === 'string')
        return parseVersion(pkg.version);
    } catch {
      // No package.json here: keep climbing.
    }
    if (dirname(dir) === dir) break;
  }
  return undefined;
}

/** `<codex> --version`, killed after `timeoutMs`; undefined when it fails, times out or prints no version. */
export async function versionFromRun(
  codexPath: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string | undefined> {
  if (timeoutMs < 50) return undefined;
  const { execa } = await import('execa');
  const result = await execa(codexPath, ['--version'], {
    env,
    extendEnv: false,
    stdin: 'ignore',
    timeout: timeoutMs,
    forceKillAfterDelay: 100,
    reject: false,
  });
  return result.exitCode === 0 && typeof result.stdout === 'string' ? parseVersion(result.stdout) : undefined;
}

/** The version, given, from the package, or from a run within `timeoutMs`; `source` says which. */
export async function codexVersion(
  path: string | undefined,
  known: string | undefined,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ version: string | null; source: 'given' | 'package' | 'run' | 'unknown' }> {
  if (known) return { version: known, source: 'given' };
  if (!path) return { version: null, source: 'unknown' };
  const fromPkg = versionFromPackage(path);
  if (fromPkg) return { version: fromPkg, source: 'package' };
  const fromRun = await versionFromRun(path, env, timeoutMs).catch(() => undefined);
  return fromRun ? { version: fromRun, source: 'run' } : { version: null, source: 'unknown' };
}
