// The limits the pre-flight checks against, as plain numbers (the config module turns "100MB" / "14d" into these).
import { KEYS } from '../config/keys.ts';

/** What is allowed before codexguard acts: sizes in bytes, rows, days, archive count. */
export interface Limits {
  /** A log DB whose main file plus -wal is over this many bytes gets rotated. */
  logMaxBytes: number;
  /** A DB whose -wal is over this many bytes gets `wal_checkpoint(TRUNCATE)`. */
  walMaxBytes: number;
  /** A rotation keeps at most this many of the newest log rows... */
  keepRows: number;
  /** ...and none older than this many days. */
  keepDays: number;
  /** How many archives of each log DB to keep; older ones are deleted. */
  archives: number;
}

/** The defaults, from the config keys' own (config/keys.ts: 100MB, 32MB WAL, 20000 rows, 14 days, 3 archives). */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  logMaxBytes: KEYS['logs.maxSize'].default,
  walMaxBytes: KEYS['wal.maxSize'].default,
  keepRows: KEYS['logs.keepRows'].default,
  keepDays: KEYS['logs.keepDays'].default,
  archives: KEYS['logs.archives'].default,
});
