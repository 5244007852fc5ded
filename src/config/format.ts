// Config values for people: bytes as "100MB" / "50MiB", ms as "10m", lists and unset paths.
import bytes from 'bytes-iec';
import { spec, type Key } from './keys.ts';

/** Bytes in the unit that states them exactly: "100MB", "50MiB", else "1234567B". */
export function formatSize(n: number): string {
  for (const mode of ['metric', 'binary'] as const) {
    const text = bytes.format(n, { mode, decimalPlaces: 0, unitSeparator: '' });
    if (text !== null && bytes.parse(text) === n) return text;
  }
  return `${n}B`;
}

const UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** Milliseconds in the largest unit that divides them: "14d", "10m", "90s", "1500ms". */
export function formatDuration(n: number): string {
  for (const [unit, size] of UNITS) if (n !== 0 && n % size === 0) return `${n / size}${unit}`;
  return `${n}ms`;
}

/** A key's value as `codexguard config` shows it; unset paths show what applies instead. */
export function formatValue(key: Key, value: unknown): string {
  const { type, unset } = spec(key);
  if (value === null) return `(${unset ?? 'not set'})`;
  if (type === 'size') return formatSize(value as number);
  if (type === 'duration') return formatDuration(value as number);
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  return String(value);
}
