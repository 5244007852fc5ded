// The zod/mini schema of each key type in the table, and the expected form an error line names.
import bytes from 'bytes-iec';
import ms from 'ms';
import { constants } from 'node:os';
import { isAbsolute, join, normalize } from 'node:path';
import * as z from 'zod/mini';
import { parseFilter } from '../droplevels/filter.ts';
import { formatDuration } from './format.ts';
import type { KeySpec } from './keys.ts';

/** Ends that are never crashes, so `crash.signals` may not list them. */
const NOT_CRASHES = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE']);

type Check<T> = (value: T) => unknown;

/** A schema that maps its input through `check`, failing where `check` returns undefined. */
function mapped<T>(base: z.ZodMiniType<T>, check: Check<T>) {
  return z.pipe(
    base,
    z.transform((value: T, ctx) => {
      const out = check(value);
      if (out !== undefined) return out;
      ctx.issues.push({ code: 'custom', message: 'invalid', input: value });
      return z.NEVER;
    }),
  );
}

const atLeast = (min: number | undefined) => (n: number | null | undefined) =>
  n !== null && n !== undefined && Number.isFinite(n) && n >= (min ?? 0) ? n : undefined;

function sizeOf(value: number | string): number | undefined {
  const n = typeof value === 'number' ? value : bytes.parse(value.trim());
  return n === null ? undefined : Math.floor(n);
}

/** A duration needs a unit: "10s", "10m", "14d". A bare number is refused, as it reads as seconds to some and ms to others. */
function durationOf(value: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?\s*[a-z]+\s*$/i.test(value)) return undefined;
  const n = ms(value.trim() as ms.StringValue);
  return n === undefined ? undefined : Math.round(n);
}

function signalOf(value: string): string | undefined {
  const upper = value.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return name in constants.signals && !NOT_CRASHES.has(name) ? name : undefined;
}

/** A list of strings, each mapped through `item`, de-duplicated; any unknown item fails the whole list. */
function listOf(item: (s: string) => string | undefined) {
  return mapped(z.array(z.string()), (list) => {
    const out = list.map(item);
    return out.every((s) => s !== undefined) ? [...new Set(out)] : undefined;
  });
}

/** The schema of a key; its output is the stored value (bytes, ms, normalised names, absolute paths). */
export function schemaFor(s: KeySpec, home: string): z.ZodMiniType<unknown, unknown> {
  const min = atLeast(s.min);
  const values = s.values ?? [];
  switch (s.type) {
    case 'size':
      return mapped(z.union([z.number(), z.string()]), (v) => min(sizeOf(v)));
    case 'duration':
      return mapped(z.string(), (v) => min(durationOf(v)));
    case 'int':
      return mapped(z.number(), (v) => (Number.isInteger(v) ? min(v) : undefined));
    case 'bool':
      return z.boolean();
    case 'enum':
      return mapped(z.string(), (v) => values.find((x) => x === v.trim().toLowerCase()));
    case 'signals':
      return listOf(signalOf);
    case 'levels':
      return listOf((v) => values.find((x) => x === v.trim().toUpperCase()));
    case 'filter':
      return mapped(z.string(), (v) => {
        const parsed = parseFilter(v);
        return parsed.ok ? parsed.text : undefined;
      });
    case 'path':
      return mapped(z.string(), (v) => {
        const path = v === '~' || v.startsWith('~/') ? join(home, v.slice(1)) : v;
        return path.trim() !== '' && isAbsolute(path) ? normalize(path) : undefined;
      });
  }
}

/** The expected form named in an error line, e.g. `a size like "100MB" or "50 MiB"`. */
export function expectedForm(s: KeySpec): string {
  const list = (s.values ?? []).map((v) => `"${v}"`).join(', ');
  switch (s.type) {
    case 'size':
      return 'a size like "100MB" or "50 MiB"';
    case 'duration':
      return `a duration with a unit like "10s", "10m" or "14d"${s.min ? ` (at least ${formatDuration(s.min)})` : ''}`;
    case 'int':
      return `a whole number >= ${s.min ?? 0}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${list}`;
    case 'signals':
      return 'a list of signal names like ["SIGTRAP", "SIGABRT"] (not SIGINT, SIGTERM, SIGHUP or SIGPIPE)';
    case 'levels':
      return `a list of levels from ${list}`;
    case 'filter':
      return 'a filter like "info,codex_core=debug,codex_otel=off" (a default level, then target=level; levels off, error, warn, info, debug, trace; no [span] or {field})';
    case 'path':
      return 'an absolute path (or one starting with ~/)';
  }
}

/** A short, safe rendering of what the file said (never expands nested structures). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) {
    const flat = value.length <= 8 && value.every((v) => v === null || typeof v !== 'object');
    return flat ? JSON.stringify(value) : `a list of ${value.length} items`;
  }
  if (value !== null && typeof value === 'object') return 'a mapping';
  return String(value);
}
