// Which scheduler a `schedule install` uses (pure): launchd on macOS, a systemd user timer on Linux, else cron.
import type { ScheduleKind } from './spec.ts';

/** What the machine offers, found out by the caller. */
export interface BackendFacts {
  platform: NodeJS.Platform;
  /** `--cron` was given. */
  cron: boolean;
  /** `systemctl --user` reaches a user manager (Linux only; false elsewhere). */
  systemdUser: boolean;
  /** Why not, when it does not (for the one line we print). */
  systemdWhy?: string;
  /** `crontab` is on PATH. */
  crontab: boolean;
}

/** The choice; `filesOnly` means systemd units written without a manager to load them (they start with the next login session). */
export interface BackendChoice {
  kind: ScheduleKind;
  filesOnly: boolean;
  /** A line to show when the choice is not the platform's first one. */
  note?: string;
  /** Set when nothing can be installed. */
  error?: string;
}

/**
 * macOS → launchd; Linux → systemd when a user manager answers, else cron when crontab exists
 * (containers, ssh sessions without lingering), else the units alone; elsewhere → cron. `--cron` forces cron.
 */
export function chooseBackend(f: BackendFacts): BackendChoice {
  const noCrontab =
    'crontab is not on PATH (install cron, or on Linux run it in a session with a systemd user manager)';
  if (f.cron)
    return f.crontab ? { kind: 'cron', filesOnly: false } : { kind: 'cron', filesOnly: false, error: noCrontab };
  if (f.platform === 'darwin') return { kind: 'launchd', filesOnly: false };
  if (f.platform === 'linux') {
    if (f.systemdUser) return { kind: 'systemd', filesOnly: false };
    const why = f.systemdWhy ? ` (${f.systemdWhy})` : '';
    if (f.crontab)
      return { kind: 'cron', filesOnly: false, note: `no systemd user manager${why}: using crontab instead` };
    return {
      kind: 'systemd',
      filesOnly: true,
      note: `no systemd user manager${why} and no crontab: wrote the units, which start with your next login session that has a user manager`,
    };
  }
  return f.crontab ? { kind: 'cron', filesOnly: false } : { kind: 'cron', filesOnly: false, error: noCrontab };
}
