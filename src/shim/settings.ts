// Maps the effective config onto what the launch path uses: pre-flight limits, lock wait, crash policy, codexPath.
import type { ConfigIssue } from '../config/issues.ts';
import type { Config } from '../config/keys.ts';
import { DEFAULT_CRASH_POLICY, type CrashPolicy } from '../crash/policy.ts';
import type { DaemonRestart } from '../codex/idle.ts';
import type { DropConfig } from '../droplevels/state.ts';
import type { Limits } from '../inventory/limits.ts';

/** The launch path's settings, as plain values. */
export interface LaunchSettings {
  limits: Limits;
  lockTimeoutMs: number;
  /** Gzip archives after a rotation (off the launch path). */
  compress: boolean;
  /** `logs.dropLevels` and `logs.filter`: what a trigger drops on insert; undefined (a config error on either) leaves the trigger as it is. */
  drop: DropConfig | undefined;
  /** The whole policy: the config's values, and the timings no key sets. */
  crashPolicy: CrashPolicy;
  /** `daemon.restart`: may an idle Codex daemon be stopped to rotate? */
  daemonRestart: DaemonRestart;
  /** `wal.watchEvery`: how often the shim stats the DB files while codex runs. */
  watchEveryMs: number;
  /** The user-level `codexPath`, if set (a project file can never set it). */
  codexPath: string | null;
}

/** The keys whose errors leave the drop trigger alone: a typo must not remove the filter a user relies on. */
const DROP_KEYS = new Set(['logs.dropLevels', 'logs.filter']);

/** What `config` asks of the launch path; `issues` are the config files' problems (their keys fell back to defaults). Pure. */
export function settingsFrom(config: Config, issues: readonly ConfigIssue[] = []): LaunchSettings {
  const dropBroken = issues.some((i) => i.severity === 'error' && i.key !== undefined && DROP_KEYS.has(i.key));
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
    drop: dropBroken ? undefined : { levels: config['logs.dropLevels'], filter: config['logs.filter'] },
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
