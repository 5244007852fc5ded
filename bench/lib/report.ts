// The bench contract (a bench/*.bench.ts file exports `bench()`), and the statistics and tables they print.

/** What every bench returns: ok is false when a budget failed (npm run bench then exits 1). */
export interface BenchResult {
  ok: boolean;
}

/** A bench/*.bench.ts module: bench/index.ts imports each one in name order and awaits `bench()`. */
export interface BenchModule {
  bench(): Promise<BenchResult>;
}

/** The q-quantile (0..1) of the samples, by linear interpolation between the nearest ranks. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** The median of the samples. */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** Milliseconds with one decimal: `42.3 ms`. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** A ratio as `0.93x`. */
export function ratio(value: number, base: number): string {
  return `${(value / base).toFixed(2)}x`;
}

/** Bytes in binary units: `41.2 MiB`, `7.3 KiB`, `512 B`. */
export function bytes(value: number): string {
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}

/** One table row: column name to printed value. */
export type Row = Record<string, string | number>;

/** Prints rows as an aligned table (text left, numbers and units right) under an optional title. */
export function printTable(rows: readonly Row[], title?: string): void {
  if (title) console.log(`\n${title}`);
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (row: Row, c: string) => String(row[c] ?? '');
  const width = columns.map((c) => Math.max(c.length, ...rows.map((row) => cell(row, c).length)));
  const numeric = columns.map((c) => rows.every((row) => /^[-\d.]/.test(cell(row, c)) || cell(row, c) === ''));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(width[i]!) : v.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  console.log(`  ${line(columns)}`);
  console.log(`  ${line(width.map((w) => '-'.repeat(w)))}`);
  for (const row of rows) console.log(`  ${line(columns.map((c) => cell(row, c)))}`);
}

/** A budget check: prints `PASS`/`FAIL  <what>: <actual> (budget <limit>)` and returns whether it held. */
export function budget(what: string, actual: number, limit: number, format: (value: number) => string): boolean {
  const ok = actual <= limit;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}: ${format(actual)} (budget ${format(limit)})`);
  return ok;
}
