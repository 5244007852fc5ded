// Checks what one config file says against the key table, key by key. Pure: no I/O.
import type { ConfigIssue } from './issues.ts';
import { KEY_NAMES, KEYS, spec, type Config, type Key } from './keys.ts';
import { describe, expectedForm, schemaFor } from './types.ts';

/** The usable values of one file (keys with errors are left out, so their defaults apply) and its issues. */
export interface Validated {
  values: Partial<Config>;
  issues: ConfigIssue[];
}

const isKey = (name: string): name is Key => Object.hasOwn(KEYS, name);
const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
/** Section names: the part before the dot of dotted keys ("logs", "crash"…). */
const SECTIONS = new Set(KEY_NAMES.filter((k) => k.includes('.')).map((k) => k.slice(0, k.indexOf('.'))));

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

function unknownKey(name: string): string {
  const near =
    KEY_NAMES.find((k) => k.toLowerCase() === name.toLowerCase()) ?? KEY_NAMES.find((k) => distance(k, name) <= 2);
  return near ? `unknown key (did you mean ${near}?)` : 'unknown key';
}

/**
 * Validates the parsed content of `file`: an unknown key, a wrong type or a bad size or duration is one
 * error naming the dotted key and the expected form. `home` expands `~/` in paths.
 */
export function validate(raw: unknown, file: string, home: string): Validated {
  const values: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  const error = (key: string | undefined, message: string) => issues.push({ severity: 'error', file, key, message });
  const leaf = (key: Key, value: unknown) => {
    const parsed = schemaFor(spec(key), home).safeParse(value);
    if (parsed.success) values[key] = parsed.data;
    else error(key, `expected ${expectedForm(spec(key))}, got ${describe(value)}`);
  };
  if (raw === undefined || raw === null) return { values, issues };
  if (!isMapping(raw)) {
    error(undefined, `expected a mapping of settings like {"logs": {"maxSize": "100MB"}}, got ${describe(raw)}`);
    return { values, issues };
  }
  for (const [name, value] of Object.entries(raw)) {
    if (name === '$schema') continue;
    if (isKey(name)) leaf(name, value);
    else if (!SECTIONS.has(name)) error(name, unknownKey(name));
    else if (isMapping(value)) {
      for (const [sub, inner] of Object.entries(value)) {
        const key = `${name}.${sub}`;
        if (isKey(key)) leaf(key, inner);
        else error(key, unknownKey(key));
      }
    } else if (value !== null) error(name, `expected a mapping of ${name}.* keys, got ${describe(value)}`);
  }
  return { values: values as Partial<Config>, issues };
}
