// What a pre-flight is asked to do, shared by its quick check (check.ts) and its work under the lock (under-lock.ts).
import type { CodexCommand } from '../codex/daemon-control.ts';
import type { DaemonRestart } from '../codex/idle.ts';
import type { DropConfig } from '../droplevels/state.ts';
import type { Limits } from '../inventory/limits.ts';

/** What the pre-flight needs: the environment, the limits, how long to wait for another shim, and where its lines go. */
export interface PreflightOptions {
  env: NodeJS.ProcessEnv;
  limits: Limits;
  lockTimeoutMs: number;
  say: (line: string) => void;
  /** Codex's arguments on a launch: a `-c sqlite_home=…` among them moves the DBs, and is the one key read. */
  args?: readonly string[];
  /** Rotate every log DB whatever its size (`codexguard rotate --force`). */
  force?: boolean;
  /** Show progress on stderr for a rotation that takes over about a second (TTY only). */
  progress?: boolean;
  /** After a rotation on the launch path, gzip the archive in a detached `codexguard maintain` (config `logs.compress`). */
  compress?: boolean;
  /** On the launch path: compression goes to the background, and Codex's own maintenance is not reported. */
  launch?: boolean;
  /**
   * Config `logs.dropLevels` and `logs.filter`: what a trigger in each log DB ignores on insert (neither set removes it).
   * Undefined leaves the trigger as it is (not asked, or a config error on either key).
   */
  drop?: DropConfig | undefined;
  /** Config `daemon.restart` (default idle). */
  daemonRestart?: DaemonRestart;
  /** The real codex, to stop (and off the launch path start again) Codex's daemon with. */
  codex?: CodexCommand | undefined;
  /** `rotate --stop-daemon`, confirmed: stop the daemon even while it is in use. */
  stopBusyDaemon?: boolean;
}
