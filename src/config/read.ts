// Reads one config file as data (JSON, or YAML with core types only); never runs anything from it.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { ConfigIssue } from './issues.ts';

/** A config file larger than this is refused unread. */
export const MAX_CONFIG_BYTES = 64 * 1024;
/** Extensions of code: such a file is refused, never loaded. */
const CODE = new Set(['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts']);

/** The file's data, or the one issue that made it unusable (its defaults then apply). */
export type Read = { ok: true; raw: unknown } | { ok: false; issue: ConfigIssue };

function text(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size > MAX_CONFIG_BYTES ? undefined : readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

async function parseYaml(content: string): Promise<unknown> {
  // JSON in an extension-less .codexguardrc is common: skip loading the YAML parser for it.
  if (content.trimStart().startsWith('{')) {
    try {
      return JSON.parse(content);
    } catch {
      // Not JSON after all: let YAML say what is wrong.
    }
  }
  const yaml = await import('js-yaml');
  try {
    return yaml.load(content, { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    const e = error as InstanceType<typeof yaml.YAMLException>;
    const at = e.mark ? ` (line ${e.mark.line + 1}, column ${e.mark.column + 1})` : '';
    throw new Error(`not valid YAML: ${e.reason ?? e.message}${at}`);
  }
}

/** `.json` is JSON; `.js`/`.ts` and friends are refused; anything else (`.codexguardrc`, `.yaml`, `.yml`) is YAML. */
export async function readConfigFile(path: string): Promise<Read> {
  const fail = (message: string): Read => ({ ok: false, issue: { severity: 'error', file: path, message: `${message}; using the defaults` } });
  const ext = extname(path).toLowerCase();
  if (CODE.has(ext)) return fail('JS/TS config files are never loaded: use JSON or YAML');
  let content: string | undefined;
  try {
    content = text(path);
  } catch (error) {
    return fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (content === undefined) return fail(`is larger than ${MAX_CONFIG_BYTES / 1024} KiB`);
  if (content.trim() === '') return { ok: true, raw: undefined };
  if (ext !== '.json') {
    try {
      return { ok: true, raw: await parseYaml(content) };
    } catch (error) {
      return fail((error as Error).message);
    }
  }
  try {
    return { ok: true, raw: JSON.parse(content) };
  } catch (error) {
    return fail(`not valid JSON: ${(error as Error).message}`);
  }
}
