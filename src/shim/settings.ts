// Maps the effective config onto what the launch path uses: pre-flight limits, lock wait, crash policy, codexPath.
import type { Config } from '../config/keys.ts';
import type { CrashPolicy } from '../crash/policy.ts';
import type { Limits } from '../inventory/limits.ts';

/** The launch path's settings, as plain values. */
export interface LaunchSettings {
  limits: Limits;
  lockTimeoutMs: number;
  /** Gzip archives after a rotation (off the launch path). */
  compress: boolean;
  /** `logs.dropLevels`: levels a trigger drops on insert. */
  dropLevels: string[];
  crashPolicy: Partial<CrashPolicy>;
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
  };
}
