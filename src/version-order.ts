// Release numbers compared (`major.minor.patch`, a pre-release suffix ignored): Codex's launcher generations, the crash
// signatures' affected ranges. Pure.

/** `[major, minor, patch]` of a version, or undefined. */
export function versionParts(v: string | null | undefined): [number, number, number] | undefined {
  const m = v ? /^(\d+)\.(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Negative, 0 or positive as `a` is before, equal to or after `b` (release numbers only); undefined when either is not one. */
export function compareVersions(a: string | null | undefined, b: string | null | undefined): number | undefined {
  const [x, y] = [versionParts(a), versionParts(b)];
  if (!x || !y) return undefined;
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}
