// Where activation puts things: the links dir, the manifest, and the package's own bins.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodexguardError } from '../errors.ts';

/** The environment variables that decide where files go (a subset of process.env). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The user's home directory from HOME; activation never guesses it. */
export function homeOf(env: Env): string {
  const home = env.HOME;
  if (!home?.startsWith('/')) {
    throw new CodexguardError(
      'E_NO_HOME',
      'HOME is not set to an absolute path; cannot find your shell start-up files',
    );
  }
  return home;
}

/** `${XDG_DATA_HOME:-$HOME/.local/share}/codexguard`: codexguard's own data dir. */
export function dataDir(env: Env): string {
  const xdg = env.XDG_DATA_HOME;
  return join(xdg?.startsWith('/') ? xdg : join(homeOf(env), '.local', 'share'), 'codexguard');
}

/** The dir that goes first on PATH and holds the `codex` and `codexguard` links. */
export function linksDir(env: Env): string {
  return join(dataDir(env), 'bin');
}

/** The JSON record of what install added, beside the links dir. */
export function manifestPath(env: Env): string {
  return join(dataDir(env), 'install.json');
}

/** The nearest dir at or above `start` holding codexguard's package.json and bin/codex.js. */
export function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(join(dir, 'bin', 'codex.js'))) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'codexguard') return dir;
      } catch {
        // Not ours: keep climbing.
      }
    }
    if (dirname(dir) === dir)
      throw new CodexguardError('E_NO_PACKAGE', `cannot find codexguard's package (bin/codex.js) above ${start}`);
  }
}

/** The links to make: name in the links dir → realpath of the package's bin file. */
export function linkTargets(
  root = findPackageRoot(dirname(fileURLToPath(import.meta.url))),
): Record<'codex' | 'codexguard', string> {
  return {
    codex: realpathSync(join(root, 'bin', 'codex.js')),
    codexguard: realpathSync(join(root, 'bin', 'codexguard.js')),
  };
}

/** `path` with the home dir shown as `~`, for messages. */
export function tildify(path: string, home: string | undefined): string {
  if (!home || home === '/') return path;
  return path === home ? '~' : path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
