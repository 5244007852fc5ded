// Growth over time: points of each DB's size, WAL and newest row id, and what they say (rates, time to a limit). Pure.

/** One DB in a point: main file and WAL bytes, and the log table's newest row id (null when not read). */
export interface GrowthDb {
  size: number;
  wal: number;
  maxId: number | null;
}

/** One point: when, which SQLite home, and each DB there. */
export interface GrowthPoint {
  at: number;
  dir: string;
  dbs: Record<string, GrowthDb>;
}

/** At most one point an hour, kept 30 days. */
export const POINT_EVERY_MS = 3_600_000;
export const KEEP_MS = 30 * 86_400_000;

/** A DB's line in the file: `[size, wal, maxId]`, to keep 30 days of hourly points small (about 150 KB). */
type Stored = { at: number; dir: string; dbs: Record<string, [number, number, number | null]> };

export function formatPoint(point: GrowthPoint): string {
  const dbs = Object.fromEntries(
    Object.entries(point.dbs).map(([name, d]): [string, Stored['dbs'][string]] => [name, [d.size, d.wal, d.maxId]]),
  );
  return JSON.stringify({ at: point.at, dir: point.dir, dbs } satisfies Stored);
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/** The points of the file's text, oldest first; a line that does not read as one is skipped. */
export function parsePoints(text: string): GrowthPoint[] {
  const points: GrowthPoint[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const raw = JSON.parse(line) as Partial<Stored>;
      if (!isCount(raw.at) || typeof raw.dir !== 'string' || typeof raw.dbs !== 'object' || raw.dbs === null) continue;
      const dbs: Record<string, GrowthDb> = {};
      for (const [name, v] of Object.entries(raw.dbs)) {
        if (Array.isArray(v) && isCount(v[0]) && isCount(v[1]) && (v[2] === null || isCount(v[2])))
          dbs[name] = { size: v[0], wal: v[1], maxId: v[2] };
      }
      points.push({ at: raw.at, dir: raw.dir, dbs });
    } catch {
      // A torn or foreign line: the others still count.
    }
  }
  return points.sort((a, b) => a.at - b.at);
}

/** Whether a new point is due, from when the last one was written (the file's mtime; undefined: none yet). */
export function pointDue(lastWrittenAt: number | undefined, now: number): boolean {
  return lastWrittenAt === undefined || now - lastWrittenAt >= POINT_EVERY_MS || lastWrittenAt > now;
}

/** The points to keep: the last 30 days. */
export function keptPoints(points: readonly GrowthPoint[], now: number): GrowthPoint[] {
  return points.filter((p) => now - p.at <= KEEP_MS);
}

/** One DB over time, in one SQLite home: bytes (main + WAL) and newest row id. */
export interface Sample {
  at: number;
  bytes: number;
  wal: number;
  maxId: number | null;
}

export function seriesOf(points: readonly GrowthPoint[], dir: string, name: string): Sample[] {
  return points
    .filter((p) => p.dir === dir && p.dbs[name])
    .map((p) => ({
      at: p.at,
      bytes: p.dbs[name]!.size + p.dbs[name]!.wal,
      wal: p.dbs[name]!.wal,
      maxId: p.dbs[name]!.maxId,
    }));
}

/** How fast a DB grows: bytes and rows an hour over `span` ms, from the samples since it last shrank (a rotation). */
export interface Rate {
  bytesPerHour: number;
  rowsPerHour: number | null;
  spanMs: number;
}

/**
 * The rate over the last `windowMs` (a day), of the main file: a WAL comes and goes with each checkpoint, the main file
 * only grows, until a rotation. So it is measured from the first sample after the newest shrink of the main file
 * (counting across a rotation would read as shrinking). Undefined with less than an hour to go on.
 */
export function rateOf(series: readonly Sample[], now: number, windowMs = 86_400_000): Rate | undefined {
  const main = (s: Sample) => s.bytes - s.wal;
  let recent = series.filter((s) => now - s.at <= windowMs);
  const shrunk = recent.findLastIndex((s, i) => i > 0 && main(s) < main(recent[i - 1]!));
  if (shrunk > 0) recent = recent.slice(shrunk);
  const first = recent[0];
  const last = recent.at(-1);
  if (!first || !last || last.at - first.at < POINT_EVERY_MS) return undefined;
  const hours = (last.at - first.at) / POINT_EVERY_MS;
  const rows =
    first.maxId !== null && last.maxId !== null && last.maxId >= first.maxId
      ? (last.maxId - first.maxId) / hours
      : null;
  return { bytesPerHour: (main(last) - main(first)) / hours, rowsPerHour: rows, spanMs: last.at - first.at };
}

/** Hours until `bytes` reaches `limit` at this rate; 0 when already there, undefined when it is not growing. */
export function hoursToLimit(bytes: number, limit: number, bytesPerHour: number): number | undefined {
  if (bytes >= limit) return 0;
  return bytesPerHour > 0 ? (limit - bytes) / bytesPerHour : undefined;
}

/**
 * Values for a sparkline: the last `days` cut into `buckets` slices, each the newest bytes in it (NaN when it has no
 * sample: a hole in the line, not a zero).
 */
export function sparkValues(series: readonly Sample[], now: number, days = 7, buckets = 28): number[] {
  const width = (days * 86_400_000) / buckets;
  const start = now - days * 86_400_000;
  const values = Array.from({ length: buckets }, () => Number.NaN);
  for (const s of series) {
    const i = Math.floor((s.at - start) / width);
    if (i >= 0 && i < buckets) values[i] = s.bytes;
  }
  return values;
}

/** One DB's growth, as status and doctor show it. */
export interface DbGrowth {
  name: string;
  /** The last 7 days in 6-hour steps (null: no point there), the current size last. */
  spark: Array<number | null>;
  bytesPerHour: number | null;
  rowsPerHour: number | null;
  /** Over how long the rate was measured (ms). */
  spanMs: number | null;
  /** For a log DB: hours until it reaches logs.maxSize at that rate (0: over it now; null: not growing, or unknown). */
  hoursToLimit: number | null;
}

/**
 * Each DB's growth from the points of this SQLite home, with the DB's size now as the newest sample (the rows rate
 * needs row ids at both ends, so it uses the points alone). Pure.
 */
export function growthOf(
  points: readonly GrowthPoint[],
  now: { at: number; dir: string; dbs: ReadonlyArray<{ name: string; kind: string; bytes: number; wal: number }> },
  logLimit: number,
): DbGrowth[] {
  return now.dbs.map((db) => {
    const recorded = seriesOf(points, now.dir, db.name);
    const withNow = [
      ...recorded.filter((s) => s.at < now.at),
      { at: now.at, bytes: db.bytes, wal: db.wal, maxId: null },
    ];
    const bytes = rateOf(withNow, now.at);
    const rows = rateOf(recorded, now.at);
    const toLimit = db.kind === 'log' && bytes ? hoursToLimit(db.bytes, logLimit, bytes.bytesPerHour) : undefined;
    return {
      name: db.name,
      spark: sparkValues(withNow, now.at).map((v) => (Number.isNaN(v) ? null : v)),
      bytesPerHour: bytes?.bytesPerHour ?? null,
      rowsPerHour: rows?.rowsPerHour ?? null,
      spanMs: bytes?.spanMs ?? null,
      hoursToLimit: toLimit ?? null,
    };
  });
}

/** A DB that would reach its limit within this many hours at its current rate makes doctor warn. */
export const WARN_WITHIN_HOURS = 24;
