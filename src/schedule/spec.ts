// What the scheduled job runs and where its files go: one description shared by launchd, systemd and cron.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathEntries } from '../resolve/path-walk.ts';
import { CONFIG } from '../env.ts';
import { homeOf, linkTargets, type Env } from '../activate/locations.ts';

/** The three ways a job gets scheduled. */
export type ScheduleKind = 'launchd' | 'systemd' | 'cron';

/** launchd's label, the systemd units' stem, and the crontab marker. */
export const LABEL = 'dev.codexguard.maintain';
export const UNIT = 'codexguard-maintain';
export const CRON_MARKER = '# codexguard maintain';

/** The job: absolute program and args, its interval, the environment it needs, and the file its output goes to. */
export interface JobSpec {
  program: string[];
  everyMs: number;
  /** Variables set for the job (only those set at install time), in a stable order. */
  env: Array<[string, string]>;
  logFile: string;
  /** The dir the job runs in (config discovery starts there). */
  cwd: string;
}

/** Variables copied into the job when set at install time: where Codex's files are, which config, and PATH. */
const PASSED = ['CODEX_HOME', 'CODEX_SQLITE_HOME', CONFIG, 'XDG_CONFIG_HOME', 'PATH'];

/** `~/Library/Logs/codexguard/maintain.log` on macOS, `${XDG_STATE_HOME:-~/.local/state}/codexguard/maintain.log` elsewhere. */
export function logFileOf(env: Env, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return join(homeOf(env), 'Library', 'Logs', 'codexguard', 'maintain.log');
  const state = env.XDG_STATE_HOME?.startsWith('/') ? env.XDG_STATE_HOME : join(homeOf(env), '.local', 'state');
  return join(state, 'codexguard', 'maintain.log');
}

/** `~/Library/LaunchAgents/dev.codexguard.maintain.plist`. */
export function plistPath(env: Env): string {
  return join(homeOf(env), 'Library', 'LaunchAgents', `${LABEL}.plist`);
}

/** `${XDG_CONFIG_HOME:-~/.config}/systemd/user`. */
export function unitDir(env: Env): string {
  const config = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(homeOf(env), '.config');
  return join(config, 'systemd', 'user');
}

/**
 * A path to this node that survives its upgrade. process.execPath is the realpath (on macOS
 * /opt/homebrew/Cellar/node/X.Y.Z/bin/node, which `brew upgrade` deletes), so the job would stop at the first
 * upgrade. Prefer, in order: the `node` on PATH (unresolved: Homebrew's bin/node link, an nvm or Volta shim) when it
 * is this same node; Homebrew's version-free `opt/<formula>/bin/node` for a Cellar path; else execPath itself.
 */
export function stableNode(execPath: string, pathValue: string | undefined): string {
  const real = realOrUndefined(execPath);
  for (const dir of pathEntries(pathValue)) {
    const candidate = join(dir, 'node');
    if (real !== undefined && realOrUndefined(candidate) === real) return candidate;
  }
  const cellar = /^(.*)\/Cellar\/(node(?:@\d+)?)\/[^/]+\/bin\/node$/.exec(real ?? execPath);
  if (cellar) {
    const opt = join(cellar[1]!, 'opt', cellar[2]!, 'bin', 'node');
    if (existsSync(opt)) return opt;
  }
  return execPath;
}

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/** The job for this install: this node (by a path that survives its upgrade), this package's bin/codexguard.js, `maintain`. */
export function jobSpec(
  env: Env,
  everyMs: number,
  platform: NodeJS.Platform,
  program = [stableNode(process.execPath, env.PATH), linkTargets().codexguard, 'maintain'],
): JobSpec {
  const passed = PASSED.flatMap((name): Array<[string, string]> => (env[name] ? [[name, env[name]!]] : []));
  return { program, everyMs, env: passed, logFile: logFileOf(env, platform), cwd: homeOf(env) };
}

/** Refuses values a job file cannot carry safely (newlines and other control characters). */
export function checkPrintable(values: readonly string[]): void {
  for (const value of values) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value))
      throw new Error(`cannot schedule a value with a control character: ${JSON.stringify(value)}`);
  }
}
