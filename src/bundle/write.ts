// writeBundle: captures one crash into its own private directory within the budget. Never throws.
import { KEYS } from '../config/keys.ts';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { codexHomeDir } from '../inventory/sqlite-home.ts';
import { VERSION } from '../version.ts';
import { codexVersion } from './codex-version.ts';
import { bundleFiles, compose, type BundleState } from './compose.ts';
import { compareDatabases, databasesAtCrash } from './databases.ts';
import { json, mkdirExclusive, mkdirPrivate, writeExclusive } from './files.ts';
import { readLogsTail, toJsonl, type LogsTail } from './logs-tail.ts';
import { baseManifest } from './manifest.ts';
import { bundleId, toPrune } from './naming.ts';
import { collectOsReports, storeReports } from './os-collect.ts';
import { macReportDirs } from './os-reports.ts';
import { defaultFinisher, markPending, PENDING_WINDOW_MS, spawnFinisher } from './pending.ts';
import { platformInfo, systemInfo } from './system.ts';
import { FILES, type BundleOptions, type BundleResult, type CrashInput } from './types.ts';
import { oneLine } from '../errors.ts';

/** Defaults of `crash.keep`, `crash.logRows` and the launch-path budget. */
export const BUNDLE_DEFAULTS = {
  keep: KEYS['crash.keep'].default,
  logRows: KEYS['crash.logRows'].default,
  deadlineMs: 2_000,
} as const;

/** The crash dir when none is configured: `<CODEX_HOME>/codexguard/crashes`. */
export function defaultCrashDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(codexHomeDir(env), 'codexguard', 'crashes');
}

const reason = (e: unknown) => oneLine(e);

/** Writes the bundle for `input`; returns its path (absent if none could be made), warnings, and whether OS reports are still awaited. */
export async function writeBundle(input: CrashInput, opts: BundleOptions = {}): Promise<BundleResult> {
  const t0 = Date.now();
  const warnings: string[] = [];
  const deadline = t0 + (opts.deadlineMs ?? BUNDLE_DEFAULTS.deadlineMs);
  const left = () => deadline - Date.now();
  const done = (r: Partial<BundleResult>): BundleResult => ({
    warnings,
    pending: false,
    ...r,
    elapsedMs: Date.now() - t0,
  });
  const step = async <T>(what: string, f: () => T | Promise<T>, fallback: T): Promise<T> => {
    try {
      return await f();
    } catch (error) {
      warnings.push(`${what}: ${reason(error)}`);
      return fallback;
    }
  };
  let made: { path: string; id: string };
  const env = input.env as NodeJS.ProcessEnv;
  const codexHome = input.codexHome ?? codexHomeDir(env);
  const sqliteHome = input.sqliteHome ?? codexHome;
  try {
    const dir = opts.dir ?? join(codexHome, 'codexguard', 'crashes');
    mkdirPrivate(dir);
    made = mkdirExclusive(dir, bundleId(input.endedAt, input.signal, input.pid));
  } catch (error) {
    warnings.push(`no crash bundle: ${reason(error)}`);
    return done({});
  }
  const { path, id } = made;
  const put = (name: string, data: string) =>
    step(`writing ${name}`, () => writeExclusive(join(path, name), data), undefined);
  const sessionStart = input.childStartedAt ?? input.shimStartedAt ?? input.endedAt;
  const platform = opts.platform ?? process.platform;
  const target = {
    ...(input.codexPath ? { binary: input.codexPath } : {}),
    ...(input.pid !== undefined ? { pid: input.pid } : {}),
    since: sessionStart,
  };
  const dirs = opts.reportDirs ?? macReportDirs();

  // The slow parts run meanwhile, each bounded by the budget.
  const versionP = step(
    'codex version',
    () => codexVersion(input.codexPath, input.codexVersion, env, Math.min(1_000, left() - 400)),
    { version: null, source: 'unknown' as const },
  );
  const osP = step(
    'OS crash reports',
    () => collectOsReports(platform, target, dirs, deadline - 300, env.PATH),
    undefined,
  );

  const dbs = compareDatabases(
    await step('databases', () => databasesAtCrash(sqliteHome, sessionStart, left), []),
    input.preflight,
  );
  await put(FILES.databases, json(dbs));
  const empty: LogsTail = { rows: [], levels: {}, sources: [], errors: [], targets: [], perMinute: [] };
  const tail = await step(
    'log rows',
    () => readLogsTail(sqliteHome, sessionStart, opts.logRows ?? BUNDLE_DEFAULTS.logRows),
    empty,
  );
  warnings.push(...tail.errors.map((e) => `log rows: ${e}`));
  await put(FILES.logs, toJsonl(tail.rows));
  const system = await step('system facts', () => systemInfo(codexHome, platform, env.PATH), null);
  await put(FILES.system, json(system));

  const [version, collected] = await Promise.all([versionP, osP]);
  const stored = await step(
    'storing OS reports',
    () => storeReports(path, collected ?? { status: 'none', found: [], coreDumps: [], searched: [], notes: [] }),
    undefined,
  );
  const os = stored?.index ?? { status: 'none' as const, searched: [], reports: [], coreDumps: [], notes: [] };
  await put(FILES.osReports, json(os));

  const base = baseManifest(id, input, {
    codexguard: VERSION,
    version: version.version,
    versionSource: version.source,
    capturedAt: Date.now(),
    codexHome,
    sqliteHome,
    platform: platformInfo(),
  });
  base.logs = {
    levels: tail.levels,
    copied: tail.rows.length,
    sources: tail.sources,
    targets: tail.targets,
    perMinute: tail.perMinute,
  };
  const pending = os.status === 'pending';
  const state: BundleState = { base, dbs, rows: tail.rows, system, os, osTexts: stored?.texts ?? [] };
  base.warnings = warnings;
  await step(
    'writing the report',
    () => {
      const files = [
        ...new Set([...bundleFiles(path), FILES.manifest, FILES.report, ...(pending ? [FILES.pending] : [])]),
      ];
      const { manifest, report } = compose(state, files);
      writeExclusive(join(path, FILES.report), report);
      writeExclusive(join(path, FILES.manifest), json(manifest));
    },
    undefined,
  );
  if (pending) {
    await step(
      'recording the pending OS report',
      () => {
        markPending(path, {
          platform,
          target,
          dirs: [...dirs],
          until: input.endedAt + PENDING_WINDOW_MS,
          ...(env.PATH ? { path: env.PATH } : {}),
        });
        const finisher = opts.finisher === undefined ? defaultFinisher() : opts.finisher || undefined;
        if (finisher) spawnFinisher(finisher, path);
      },
      undefined,
    );
  }
  await step('pruning old bundles', () => prune(join(path, '..'), opts.keep ?? BUNDLE_DEFAULTS.keep, id), undefined);
  return done({ path, id, pending });
}

/** Deletes all but the `keep` newest bundles (never the one just written, nothing that is not a bundle). */
export function prune(dir: string, keep: number, justWritten?: string): string[] {
  const gone = toPrune(readdirSync(dir), Math.max(1, keep), justWritten);
  for (const name of gone) rmSync(join(dir, name), { recursive: true, force: true });
  return gone;
}
