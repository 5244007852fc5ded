// Figures for people, each in one form everywhere (status, doctor, rotation and crash lines, crash reports): sizes and durations.
// Hand-written rather than bytes-iec's format: decide() builds its reasons with it on the launch path, which loads no library it
// can do without (bytes-iec still parses every size in a config file).

const UNITS: readonly [string, number][] = [
  ['TB', 1e12],
  ['GB', 1e9],
  ['MB', 1e6],
  ['kB', 1e3],
];

/** Bytes in steps of 10^3, as the limits are written, with one decimal: "512 B", "49.5 kB", "6.2 MB", "1.1 GB". */
export function humanSize(n: number): string {
  const abs = Math.abs(n);
  for (const [unit, size] of UNITS) if (abs >= size * 0.9995) return `${(n / size).toFixed(1)} ${unit}`;
  return `${Math.round(n)} B`;
}

/** A duration as "850ms", "8s", "41m 5s", "2h 3m": whole units, rounded down, so the crash line and `crashes show` agree. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.floor(ms / 1000);
  const parts = [
    [Math.floor(s / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ] as const;
  return parts
    .filter(([n], i) => n > 0 || (i === 2 && s < 60))
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}

/** A span of time for people (how long ago, or how long until): "42 s", "7 min", "3 h", "2 d". */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120
    ? `${s} s`
    : s < 7200
      ? `${Math.round(s / 60)} min`
      : s < 172_800
        ? `${Math.round(s / 3600)} h`
        : `${Math.round(s / 86_400)} d`;
}

/** A size change for people: "+12.3 MB", "-1.0 MB". */
export function signedSize(n: number): string {
  return `${n >= 0 ? '+' : '-'}${humanSize(Math.abs(n))}`;
}
