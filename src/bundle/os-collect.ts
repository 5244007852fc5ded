// Collects the OS crash reports for a bundle within a deadline, and stores them (redacted copies, core dumps linked).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mkdirPrivate, writeExclusive } from './files.ts';
import {
  coredumpInfo,
  pollMacReports,
  scanMacReports,
  type FoundReport,
  type OsReportsIndex,
  type ReportTarget,
} from './os-reports.ts';
import { redactText } from './redact.ts';
import { FILES } from './types.ts';

/** What one collection found: reports, core dumps, and whether to look again later. */
export interface Collected {
  status: OsReportsIndex['status'];
  found: FoundReport[];
  coreDumps: string[];
  searched: string[];
  notes: string[];
}

/** True when this Linux system hands core dumps to systemd-coredump (so coredumpctl may still get one). */
function coredumpsToSystemd(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/core_pattern', 'utf8').includes('systemd-coredump');
  } catch {
    return false;
  }
}

/** Looks for the target's OS reports until `untilMs` (epoch): macOS polls DiagnosticReports, Linux asks coredumpctl. Never throws. */
export async function collectOsReports(
  platform: string,
  target: ReportTarget,
  dirs: readonly string[],
  untilMs: number,
  path?: string,
): Promise<Collected> {
  const out: Collected = { status: 'none', found: [], coreDumps: [], searched: [], notes: [] };
  try {
    if (platform === 'darwin') {
      out.searched = [...dirs];
      out.found = await pollMacReports(dirs, target, untilMs);
      out.status = out.found.length ? 'found' : dirs.length ? 'pending' : 'unavailable';
    } else if (platform === 'linux') {
      out.searched = ['coredumpctl'];
      for (;;) {
        const r = await coredumpInfo(target, Math.max(1, untilMs - Date.now()), path);
        if (!r.available)
          return { ...out, status: 'unavailable', searched: [], notes: ['coredumpctl is not installed.'] };
        if (r.report) {
          out.found.push(r.report);
          if (r.coreDump) out.coreDumps.push(r.coreDump);
          out.status = 'found';
          return out;
        }
        if (Date.now() + 300 >= untilMs) {
          out.status = coredumpsToSystemd() ? 'pending' : 'none';
          if (r.note) out.notes.push(`coredumpctl: ${r.note}.`);
          return out;
        }
        await new Promise((res) => setTimeout(res, 300));
      }
    } else out.status = 'unavailable';
  } catch (error) {
    out.notes.push(`OS report search failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return out;
}

/** One pass without waiting (to finish a pending bundle later). */
export async function collectOnce(
  platform: string,
  target: ReportTarget,
  dirs: readonly string[],
  path?: string,
): Promise<Collected> {
  if (platform === 'darwin') {
    const found = scanMacReports(dirs, target);
    return { status: found.length ? 'found' : 'pending', found, coreDumps: [], searched: [...dirs], notes: [] };
  }
  return collectOsReports(platform, target, dirs, Date.now() + 5_000, path);
}

/** Copies the found reports (redacted) under os-reports/ and returns the index and the copies' texts. */
export function storeReports(
  bundle: string,
  c: Collected,
  previous?: OsReportsIndex,
): { index: OsReportsIndex; texts: string[] } {
  const index: OsReportsIndex = {
    status: c.status,
    searched: c.searched,
    reports: [...(previous?.reports ?? [])],
    coreDumps: [...(previous?.coreDumps ?? []), ...c.coreDumps],
    notes: c.notes.map(redactText),
  };
  const texts: string[] = [];
  if (c.found.length) mkdirPrivate(join(bundle, FILES.osDir));
  for (const r of c.found) {
    const name = r.source === 'coredumpctl' ? 'coredumpctl-info.txt' : basename(r.file);
    let rel = `${FILES.osDir}/${name}`;
    for (let n = 2; existsSync(join(bundle, rel)); n++) rel = `${FILES.osDir}/${n}-${name}`;
    // coredumpctl's "Command Line:" is codex's argv joined by spaces, the prompt with it; the manifest has the argv, redacted.
    const text = redactText(
      r.source === 'coredumpctl'
        ? r.text.replace(/^(\s*Command Line: ).*$/m, '$1[REDACTED: see argv in manifest.json]')
        : r.text,
    );
    writeExclusive(join(bundle, rel), text);
    index.reports.push({
      source: r.source,
      file: r.file,
      copiedAs: rel,
      bytes: Buffer.byteLength(text),
      pidMatch: r.pidMatch,
    });
    texts.push(text);
  }
  if (index.reports.length) index.status = 'found';
  return { index, texts };
}
