// OS crash reports for the crashed codex: macOS DiagnosticReports (.ips/.crash/.diag), Linux `coredumpctl info`.
import { absolutePath, programOnPath } from '../resolve/path-walk.ts';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';

/** Which process a report must be about, and the window it must be written in (epoch ms). */
export interface ReportTarget {
  binary?: string;
  pid?: number;
  since: number;
}

/** One report found: where it is and the (unredacted) text, capped. */
export interface FoundReport {
  source: 'DiagnosticReports' | 'coredumpctl';
  file: string;
  text: string;
  pidMatch: boolean;
}

/** The most of one report that is kept. */
export const REPORT_CAP = 2 * 1024 * 1024;
const EXT = /\.(ips|crash|diag)$/;

/** The macOS folders ReportCrash writes to. */
export function macReportDirs(home = homedir()): string[] {
  return [join(home, 'Library', 'Logs', 'DiagnosticReports'), '/Library/Logs/DiagnosticReports'];
}

/** The pid a report names (`"pid" : 42`, `Process: codex [42]`, `PID: 42`), if any. Pure. */
export function reportedPid(text: string): number | undefined {
  const m = /"pid"\s*:\s*(\d+)/.exec(text) ?? /^Process:\s+\S.*\[(\d+)\]/m.exec(text) ?? /^PID:\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Is this report about our codex? Its name starts with the binary's name or it names the binary's path, and no other pid. Pure. */
export function isCodexReport(name: string, text: string, target: ReportTarget): { match: boolean; pidMatch: boolean } {
  if (!EXT.test(name)) return { match: false, pidMatch: false };
  const base = target.binary ? basename(target.binary) : 'codex';
  const byName = name.startsWith(`${base}-`) || name.startsWith(`${base}_`) || name.startsWith(`${base}.`);
  const byPath = target.binary !== undefined && text.includes(target.binary);
  const pid = reportedPid(text);
  if (pid !== undefined && target.pid !== undefined && pid !== target.pid) return { match: false, pidMatch: false };
  return { match: byName || byPath, pidMatch: pid !== undefined && pid === target.pid };
}

function head(path: string, cap: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(cap);
    const n = readSync(fd, buf, 0, cap, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Reports in `dirs` written since the target's start that are about it (one pass, no waiting). */
export function scanMacReports(dirs: readonly string[], target: ReportTarget): FoundReport[] {
  const found: FoundReport[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => EXT.test(n))) {
      try {
        const path = join(dir, name);
        if (statSync(path).mtimeMs < target.since - 2_000) continue;
        const text = head(path, REPORT_CAP);
        const verdict = isCodexReport(name, text, target);
        if (verdict.match) found.push({ source: 'DiagnosticReports', file: path, text, pidMatch: verdict.pidMatch });
      } catch {
        // Unreadable (another user's report in /Library): skip it.
      }
    }
  }
  return found;
}

/** Polls `dirs` every 250 ms until a report turns up or `untilMs` (epoch) passes. */
export async function pollMacReports(dirs: readonly string[], target: ReportTarget, untilMs: number): Promise<FoundReport[]> {
  for (;;) {
    const found = scanMacReports(dirs, target);
    if (found.length > 0 || Date.now() + 250 > untilMs) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `coredumpctl info <pid>` since the session start; `available: false` when there is no coredumpctl. Core files are linked, never copied. */
export async function coredumpInfo(target: ReportTarget, timeoutMs: number, path = process.env.PATH): Promise<{ available: boolean; report?: FoundReport; coreDump?: string; note?: string }> {
  if (target.pid === undefined) return { available: true, note: 'no pid: coredumpctl not asked' };
  const coredumpctl = programOnPath('coredumpctl', path);
  if (coredumpctl === undefined) return { available: false };
  const { execa } = await import('execa');
  const args = ['--no-pager', 'info', String(target.pid), `--since=@${Math.floor(target.since / 1000) - 1}`];
  const r = await execa(coredumpctl, args, { stdin: 'ignore', timeout: Math.max(1, timeoutMs), forceKillAfterDelay: 100, reject: false, env: { PATH: absolutePath(path), SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' } });
  if ((r as { code?: string }).code === 'ENOENT') return { available: false };
  if (r.timedOut) return { available: true, note: `coredumpctl did not answer within ${timeoutMs} ms` };
  const text = `${String(r.stdout ?? '')}${r.stderr ? `\n${String(r.stderr)}` : ''}`.trim();
  if (r.exitCode !== 0 || !/PID:\s*\d+/.test(text)) return { available: true, note: text.split('\n')[0] || `coredumpctl exited with ${r.exitCode}` };
  const storage = /^\s*Storage:\s*(\/\S+)/m.exec(text)?.[1];
  return { available: true, report: { source: 'coredumpctl', file: `coredumpctl info ${target.pid}`, text: text.slice(0, REPORT_CAP), pidMatch: true }, ...(storage ? { coreDump: storage } : {}) };
}

/** os-reports.json: what was searched, what was found (copied under os-reports/), core dumps linked, and whether it is still pending. */
export interface OsReportsIndex {
  status: 'found' | 'none' | 'pending' | 'unavailable';
  searched: string[];
  reports: Array<{ source: FoundReport['source']; file: string; copiedAs: string; bytes: number; pidMatch: boolean }>;
  coreDumps: string[];
  notes: string[];
}
