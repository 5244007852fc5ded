// Turns a bundle's collected facts into its manifest and REPORT.md, from memory or read back from its files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DbReport } from './databases.ts';
import type { BaseManifest, Manifest } from './manifest.ts';
import type { OsReportsIndex } from './os-reports.ts';
import { redactText } from './redact.ts';
import { renderReport } from './report.ts';
import { matchSignatures, type Evidence, type Verdict } from './signatures.ts';
import type { SystemInfo } from './system.ts';
import { FILES } from './types.ts';

/** What a bundle holds, before the derived parts. Texts and rows are already redacted. */
export interface BundleState {
  base: BaseManifest;
  dbs: DbReport[];
  rows: Array<Record<string, unknown>>;
  system: SystemInfo | null;
  os: OsReportsIndex;
  /** The OS reports' texts (redacted), for matching. */
  osTexts: string[];
}

const SEVERE = /^(ERROR|WARN|WARNING|FATAL|CRITICAL|PANIC)$/i;

/** The evidence signatures are matched against. Pure. */
export function evidenceOf(s: BundleState): Evidence {
  return {
    signal: s.base.signal,
    platform: s.base.platform.platform,
    arch: s.base.platform.arch,
    codexVersion: s.base.codex.version,
    osReports: s.osTexts,
    osStatus: s.os.status,
    logLines: s.rows.map((r) => `${r.level} ${r.target} ${r.feedback_log_body ?? r.message ?? ''}`),
    dbs: s.dbs,
    freeDiskBytes: s.system?.disk?.freeBytes ?? null,
    diskPurgeableUncounted: s.system?.disk?.purgeableUncounted === true,
    translated: s.system?.appleSilicon === true || s.osTexts.some((t) => /"translated"\s*:\s*true/.test(t)),
  };
}

/** The full manifest and REPORT.md for a state, listing `files`. Pure. */
export function compose(
  s: BundleState,
  files: readonly string[],
): { manifest: Manifest; report: string; verdicts: Verdict[] } {
  const verdicts = matchSignatures(evidenceOf(s));
  const top = verdicts[0]!;
  // Warnings quote error messages, which can quote paths and values.
  const manifest: Manifest = {
    ...s.base,
    warnings: s.base.warnings.map(redactText),
    likelyCause: { id: top.id, title: top.title, confidence: top.confidence },
    osReports: s.os.status,
    files: [...files].sort(),
  };
  const severe = s.rows.filter((r) => SEVERE.test(String(r.level)));
  const report = renderReport({
    manifest,
    dbs: s.dbs,
    levels: s.base.logs.levels,
    severe,
    system: s.system,
    os: s.os,
    verdicts,
  });
  return { manifest, report, verdicts };
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Reads a written bundle back into its state (to finish a pending one, or re-render). Throws on a broken bundle. */
export function readState(path: string): BundleState {
  const { likelyCause: _c, osReports: _o, files: _f, ...base } = readJson<Manifest>(join(path, FILES.manifest));
  const attempt = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch {
      return fallback;
    }
  };
  const dbs = attempt(() => readJson<DbReport[]>(join(path, FILES.databases)), []);
  const rows = attempt(
    () =>
      readFileSync(join(path, FILES.logs), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    [],
  );
  const system = attempt(() => readJson<SystemInfo>(join(path, FILES.system)), null);
  const os = attempt(() => readJson<OsReportsIndex>(join(path, FILES.osReports)), {
    status: 'none',
    searched: [],
    reports: [],
    coreDumps: [],
    notes: [],
  } as OsReportsIndex);
  const osTexts = os.reports.map((r) => attempt(() => readFileSync(join(path, r.copiedAs), 'utf8'), ''));
  return { base, dbs, rows, system, os, osTexts };
}

/** The files of a bundle, relative (one level into os-reports/). */
export function bundleFiles(path: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.name.includes('.tmp-') || e.name.startsWith('.')) continue;
    if (e.isDirectory()) for (const f of readdirSync(join(path, e.name))) out.push(`${e.name}/${f}`);
    else out.push(e.name);
  }
  return out;
}
