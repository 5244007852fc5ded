// Known crash signatures as data: each scores the evidence and says why. The likely cause is never assumed. Pure.
import type { DbReport } from './databases.ts';
import { compareVersions } from '../version-order.ts';

/** What a bundle knows, for matching. Texts are already redacted. */
export interface Evidence {
  signal: string;
  platform: string;
  arch: string;
  codexVersion: string | null;
  /** OS crash reports (macOS .ips/.crash/.diag, `coredumpctl info`). */
  osReports: string[];
  /** found; none (looked, nothing); pending (ReportCrash writes late); unavailable (nothing to ask on this system). */
  osStatus: 'found' | 'none' | 'pending' | 'unavailable';
  /** Session log rows as text (level, target, body). */
  logLines: string[];
  dbs: DbReport[];
  freeDiskBytes: number | null;
  /** macOS: statfs's free count leaves out APFS purgeable space, so "low" may not be full. */
  diskPurgeableUncounted?: boolean;
  /** An x64 process under Rosetta on Apple silicon (the .ips `translated` field, or `sysctl hw.optional.arm64`). */
  translated?: boolean;
}

/** A signature's score (0..1) for the evidence, with the reasons and the evidence it lacked. */
export interface Match {
  score: number;
  reasons: string[];
  missing: string[];
}

/** Adds a reason to a match, and what it weighs. */
function add(m: Match, reason: string, score: number): void {
  m.reasons.push(reason);
  m.score += score;
}

/** One known crash. `match` returns undefined when the evidence rules it out. */
export interface Signature {
  id: string;
  title: string;
  match(e: Evidence): Match | undefined;
  advice: string;
  link?: string;
}

/** True when `v` is within [lo, hi] (inclusive, release numbers only). */
export function inRange(v: string | null, lo: string, hi: string): boolean | undefined {
  const [fromLo, toHi] = [compareVersions(v, lo), compareVersions(v, hi)];
  return fromLo === undefined || toHi === undefined ? undefined : fromLo >= 0 && toHi <= 0;
}

const MB = 1e6;
const any = (texts: readonly string[], re: RegExp) => texts.some((t) => re.test(t));
const biggestLog = (e: Evidence) =>
  Math.max(
    0,
    ...e.dbs
      .filter((d) => d.kind === 'log')
      .map((d) => Math.max(d.size + d.walSize, (d.launch?.size ?? 0) + (d.launch?.walSize ?? 0))),
  );
const OS_MISSING = {
  found: 'an OS crash report (found, but unreadable)',
  none: 'an OS crash report (none found)',
  pending: 'the OS crash report (still pending)',
  unavailable: 'an OS crash report (none available on this system)',
} as const;
const osMissing = (e: Evidence): string[] => (e.osReports.length ? [] : [OS_MISSING[e.osStatus]]);

/** The known signatures, most specific first. Add one by appending an entry. */
export const SIGNATURES: readonly Signature[] = [
  {
    id: 'v8-isolate-intel-macos',
    title: 'V8 Isolate::New SIGTRAP on Intel macOS (codex 0.141.0–0.142.x)',
    link: 'https://github.com/openai/codex/issues/29047',
    advice:
      'A known Codex bug, not caused by its databases: upgrade codex (`npm i -g @openai/codex@latest`); if the newest still crashes, pin 0.140.0 (reported working) and follow the issue.',
    match(e) {
      if (e.signal !== 'SIGTRAP') return undefined;
      const m: Match = { score: 0, reasons: [], missing: osMissing(e) };
      const frames = any(e.osReports, /Isolate::New|v8::base::OS::SetPermissions|CodeRange::InitReservation/);
      // Node and codex report x64 under Rosetta too: that is Apple silicon, not the Intel Macs of the bug.
      const macIntel = e.platform === 'darwin' && e.arch === 'x64' && e.translated !== true;
      if (!frames && !macIntel) return undefined;
      if (macIntel) add(m, 'Intel macOS (darwin x64)', 0.25);
      else if (e.translated) m.reasons.push('x64 under Rosetta on Apple silicon, not an Intel Mac');
      const affected = inRange(e.codexVersion, '0.141.0', '0.142.4');
      if (affected === undefined) m.missing.push('the codex version');
      else if (affected) add(m, `codex ${e.codexVersion} is in the affected range 0.141.0–0.142.4`, 0.35);
      else if (!frames) return undefined;
      else m.reasons.push(`codex ${e.codexVersion} is outside the reported range 0.141.0–0.142.4`);
      if (frames) add(m, 'the OS report has the V8 isolate start-up frames (Isolate::New / OS::SetPermissions)', 0.4);
      return m;
    },
  },
  {
    id: 'sqlite-busy-panic',
    title: 'SQLite busy/locked error turned into a panic (abort) under a large log DB',
    advice:
      'A hypothesis from a user report, not confirmed upstream. Keep the log DB small (codexguard rotates it over logs.maxSize at launch; `codexguard rotate` does it now) and include this bundle if you report it.',
    match(e) {
      const texts = [...e.osReports, ...e.logLines];
      const m: Match = { score: 0, reasons: [], missing: osMissing(e) };
      if (any(texts, /config persistence task panicked/i))
        add(m, '"config persistence task panicked" in the evidence', 0.4);
      if (any(texts, /database is locked|SQLITE_BUSY|database table is locked/i))
        add(m, '"database is locked" / SQLITE_BUSY in the evidence', 0.3);
      if (any(e.osReports, /sqlite3_wal_checkpoint|sqlite3_step/)) add(m, 'SQLite frames in the OS report', 0.1);
      const log = biggestLog(e);
      if (m.score === 0 && log < 200 * MB) return undefined;
      if (m.score === 0) m.missing.push('"database is locked" / panic messages (none in the logs or OS report)');
      if (log >= 200 * MB)
        add(
          m,
          `the log DB was ${(log / MB).toFixed(0)} MB with its WAL (the seed report's crashes began past ~200 MB)`,
          0.2,
        );
      const walGrowth = Math.max(0, ...e.dbs.map((d) => d.growth?.walSize ?? 0));
      if (walGrowth >= 32 * MB) add(m, `a WAL grew by ${(walGrowth / MB).toFixed(0)} MB during the session`, 0.1);
      if (e.logLines.length === 0) m.missing.push('log rows from the session');
      return m;
    },
  },
  {
    id: 'disk-full',
    title: 'Disk full where Codex writes',
    advice:
      'Free some disk space on the volume holding CODEX_HOME (old log archives: `codexguard rotate` prunes them).',
    match(e) {
      const full = any(
        [...e.logLines, ...e.osReports],
        /No space left on device|SQLITE_FULL|ENOSPC|database or disk is full/i,
      );
      const low = e.freeDiskBytes !== null && e.freeDiskBytes < 200 * MB;
      if (!full && !low) return undefined;
      const m: Match = { score: 0, reasons: [], missing: [] };
      if (low && e.diskPurgeableUncounted) {
        m.reasons.push(
          `only ${((e.freeDiskBytes ?? 0) / MB).toFixed(0)} MB free on CODEX_HOME's disk, not counting APFS purgeable space (it may not be full)`,
        );
        m.score += 0.2;
      } else if (low) add(m, `only ${((e.freeDiskBytes ?? 0) / MB).toFixed(0)} MB free on CODEX_HOME's disk`, 0.4);
      if (full) add(m, '"disk is full" errors in the evidence', 0.4);
      return m;
    },
  },
];

/** A matched signature as shown: its confidence word, reasons and advice. */
export interface Verdict {
  id: string;
  title: string;
  confidence: 'high' | 'medium' | 'low' | 'none';
  score: number;
  reasons: string[];
  missing: string[];
  advice: string;
  link?: string;
}

/** The confidence word for a score. */
export function confidence(score: number): Verdict['confidence'] {
  return score >= 0.75 ? 'high' : score >= 0.45 ? 'medium' : score > 0 ? 'low' : 'none';
}

/** Every signature that matches, best first; when none does, one "unknown" verdict naming the missing evidence. */
export function matchSignatures(e: Evidence, signatures: readonly Signature[] = SIGNATURES): Verdict[] {
  const out: Verdict[] = [];
  for (const s of signatures) {
    const m = s.match(e);
    if (!m || m.score <= 0) continue;
    const score = Math.min(1, Math.round(m.score * 100) / 100);
    out.push({
      id: s.id,
      title: s.title,
      confidence: confidence(score),
      score,
      reasons: m.reasons,
      missing: m.missing,
      advice: s.advice,
      ...(s.link ? { link: s.link } : {}),
    });
  }
  if (out.length > 0) return out.sort((a, b) => b.score - a.score);
  const missing = [...osMissing(e)];
  if (!e.codexVersion) missing.push('the codex version');
  if (e.logLines.length === 0) missing.push('log rows from the session');
  return [
    {
      id: 'unknown',
      title: 'Unknown: no known signature matches',
      confidence: 'none',
      score: 0,
      reasons: [`${e.signal} on ${e.platform} ${e.arch}, codex ${e.codexVersion ?? 'version unknown'}`],
      missing,
      advice: 'Report it with this bundle (`codexguard crashes pack <id>`), after checking it for anything private.',
    },
  ];
}
