// What codexguard's own commands start from: the effective config, the settings it implies, and where Codex's files are.
import { line } from './outcome.ts';
import { linkTargets } from './activate/locations.ts';
import type { CodexCommand } from './codex/daemon-control.ts';
import { issueLines } from './config/issues.ts';
import { SHIM_CHAIN } from './env.ts';
import { resolveRealCodex } from './resolve/real-codex.ts';
import { loadConfig, type LoadedConfig } from './config/load.ts';
import { resolveSqliteHome, type SqliteHome } from './inventory/sqlite-home.ts';
import { settingsFrom, type LaunchSettings } from './shim/settings.ts';

/** A command's view of this machine: config (with its problems), settings, and the SQLite home. */
export interface CommandContext {
  loaded: LoadedConfig;
  settings: LaunchSettings;
  home: SqliteHome;
  env: NodeJS.ProcessEnv;
}

/** Loads the context; config problems and a broken config.toml are printed on stderr, one line each, unless `quiet`. */
export async function commandContext(quiet = false): Promise<CommandContext> {
  const env = process.env;
  const loaded = await loadConfig({ cwd: process.cwd(), env });
  const home = await resolveSqliteHome(env);
  if (!quiet) {
    for (const line of issueLines(loaded.issues, env.HOME)) process.stderr.write(`${line}\n`);
    if (home.warning) process.stderr.write(`${line(home.warning, 'W_SQLITE_HOME')}\n`);
  }
  return { loaded, settings: settingsFrom(loaded.config, loaded.issues), home, env };
}

/** The real codex the shim would start from this environment (to stop or start Codex's daemon with), or undefined when there is none. */
export function realCodexCommand(context: CommandContext): CodexCommand | undefined {
  const configured = context.settings.codexPath
    ? { path: context.settings.codexPath, source: 'codexPath (user config)' }
    : undefined;
  try {
    const real = resolveRealCodex({
      self: linkTargets().codex,
      env: { ...context.env, [SHIM_CHAIN]: undefined },
      configured,
    });
    return { file: real.file, env: real.env };
  } catch {
    return undefined;
  }
}
