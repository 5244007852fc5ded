// Reads one config file as data (JSON or YAML, with cosmiconfig's loaders); never runs anything from it.
import { extname } from 'node:path';
import type { Stats } from 'node:fs';
import { ownedByUser, readRegularFile } from '../safe-read.ts';
import type { ConfigIssue } from './issues.ts';

/** A config file larger than this is refused unread. */
export const MAX_CONFIG_BYTES = 64 * 1024;
/** Extensions of code: such a file is refused, never loaded. */
const CODE = new Set(['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts']);

/** The file's data, or the one issue that made it unusable (its defaults then apply). */
export type Read = { ok: true; raw: unknown } | { ok: false; issue: ConfigIssue };

/** Who may own a project-level file: this user or root (as git's safe.directory trusts a repository). */
function trustedOwner(stats: Stats): boolean {
  return ownedByUser(stats) || stats.uid === 0;
}

/**
 * Parses with cosmiconfig's own loaders (parse-json, js-yaml). We use its loaders, not its explorer:
 * cosmiconfig() always searches the cwd for a "meta config" (.config/config.js, package.json) with its
 * default, JS-running loaders, so a cloned repository could run code. Discovery is ours (discover.ts),
 * stat() only. JSON that parses goes through JSON.parse alone: the loaders, and parse-json's code frames
 * behind them, load only for YAML or to explain a syntax error (they cost a launch ~15 ms).
 */
async function parse(path: string, content: string, json: boolean): Promise<unknown> {
  if (json || content.trimStart().startsWith('{')) {
    try {
      return JSON.parse(content);
    } catch {
      // cosmiconfig's loader says where it is wrong (or it is YAML after all).
    }
  }
  // A CommonJS module: depending on how it was bundled, its exports sit on the namespace or one or two `default`s down.
  type Loaders = typeof import('cosmiconfig/dist/loaders.js');
  let mod: Partial<Loaders> & { default?: unknown } = await import('cosmiconfig/dist/loaders.js');
  while (!mod.loadYaml && mod.default) mod = mod.default as typeof mod;
  const loaders = mod as Loaders;
  try {
    return json ? loaders.loadJson(path, content) : loaders.loadYaml(path, content);
  } catch (error) {
    // The loaders' messages span lines (a code frame): keep the first line that says what is wrong.
    const lines = (error as Error).message
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('YAML Error in') && !l.startsWith('JSON Error in'));
    throw new Error(`not valid ${json ? 'JSON' : 'YAML'}: ${lines[0] ?? 'parse error'}`);
  }
}

/**
 * `.json` is JSON; `.js`/`.ts` and friends are refused; anything else (`.codexguardrc`, `.yaml`, `.yml`) is YAML.
 * Only a regular file is read, at most MAX_CONFIG_BYTES. A project-level file must not be a symlink (a cloned
 * repository never points it elsewhere) and must belong to this user or root (a shared 1777 parent is not yours).
 */
export async function readConfigFile(path: string, level: 'user' | 'project' = 'user'): Promise<Read> {
  const fail = (message: string): Read => ({
    ok: false,
    issue: { severity: 'error', file: path, message: `${message}; using the defaults` },
  });
  const ignored = (message: string): Read => ({
    ok: false,
    issue: { severity: 'warning', file: path, message: `ignored: ${message}` },
  });
  const ext = extname(path).toLowerCase();
  if (CODE.has(ext)) return fail('JS/TS config files are never loaded: use JSON or YAML');
  const read = readRegularFile(path, MAX_CONFIG_BYTES, { noFollow: level === 'project' });
  if (!read.ok) {
    if (read.reason === 'symlink') return ignored('a project-level config file may not be a symlink');
    if (read.reason === 'not-regular') return fail('is not a regular file');
    if (read.reason === 'too-large') return fail(`is larger than ${MAX_CONFIG_BYTES / 1024} KiB`);
    return fail(`cannot be read (${read.code ?? read.reason})`);
  }
  if (level === 'project' && !trustedOwner(read.stats))
    return ignored(`it belongs to uid ${read.stats.uid}, not to you (nor to root)`);
  const content = read.text;
  if (content.trim() === '') return { ok: true, raw: undefined };
  try {
    return { ok: true, raw: await parse(path, content, ext === '.json') };
  } catch (error) {
    return fail((error as Error).message);
  }
}
