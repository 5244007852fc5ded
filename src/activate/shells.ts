// Which shells to activate and which start-up files each one reads (pure: existence is passed in).
import { basename, join } from 'node:path';
import { CodexguardError, EXIT } from '../errors.ts';
import { homeOf, type Env } from './locations.ts';

/** The shells activation supports. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The language a start-up file is written in. */
export type Syntax = 'sh' | 'fish';

/** One start-up file that gets the block. */
export interface RcFile {
  path: string;
  shell: Shell;
  syntax: Syntax;
}

/** Answers whether a path exists (fs.existsSync in real use). */
export type Exists = (path: string) => boolean;

const zdotdir = (env: Env) => (env.ZDOTDIR?.startsWith('/') ? env.ZDOTDIR : homeOf(env));
const fishDir = (env: Env) =>
  join(env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(homeOf(env), '.config'), 'fish');

/** bash's login file: the first of ~/.bash_profile, ~/.bash_login, ~/.profile that exists (bash reads only that one), else ~/.profile. */
export function bashLoginFile(env: Env, exists: Exists): string {
  const home = homeOf(env);
  const candidates = ['.bash_profile', '.bash_login', '.profile'].map((name) => join(home, name));
  return candidates.find(exists) ?? join(home, '.profile');
}

/**
 * The files that get the block for `shell`. bash needs two: interactive
 * non-login shells read only ~/.bashrc, login shells (macOS Terminal, ssh)
 * read only the login file, unless one sources the other.
 */
export function rcFiles(shell: Shell, env: Env, exists: Exists): RcFile[] {
  switch (shell) {
    case 'bash':
      return [
        { path: join(homeOf(env), '.bashrc'), shell, syntax: 'sh' },
        { path: bashLoginFile(env, exists), shell, syntax: 'sh' },
      ];
    case 'zsh':
      // .zshrc is read by every interactive zsh, login or not, after macOS's path_helper in /etc/zprofile.
      return [{ path: join(zdotdir(env), '.zshrc'), shell, syntax: 'sh' }];
    case 'fish':
      // config.fish is read after conf.d/ and by every fish.
      return [{ path: join(fishDir(env), 'config.fish'), shell, syntax: 'fish' }];
  }
}

/** Files whose existence shows that a shell is in use. */
function signsOfUse(shell: Shell, env: Env): string[] {
  const home = homeOf(env);
  switch (shell) {
    case 'bash':
      return ['.bashrc', '.bash_profile', '.bash_login'].map((name) => join(home, name));
    case 'zsh':
      return ['.zshrc', '.zprofile', '.zshenv', '.zlogin'].map((name) => join(zdotdir(env), name));
    case 'fish':
      return [join(fishDir(env), 'config.fish')];
  }
}

/** True for the names of supported shells. */
export function isShell(name: string): name is Shell {
  return (SHELLS as readonly string[]).includes(name);
}

/** The default shells: $SHELL's if supported, plus every supported shell with a start-up file of its own. */
export function defaultShells(env: Env, exists: Exists): Shell[] {
  const login = env.SHELL ? basename(env.SHELL) : '';
  return SHELLS.filter((shell) => shell === login || signsOfUse(shell, env).some(exists));
}

/** `--shell` values (repeated or comma-separated) as shells; a usage error names a bad one. */
export function parseShells(names: readonly string[]): Shell[] {
  const out: Shell[] = [];
  for (const name of names
    .flatMap((n) => n.split(','))
    .map((n) => n.trim())
    .filter(Boolean)) {
    if (!isShell(name)) {
      throw new CodexguardError(
        'E_USAGE',
        `--shell ${name}: not a supported shell (expected one of ${SHELLS.join(', ')})`,
        EXIT.usage,
      );
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
