// Which log rows a rotation keeps: the newest `keepRows` (by ts, ts_nanos, id) that are at most `keepDays` old.

/** What to keep, with `now` in seconds (Codex's `ts` is Unix seconds, `ts_nanos` the fraction). */
export interface KeepPolicy {
  keepRows: number;
  keepDays: number;
  /** Unix seconds; defaults to the current time. */
  now?: number;
}

/** The oldest `ts` a kept row may have. */
export function cutoffSeconds(policy: KeepPolicy): number {
  const now = policy.now ?? Math.floor(Date.now() / 1000);
  return now - Math.round(policy.keepDays * 86_400);
}

/** SELECT of the kept ids in schema `schema`; binds (cutoff, keepRows). Uses Codex's idx_logs_ts (ts DESC, ts_nanos DESC, id DESC). */
export function keptIdsSql(schema = 'main'): string {
  return `SELECT id FROM ${schema}.logs WHERE ts >= ? ORDER BY ts DESC, ts_nanos DESC, id DESC LIMIT ?`;
}

/** The (cutoff, keepRows) parameters for keptIdsSql. */
export function keptParams(policy: KeepPolicy): [number, number] {
  return [cutoffSeconds(policy), Math.max(0, Math.floor(policy.keepRows))];
}
