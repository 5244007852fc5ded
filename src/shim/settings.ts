// Maps the effective config onto what the launch path uses: pre-flight limits, lock wait, crash policy, codexPath.
import type { Config } from '../config/keys.ts';
import { DEFAULT_CRASH_POLICY, type CrashPolicy } from '../crash/policy.ts';
import type { DaemonRestart } from '../codex/idle.ts';
import type { Limits } from '../inventory/limits.ts';

/** The launch path's settings, as plain values. */
export interface LaunchSettings {
  limits: Limits;
  lockTimeoutMs: number;
  /** Gzip archives after a rotation (off the launch path). */
  compress: boolean;
  /** `logs.dropLevels`: levels a trigger drops on insert. */
  dropLevels: string[];
  /** The whole policy: the config's values, and the timings no key sets. */
  crashPolicy: CrashPolicy;
  /** `daemon.restart`: may an idle Codex daemon be stopped to rotate? */
  daemonRestart: DaemonRestart;
  /** `wal.watchEvery`: how often the shim stats the DB files while codex runs. */
  watchEveryMs: number;
  /** The user-level `codexPath`, if set (a project file can never set it). */
  codexPath: string | null;
}

/** What `config` asks of the launch path. Pure. */
export function settingsFrom(config: Config): LaunchSettings {
  return {
    limits: {
      logMaxBytes: config['logs.maxSize'],
      walMaxBytes: config['wal.maxSize'],
      keepRows: config['logs.keepRows'],
      keepDays: config['logs.keepDays'],
      archives: config['logs.archives'],
    },
    lockTimeoutMs: config['lock.timeout'],
    compress: config['logs.compress'],
    dropLevels: config['logs.dropLevels'],
    crashPolicy: {
      ...DEFAULT_CRASH_POLICY,
      signals: config['crash.signals'],
      dir: config['crash.dir'],
      keep: config['crash.keep'],
      logRows: config['crash.logRows'],
      mode: config['restart.mode'],
      resume: config['restart.resume'],
      maxRestarts: config['restart.maxRestarts'],
      windowMs: config['restart.window'],
    },
    codexPath: config.codexPath,
    daemonRestart: config['daemon.restart'],
    watchEveryMs: config['wal.watchEvery'],
  };
}
