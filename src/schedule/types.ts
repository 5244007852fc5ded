// The shapes the scheduler back-ends share: what is installed, and what an install or remove step did.
import type { ScheduleKind } from './spec.ts';

/** One installed job as its scheduler has it. */
export interface InstalledJob {
  kind: ScheduleKind;
  /** Files that make it up (plist, units; none for cron). */
  files: string[];
  program: string[] | null;
  everyMs: number | null;
  /** Loaded/active in its scheduler; null when that cannot be asked (no launchctl, no user manager). */
  loaded: boolean | null;
  /** Last run as ISO (from the scheduler when it says, else null: status falls back to the log's mtime). */
  lastRun: string | null;
  lastExitCode: number | null;
  /** Why `loaded` is null or false, one line. */
  note?: string;
}

/** What one install or remove step did. */
export interface StepOutcome {
  ok: boolean;
  changed: boolean;
  /** Lines for a person. */
  lines: string[];
}

/** What the back-ends need from the machine: the environment (PATH finds the tools; HOME and XDG dirs place the files) and the uid. */
export interface ScheduleContext {
  env: NodeJS.ProcessEnv;
  uid: number;
}
