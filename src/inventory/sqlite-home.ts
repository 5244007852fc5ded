// Where Codex keeps its SQLite files: `-c sqlite_home=…`, else `sqlite_home` in config.toml, else $CODEX_SQLITE_HOME, else $CODEX_HOME.
import { userHome } from '../node-os.ts';
import { join, resolve } from 'node:path';
import { readRegularFile } from '../safe-read.ts';

/** Codex's config.toml is read only up to this (a bigger one is left to Codex to judge). */
const MAX_CODEX_CONFIG_BYTES = 1024 * 1024;

/** Which setting decided the SQLite home: `default` is ~/.codex, with CODEX_HOME unset. */
export type SqliteHomeSource = 'cli' | 'config' | 'env' | 'codex-home' | 'default';

const SOURCE_LABELS: Record<SqliteHomeSource, string> = {
  cli: 'from -c sqlite_home',
  config: 'from sqlite_home in config.toml',
  env: 'from $CODEX_SQLITE_HOME',
  'codex-home': 'from CODEX_HOME',
  default: 'default ~/.codex',
};

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
  return value ? resolve(expandHome(value)) : join(userHome(), '.codex');
}

/** A TOML string value as Codex reads `-c key=value` (a value that is not TOML is taken as the bare string). */
function tomlString(value: string): string {
  const basic = /^"((?:\\.|[^"\\])*)"$/.exec(value);
  if (basic) {
    try {
      return JSON.parse(`"${basic[1]}"`) as string;
    } catch {
      return basic[1]!;
    }
  }
  return /^'([^']*)'$/.exec(value)?.[1] ?? value;
}

/**
 * Pure: the value of the last `-c sqlite_home=…` (also `--config sqlite_home=…`, `--config=…`, `-c…`) among codex's
 * arguments, up to a `--`. The last one wins, as in Codex. It is the only key of codex's arguments codexguard reads.
 */
export function sqliteHomeOverride(args: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    const pair =
      arg === '-c' || arg === '--config'
        ? args[++i]
        : arg.startsWith('--config=')
          ? arg.slice(9)
          : /^-c[^-]/.test(arg)
            ? arg.slice(2).replace(/^=/, '')
            : undefined;
    const value = pair === undefined ? undefined : /^\s*sqlite_home\s*=\s*([\s\S]*)$/.exec(pair)?.[1]?.trim();
    if (value !== undefined) found = tomlString(value).trim() || undefined;
  }
  return found;
}

/**
 * Looks where Codex looks (codex-rs config `sqlite_home`: "Defaults to $CODEX_SQLITE_HOME
 * when set. Otherwise uses $CODEX_HOME"), after a `-c sqlite_home=…` among codex's `args`
 * (relative to the cwd). config.toml is parsed only when it exists and mentions
 * `sqlite_home`, so the usual launch costs one read and no TOML parser.
 */
export async function resolveSqliteHome(
  env: NodeJS.ProcessEnv = process.env,
  args: readonly string[] = [],
): Promise<SqliteHome> {
  const codexHome = codexHomeDir(env);
  const override = sqliteHomeOverride(args);
  if (override) return { dir: resolve(expandHome(override)), codexHome, source: 'cli' };
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
  return path === '~' ? userHome() : path.startsWith('~/') ? join(userHome(), path.slice(2)) : path;
}
