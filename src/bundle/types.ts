// The plain data a crash bundle is made from and what writing one returns.

/** DB sizes at one moment (the pre-flight's scan at launch fits as is). */
export interface DbSnapshot {
  /** Epoch ms when the sizes were taken. */
  at: number;
  dbs: Array<{ name: string; size: number; walSize: number; exists?: boolean }>;
}

/** Everything known about a crash when the shim sees it; only signal, argv, cwd, env and endedAt are required. */
export interface CrashInput {
  signal: string;
  /** The child's exit code when a wrapper exited with 128+n; null when the child itself died of the signal. */
  exitCode: number | null;
  pid?: number;
  /** The file that was executed. */
  codexPath?: string;
  /** When known; otherwise computed within the budget. */
  codexVersion?: string;
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Epoch ms. */
  shimStartedAt?: number;
  childStartedAt?: number;
  endedAt: number;
  /** Default: env.CODEX_HOME, else ~/.codex. */
  codexHome?: string;
  /** Where Codex's DBs are; default codexHome. */
  sqliteHome?: string;
  /** DB sizes at launch (after the pre-flight), so growth can be shown. */
  preflight?: DbSnapshot;
  /** Restarts of this session before this crash. */
  restarts?: number;
  /** Bytes the crashed codex wrote to storage during its run (Linux, from /proc). */
  codexWroteBytes?: number;
  /** The in-session checks' DB sizes, oldest first (the shim keeps the last few). */
  looks?: readonly DbSnapshot[];
}

/** Where and how much to capture. Everything has a default. */
export interface BundleOptions {
  /** Crash dir (config `crash.dir`); default `<codexHome>/codexguard/crashes`. */
  dir?: string | null;
  /** Bundles kept (config `crash.keep`, 20). */
  keep?: number;
  /** Log rows copied (config `crash.logRows`, 500). */
  logRows?: number;
  /** The whole capture's budget in ms (2000). */
  deadlineMs?: number;
  /** macOS DiagnosticReports folders to search (default the user's and the system's; [] off). */
  reportDirs?: readonly string[];
  /** The platform whose OS reports to look for (default process.platform). */
  platform?: NodeJS.Platform;
  /** Command that finishes a pending bundle in the background: argv, bundle path appended; false: never spawn one. */
  finisher?: readonly string[] | false;
}

/** What writeBundle did: the bundle's path and id (absent when none could be written), warnings, and whether OS reports are still awaited. */
export interface BundleResult {
  path?: string;
  id?: string;
  warnings: string[];
  pending: boolean;
  elapsedMs: number;
}

/** The bundle's file names. */
export const FILES = {
  manifest: 'manifest.json',
  databases: 'databases.json',
  logs: 'logs-tail.jsonl',
  system: 'system.json',
  osReports: 'os-reports.json',
  osDir: 'os-reports',
  report: 'REPORT.md',
  pending: 'pending.json',
} as const;

/** The manifest's schema version. */
export const SCHEMA = 1;
