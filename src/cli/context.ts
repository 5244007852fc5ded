// What codexguard's own commands start from: the effective config, the settings it implies, and where Codex's files are.
import { formatIssue } from '../config/issues.ts';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import { resolveSqliteHome, type SqliteHome } from '../inventory/sqlite-home.ts';
import { settingsFrom, type LaunchSettings } from '../shim/settings.ts';

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
    for (const issue of loaded.issues) process.stderr.write(`${formatIssue(issue, env.HOME)}\n`);
    if (home.warning) process.stderr.write(`codexguard: ${home.warning} [W_SQLITE_HOME]\n`);
  }
  return { loaded, settings: settingsFrom(loaded.config), home, env };
}
