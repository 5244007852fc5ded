// The crash and restart settings (config `crash.signals`, `restart.*`) as plain values, with their defaults.
import { KEYS } from '../config/keys.ts';

/** What the shim does after a crash: which ends are crashes, whether and how codex comes back. */
export interface CrashPolicy {
  /** Signals that count as a crash (`crash.signals`). */
  signals: readonly string[];
  /** Crash bundles: their folder (`crash.dir`; null: CODEX_HOME/codexguard/crashes), how many are kept, log rows copied. */
  dir: string | null;
  keep: number;
  logRows: number;
  /** `restart.mode`: never restart, ask on the terminal, or restart without asking. */
  mode: 'never' | 'ask' | 'always';
  /** `restart.resume`: an interactive session comes back as `codex resume` (on the crashed conversation, see crashed-thread.ts). */
  resume: boolean;
  /** `restart.maxRestarts`: at most this many restarts within `windowMs`. */
  maxRestarts: number;
  /** `restart.window` in ms. */
  windowMs: number;
  /** How long the `[r]esume [q]uit` question waits for a key before quitting. */
  askTimeoutMs: number;
  /** A run that lived less than this is unstable: the wait before the next restart doubles. */
  unstableMs: number;
  /** The wait before an automatic restart, doubled for each unstable run in a row, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

/** The defaults: the config keys' own (config/keys.ts: the five crash signals, 20 bundles of 500 log rows, ask, resume, 3 restarts per 10 minutes), and the timings no key sets. */
export const DEFAULT_CRASH_POLICY: Readonly<CrashPolicy> = Object.freeze({
  // As crash/detect.ts's (that module loads only once codex has ended).
  signals: KEYS['crash.signals'].default,
  dir: KEYS['crash.dir'].default,
  keep: KEYS['crash.keep'].default,
  logRows: KEYS['crash.logRows'].default,
  mode: KEYS['restart.mode'].default,
  resume: KEYS['restart.resume'].default,
  maxRestarts: KEYS['restart.maxRestarts'].default,
  windowMs: KEYS['restart.window'].default,
  askTimeoutMs: 30_000,
  unstableMs: 10_000,
  backoffMs: 500,
  maxBackoffMs: 8_000,
});

/** The effective policy: the given values over the defaults (undefined values are ignored). */
export function crashPolicy(given: Partial<CrashPolicy> | undefined): CrashPolicy {
  const policy: CrashPolicy = { ...DEFAULT_CRASH_POLICY };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value !== undefined) (policy as unknown as Record<string, unknown>)[key] = value;
  }
  return policy;
}
