// manifest.json: the crash's facts under a versioned schema (argv redacted, env allow-listed). Pure.
import { constants } from 'node:os';
import { redactArgv, redactEnv, redactText } from './redact.ts';
import type { Group } from '../insight/log-queries.ts';
import { SCHEMA, type CrashInput, type DbSnapshot } from './types.ts';

/** The bundle's manifest, schema 1. Times are ISO strings (UTC); absent facts are null. */
export interface Manifest {
  schema: typeof SCHEMA;
  id: string;
  codexguard: string;
  signal: string;
  signalNumber: number | null;
  exitCode: number | null;
  pid: number | null;
  codex: { path: string | null; version: string | null; versionSource: string };
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  term: { TERM: string | null; TERM_PROGRAM: string | null };
  times: {
    shimStartedAt: string | null;
    childStartedAt: string | null;
    endedAt: string;
    capturedAt: string;
    uptimeMs: number | null;
  };
  restarts: number;
  /** Bytes the crashed codex wrote to storage (Linux), null where unknown. */
  codexWroteBytes: number | null;
  platform: { platform: string; osRelease: string; osVersion: string; arch: string; node: string };
  codexHome: string;
  sqliteHome: string;
  likelyCause: { id: string; title: string; confidence: string };
  osReports: 'found' | 'none' | 'pending' | 'unavailable';
  /**
   * Session log rows: how many by level, the rows copied, the log DBs read; the session's biggest targets and its rows
   * per minute over its last 10 minutes (absent in bundles of older codexguard).
   */
  logs: {
    levels: Record<string, number>;
    copied: number;
    sources: string[];
    targets?: Group[];
    perMinute?: Array<{ minute: string; rows: number }>;
  };
  /** The in-session checks' DB sizes (every wal.watchEvery) over the session's last 10 minutes, oldest first. */
  looks?: DbSnapshot[];
  files: string[];
  warnings: string[];
}

/** The manifest without what is derived at the end (cause, OS report status, file list). */
export type BaseManifest = Omit<Manifest, 'likelyCause' | 'osReports' | 'files'>;

const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

/** The manifest's facts from the input (everything but the cause, OS reports, files and warnings). */
export function baseManifest(
  id: string,
  input: CrashInput,
  extra: {
    codexguard: string;
    version: string | null;
    versionSource: string;
    capturedAt: number;
    codexHome: string;
    sqliteHome: string;
    platform: Manifest['platform'];
  },
): BaseManifest {
  const started = input.childStartedAt ?? input.shimStartedAt;
  return {
    schema: SCHEMA,
    id,
    codexguard: extra.codexguard,
    signal: input.signal,
    signalNumber: (constants.signals as Record<string, number>)[input.signal] ?? null,
    exitCode: input.exitCode,
    pid: input.pid ?? null,
    codex: {
      path: input.codexPath === undefined ? null : redactText(input.codexPath),
      version: extra.version,
      versionSource: extra.versionSource,
    },
    argv: redactArgv(input.argv),
    cwd: redactText(input.cwd),
    env: redactEnv(input.env),
    term: { TERM: input.env.TERM ?? null, TERM_PROGRAM: input.env.TERM_PROGRAM ?? null },
    times: {
      shimStartedAt: iso(input.shimStartedAt),
      childStartedAt: iso(input.childStartedAt),
      endedAt: iso(input.endedAt)!,
      capturedAt: iso(extra.capturedAt)!,
      uptimeMs: started === undefined ? null : input.endedAt - started,
    },
    restarts: input.restarts ?? 0,
    codexWroteBytes: input.codexWroteBytes ?? null,
    platform: extra.platform,
    codexHome: redactText(extra.codexHome),
    sqliteHome: redactText(extra.sqliteHome),
    logs: { levels: {}, copied: 0, sources: [] },
    looks: (input.looks ?? [])
      .filter((l) => input.endedAt - l.at <= 10 * 60_000)
      .map((l) => ({ at: l.at, dbs: l.dbs.map(({ name, size, walSize }) => ({ name, size, walSize })) })),
    warnings: [],
  };
}
