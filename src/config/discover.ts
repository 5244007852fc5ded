// Finds the user-level and project-level config files with stat() calls only (the launch path's fast path).
import { realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CONFIG } from '../env.ts';
import { joinAll } from '../path-join.ts';
import type { ConfigIssue } from './issues.ts';

/** Project-level names, searched in each directory from the cwd upward, first found wins. */
export const RC_NAMES = ['.codexguardrc', '.codexguardrc.json', '.codexguardrc.yaml', '.codexguardrc.yml'] as const;
/** User-level names under $XDG_CONFIG_HOME/codexguard/. */
export const XDG_NAMES = ['config.json', 'config.yaml', 'config.yml'] as const;

/** Where to look: the launch's cwd, environment and home directory. */
export interface Where {
  cwd: string;
  env: NodeJS.ProcessEnv;
  home: string;
}

/** A config file that will be read. */
export interface FoundFile {
  path: string;
  level: 'user' | 'project';
}

/** At most one file per level, plus issues (a missing $CODEXGUARD_CONFIG, files shadowed by another). */
export interface Found {
  user?: FoundFile;
  project?: FoundFile;
  issues: ConfigIssue[];
}

/** User-level candidates in order: ~/.codexguardrc{,.json,.yaml,.yml}, then $XDG_CONFIG_HOME/codexguard/config.{json,yaml,yml}. */
export function userCandidates(env: NodeJS.ProcessEnv, home: string): string[] {
  const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  const xdgNames = XDG_NAMES.map((name) => `codexguard/${name}`);
  return [...joinAll(home, RC_NAMES), ...joinAll(xdg, xdgNames)];
}

/** Directories searched for a project file, nearest first: from `cwd` upward, stopping before any of `stops` (home) or after `/`. */
export function projectDirs(cwd: string, stops: readonly string[]): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(cwd); !stops.includes(dir); dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) break;
  }
  return dirs;
}

function fileStat(path: string): Stats | undefined {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats?.isFile() ? stats : undefined;
  } catch {
    return undefined; // EACCES, ENOTDIR, ELOOP: not a config file we can use
  }
}

/** The first existing file of `paths`; later existing ones are reported as shadowed. */
function first(
  paths: readonly string[],
  level: FoundFile['level'],
  issues: ConfigIssue[],
  skip?: Stats,
): FoundFile | undefined {
  let found: FoundFile | undefined;
  for (const path of paths) {
    const stats = fileStat(path);
    if (!stats || (skip && stats.ino === skip.ino && stats.dev === skip.dev)) continue;
    if (!found) found = { path, level };
    else
      issues.push({
        severity: 'warning',
        file: path,
        message: `ignored: ${found.path} is read instead (only one ${level}-level file is used)`,
      });
  }
  return found;
}

/** Finds the files to read. Costs one stat() per candidate when none exists. */
export function findConfigFiles({ cwd, env, home }: Where): Found {
  const issues: ConfigIssue[] = [];
  let user: FoundFile | undefined;
  const explicit = env[CONFIG];
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (fileStat(path)) user = { path, level: 'user' };
    else issues.push({ severity: 'error', file: path, message: `not found (named by $${CONFIG}); using the defaults` });
  } else {
    user = first(userCandidates(env, home), 'user', issues);
  }
  const stops = [resolve(home)];
  try {
    stops.push(realpathSync(home));
  } catch {
    // No such home: nothing to stop at but `/`.
  }
  const userStats = user ? fileStat(user.path) : undefined;
  for (const dir of projectDirs(cwd, stops)) {
    const project = first(joinAll(dir, RC_NAMES), 'project', issues, userStats);
    if (project) return { user, project, issues };
  }
  return { user, issues };
}
