// Bundle ids (`20261124T081530Z-SIGTRAP-4242`) and which bundles retention keeps. Pure.

const ID = /^(\d{8}T\d{6}Z)-(SIG[A-Z0-9]+)-(\d+|unknown)(?:-(\d+))?$/;

/** The id of a bundle for a crash at `endedAt` (UTC), of `signal`, of process `pid`. */
export function bundleId(endedAt: number, signal: string, pid: number | undefined): string {
  const stamp = new Date(endedAt)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${signal}-${pid ?? 'unknown'}`;
}

/** The parts of a bundle id, or undefined when a name is not one. */
export function parseBundleId(name: string): { at: number; signal: string; pid?: number } | undefined {
  const m = ID.exec(name);
  if (!m) return undefined;
  const s = m[1]!;
  const at = Date.UTC(
    +s.slice(0, 4),
    +s.slice(4, 6) - 1,
    +s.slice(6, 8),
    +s.slice(9, 11),
    +s.slice(11, 13),
    +s.slice(13, 15),
  );
  return { at, signal: m[2]!, ...(m[3] === 'unknown' ? {} : { pid: Number(m[3]) }) };
}

/** Newest first: by the time in the id, then by name (a `-2` suffix after its twin). */
export function newestFirst(names: readonly string[]): string[] {
  return names
    .filter((n) => parseBundleId(n) !== undefined)
    .sort((a, b) => parseBundleId(b)!.at - parseBundleId(a)!.at || (a < b ? 1 : a > b ? -1 : 0));
}

/** The bundle names retention deletes: all but the `keep` newest (never the one just written). */
export function toPrune(names: readonly string[], keep: number, justWritten?: string): string[] {
  const sorted = newestFirst(names).filter((n) => n !== justWritten);
  return sorted.slice(Math.max(0, keep - (justWritten ? 1 : 0)));
}
