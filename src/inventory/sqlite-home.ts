// Where Codex keeps its SQLite files: `-c sqlite_home=…`, else `sqlite_home` in config.toml, else $CODEX_SQLITE_HOME, else $CODEX_HOME.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRegularFile } from '../safe-read.ts';

/** Codex's config.toml is read only up to this (a bigger one is left to Codex to judge). */
const MAX_CODEX_CONFIG_BYTES = 1024 * 1024;

/** Which setting decided the SQLite home: `default` is ~/.codex, with CODEX_HOME unset. */
export type SqliteHomeSource = 'config' | 'env' | 'codex-home' | 'default';

const SOURCE_LABELS: Record<SqliteHomeSource, string> = { config: 'from sqlite_home in config.toml', env: 'from $CODEX_SQLITE_HOME', 'codex-home': 'from CODEX_HOME', default: 'default ~/.codex' };

/** Where the SQLite home came from, for people: "from CODEX_HOME", "default ~/.codex", … (status and doctor say it alike). */
export function sourceLabel(source: string): string {
  return SOURCE_LABELS[source as SqliteHomeSource] ?? `from ${source}`;
}

/** The folder Codex's DBs live in, where that came from, and at most one warning line (a broken config.toml). */
export interface SqliteHome {
  dir: string;
  codexHome: string;
  source: SqliteHomeSource;
  warning?: string;
}

/** $CODEX_HOME, or ~/.codex, as an absolute path. */
export function codexHomeDir(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.CODEX_HOME?.trim();
  return value ? resolve(expandHome(value)) : join(homedir(), '.codex');
}

/**
 * Looks where Codex looks (codex-rs config `sqlite_home`: "Defaults to $CODEX_SQLITE_HOME
 * when set. Otherwise uses $CODEX_HOME"). config.toml is parsed only when it exists and
 * mentions `sqlite_home`, so the usual launch costs one read and no TOML parser.
 */
export async function resolveSqliteHome(env: NodeJS.ProcessEnv = process.env): Promise<SqliteHome> {
  const codexHome = codexHomeDir(env);
  const file = join(codexHome, 'config.toml');
  // No config.toml, or one that is not a regular file (a FIFO, /dev/zero: Codex refuses those itself): fall back as Codex does.
  const read = readRegularFile(file, MAX_CODEX_CONFIG_BYTES);
  const text = read.ok ? read.text : undefined;
  let warning: string | undefined;
  if (text?.includes('sqlite_home')) {
    try {
      const { parse } = await import('smol-toml');
      const value = parse(text).sqlite_home;
      if (typeof value === 'string' && value.trim()) {
        return { dir: resolve(codexHome, expandHome(value.trim())), codexHome, source: 'config' };
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      warning = `cannot read sqlite_home from ${file} (${reason}); checking $CODEX_SQLITE_HOME or CODEX_HOME instead`;
    }
  }
  const fromEnv = env.CODEX_SQLITE_HOME?.trim();
  if (fromEnv) return { dir: resolve(expandHome(fromEnv)), codexHome, source: 'env', warning };
  return { dir: codexHome, codexHome, source: env.CODEX_HOME?.trim() ? 'codex-home' : 'default', warning };
}


function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}
