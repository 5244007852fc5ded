// OS crash reports for the crashed codex: macOS DiagnosticReports (.ips/.crash/.diag), Linux `coredumpctl info`.
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
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

/** What an .ips report says about the crashed process. */
export interface IpsFacts {
  procName?: string;
  procPath?: string;
  pid?: number;
  parentPid?: number;
  translated?: boolean;
}

/**
 * Parses an .ips report as ReportCrash writes it (macOS 12+): one line of JSON (the header: app_name, bug_type,
 * os_version, …), then the body, one pretty-printed JSON document with `procName`, `procPath` (slashes escaped as
 * `\/`, the home folder as `/Users/USER`, some folders as `*`), `pid`, `parentPid`, `translated`. A body cut short
 * (at REPORT_CAP) is read field by field. Undefined when the text is not in that format. Pure.
 */
export function parseIps(text: string): IpsFacts | undefined {
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
    if (typeof header !== 'object' || header === null || !('bug_type' in header)) return undefined;
  } catch {
    return undefined;
  }
  const bodyText = text.slice(newline + 1);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(bodyText) as Record<string, unknown>;
  } catch {
    body = {};
    for (const key of ['procName', 'procPath', 'pid', 'parentPid', 'translated']) {
      const m = new RegExp(`^  "${key}" : ("(?:[^"\\\\]|\\\\.)*"|\\d+|true|false)`, 'm').exec(bodyText);
      if (m) body[key] = JSON.parse(m[1]!);
    }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const facts: IpsFacts = {};
  if (str(body.procName)) facts.procName = str(body.procName)!;
  if (str(body.procPath)) facts.procPath = str(body.procPath)!;
  if (num(body.pid) !== undefined) facts.pid = num(body.pid)!;
  if (num(body.parentPid) !== undefined) facts.parentPid = num(body.parentPid)!;
  if (typeof body.translated === 'boolean') facts.translated = body.translated;
  return facts;
}

/** Does an anonymised procPath (`/Users/USER/…`, `*` for a folder) stand for `path`, for a user whose home is `home`? Pure. */
export function samePath(reported: string, path: string, home: string): boolean {
  const parts = reported.split('/');
  const want = path.split('/');
  if (parts.length !== want.length) return false;
  const homeParts = home.split('/');
  return parts.every(
    (part, i) =>
      part === want[i] ||
      part === '*' ||
      (part === 'USER' &&
        i === homeParts.length - 1 &&
        parts.slice(0, i).join('/') === homeParts.slice(0, i).join('/') &&
        want[i] === homeParts[i]),
  );
}

/**
 * Is this report about our codex? An .ips must name the target's pid, or have it as parent (a launcher, asdf or mise
 * in between); and its process must be the binary, by name or by path. Other reports: the name starts with the
 * binary's name or the text names its path, and no other pid. The shim's own report, when it re-raises the signal
 * (`node-…ips`, the shim's pid), is neither. Pure.
 */
export function isCodexReport(
  name: string,
  text: string,
  target: ReportTarget,
  home = homedir(),
  binaryRealpath?: string,
): { match: boolean; pidMatch: boolean } {
  if (!EXT.test(name)) return { match: false, pidMatch: false };
  const base = target.binary ? basename(target.binary) : 'codex';
  const ips = name.endsWith('.ips') ? parseIps(text) : undefined;
  if (ips !== undefined) {
    const pidMatch = target.pid !== undefined && (ips.pid === target.pid || ips.parentPid === target.pid);
    if (target.pid !== undefined && !pidMatch) return { match: false, pidMatch: false };
    const paths = [target.binary, binaryRealpath].filter((p): p is string => p !== undefined);
    const byPath = ips.procPath !== undefined && paths.some((p) => samePath(ips.procPath!, p, home));
    const byName = ips.procName === base || (binaryRealpath !== undefined && ips.procName === basename(binaryRealpath));
    return { match: byName || byPath, pidMatch };
  }
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
  let binaryReal: string | undefined;
  try {
    binaryReal = target.binary === undefined ? undefined : realpathSync.native(target.binary);
  } catch {
    // Gone: its name and path still match.
  }
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
        const verdict = isCodexReport(name, text, target, homedir(), binaryReal);
        if (verdict.match) found.push({ source: 'DiagnosticReports', file: path, text, pidMatch: verdict.pidMatch });
      } catch {
        // Unreadable (another user's report in /Library): skip it.
      }
    }
  }
  return found;
}

/** Polls `dirs` every 250 ms until a report turns up or `untilMs` (epoch) passes. */
export async function pollMacReports(
  dirs: readonly string[],
  target: ReportTarget,
  untilMs: number,
): Promise<FoundReport[]> {
  for (;;) {
    const found = scanMacReports(dirs, target);
    if (found.length > 0 || Date.now() + 250 > untilMs) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `coredumpctl info <pid>` since the session start; `available: false` when there is no coredumpctl. Core files are linked, never copied. */
export async function coredumpInfo(
  target: ReportTarget,
  timeoutMs: number,
  path = process.env.PATH,
): Promise<{ available: boolean; report?: FoundReport; coreDump?: string; note?: string }> {
  if (target.pid === undefined) return { available: true, note: 'no pid: coredumpctl not asked' };
  const { runTool } = await import('../run-tool.ts');
  const args = ['--no-pager', 'info', String(target.pid), `--since=@${Math.floor(target.since / 1000) - 1}`];
  const env = { PATH: path, SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' };
  const r = await runTool('coredumpctl', args, env, undefined, Math.max(1, timeoutMs));
  if (r.missing) return { available: false };
  if (r.timedOut) return { available: true, note: `coredumpctl did not answer within ${timeoutMs} ms` };
  const text = `${r.stdout}${r.stderr ? `\n${r.stderr}` : ''}`.trim();
  if (r.exitCode !== 0 || !/PID:\s*\d+/.test(text))
    return { available: true, note: text.split('\n')[0] || `coredumpctl exited with ${r.exitCode}` };
  const storage = /^\s*Storage:\s*(\/\S+)/m.exec(text)?.[1];
  return {
    available: true,
    report: {
      source: 'coredumpctl',
      file: `coredumpctl info ${target.pid}`,
      text: text.slice(0, REPORT_CAP),
      pidMatch: true,
    },
    ...(storage ? { coreDump: storage } : {}),
  };
}

/** os-reports.json: what was searched, what was found (copied under os-reports/), core dumps linked, and whether it is still pending. */
export interface OsReportsIndex {
  status: 'found' | 'none' | 'pending' | 'unavailable';
  searched: string[];
  reports: Array<{ source: FoundReport['source']; file: string; copiedAs: string; bytes: number; pidMatch: boolean }>;
  coreDumps: string[];
  notes: string[];
}
