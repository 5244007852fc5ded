// REPORT.md: a bug report in the shape of the seed report (summary, environment, timeline, databases, likely cause). Pure.
import type { DbReport } from './databases.ts';
import type { Manifest } from './manifest.ts';
import type { OsReportsIndex } from './os-reports.ts';
import type { Verdict } from './signatures.ts';
import type { SystemInfo } from './system.ts';
import { humanDuration, humanSize, signedSize } from '../human.ts';

/** Everything REPORT.md is made from. `severe` are redacted session rows, newest last. */
export interface ReportData {
  manifest: Manifest;
  dbs: readonly DbReport[];
  levels: Readonly<Record<string, number>>;
  severe: ReadonlyArray<Record<string, unknown>>;
  system: SystemInfo | null;
  os: OsReportsIndex;
  verdicts: readonly Verdict[];
}

const SHELL_NAMES: Record<string, string> = {
  SIGTRAP: 'trace trap',
  SIGABRT: 'abort',
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
};

const time = (isoTime: string | null) => (isoTime ? isoTime.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : 'unknown');
/** To the millisecond, for the timeline (a crash at start-up happens within one second). */
const stamp = (isoTime: string | null) => (isoTime ? isoTime.replace('T', ' ').replace(/Z$/, ' UTC') : 'unknown');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const shq = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

function databasesTable(dbs: readonly DbReport[]): string[] {
  if (dbs.length === 0) return ['No Codex database was found in the SQLite home.'];
  const rows = dbs.map((d) => {
    const launch = d.launch ? humanSize(d.launch.size) : 'n/a';
    const rows =
      d.rows === null
        ? ''
        : `${d.rows.toLocaleString('en-US')}${d.sessionRows === null ? '' : ` (${d.sessionRows.toLocaleString('en-US')} this session)`}`;
    const state = d.exists ? humanSize(d.size) : 'missing';
    return `| ${d.name} | ${launch} | ${state} | ${d.growth ? signedSize(d.growth.size) : 'n/a'} | ${d.launch ? humanSize(d.launch.walSize) : 'n/a'} | ${humanSize(d.walSize)} | ${rows}${d.error ? ` (${cell(d.error)})` : ''} |`;
  });
  return [
    '| File | Size at launch | Size at crash | Growth | WAL at launch | WAL at crash | Rows |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ];
}

/** The session's last minutes: rows per minute, the WALs at each in-session check and at the crash, the biggest targets. */
function beforeTheCrash(m: Manifest, dbs: readonly DbReport[]): string[] {
  const out: string[] = [];
  const perMinute = m.logs.perMinute ?? [];
  const hhmm = (iso: string) => iso.slice(11, 16);
  out.push(
    perMinute.length
      ? `Log rows written per minute over the session's last minutes (UTC): ${perMinute.map((p) => `${hhmm(p.minute)} ${p.rows.toLocaleString('en-US')}`).join(', ')}.`
      : "No log rows in the session's last minutes.",
  );
  const looks = m.looks ?? [];
  const names = dbs.filter((d) => d.exists).map((d) => d.name);
  if (looks.length && names.length) {
    const wal = (list: ReadonlyArray<{ name: string; walSize: number }>, name: string) => {
      const db = list.find((x) => x.name === name);
      return db ? humanSize(db.walSize) : 'n/a';
    };
    out.push(
      '',
      `WAL sizes at the in-session checks and at the crash:`,
      '',
      `| Time | ${names.map((n) => `${n} WAL`).join(' | ')} |`,
      `|---|${names.map(() => '---|').join('')}`,
    );
    for (const look of looks)
      out.push(`| ${stamp(new Date(look.at).toISOString())} | ${names.map((n) => wal(look.dbs, n)).join(' | ')} |`);
    out.push(`| ${stamp(m.times.endedAt)} (crash) | ${names.map((n) => wal(dbs, n)).join(' | ')} |`);
  }
  const targets = m.logs.targets ?? [];
  if (targets.length) {
    out.push(
      '',
      "The session's targets with the most bytes (from its newest 50,000 rows):",
      '',
      '| Target | Rows | Bytes |',
      '|---|---|---|',
    );
    for (const t of targets)
      out.push(`| ${cell(t.name)} | ${t.rows.toLocaleString('en-US')} | ${humanSize(t.bytes)} |`);
  }
  return out;
}

function likelyCause(verdicts: readonly Verdict[]): string[] {
  const out: string[] = [];
  verdicts.forEach((v, i) => {
    if (i === 1) out.push('Other candidates:', '');
    out.push(`${i === 0 ? '###' : '####'} ${v.title}${v.id === 'unknown' ? '' : ` (${v.confidence} confidence)`}`, '');
    for (const r of v.reasons) out.push(`- ${r}`);
    if (v.missing.length) out.push(`- Missing evidence: ${v.missing.join('; ')}`);
    out.push('', `Advice: ${v.advice}${v.link ? ` (${v.link})` : ''}`, '');
  });
  return out;
}

/** The Markdown bug report. */
export function renderReport(d: ReportData): string {
  const m = d.manifest;
  const top = d.verdicts[0];
  const shellName = SHELL_NAMES[m.signal] ? ` (${SHELL_NAMES[m.signal]})` : '';
  const after = m.times.uptimeMs === null ? '' : ` after ${humanDuration(m.times.uptimeMs)}`;
  const version = m.codex.version ?? 'unknown';
  const logs = d.dbs.filter((x) => x.kind === 'log');
  const written = Object.values(d.levels).reduce((a, b) => a + b, 0);
  const severeCount = Object.entries(d.levels)
    .filter(([l]) => /^(ERROR|WARN|WARNING|FATAL|CRITICAL|PANIC)$/.test(l))
    .reduce((a, [, n]) => a + n, 0);
  const cause =
    !top || top.id === 'unknown'
      ? 'no known crash signature matches the evidence'
      : `${top.title} (${top.confidence} confidence)`;
  const growth = logs
    .filter((x) => x.growth)
    .map(
      (x) =>
        `${x.name} went from ${humanSize(x.launch!.size + x.launch!.walSize)} to ${humanSize(x.size + x.walSize)} (with WAL)`,
    );
  const lines = [
    `# codex crashed with ${m.signal}${shellName}${after}`,
    '',
    '| Field | Value |',
    '|---|---|',
    `| Bug title | codex CLI crashes with ${m.signal}${shellName} |`,
    '| Product | OpenAI Codex CLI (@openai/codex) |',
    `| Version | ${version} |`,
    `| OS | ${m.platform.platform} ${m.platform.osRelease} (${m.platform.arch}) |`,
    `| Signal | ${m.signal}${m.signalNumber === null ? '' : ` (signal ${m.signalNumber})`}${m.exitCode === null ? '' : `, exit status ${m.exitCode}`} |`,
    `| Date | ${time(m.times.endedAt)} |`,
    `| Bundle | ${m.id} |`,
    '',
    '## Summary',
    '',
    `The codex CLI${m.codex.path ? ` (\`${m.codex.path}\`)` : ''}, version ${version}, died of ${m.signal}${shellName}${after}${m.pid === null ? '' : `, PID ${m.pid}`}. Likely cause: ${cause}.`,
    `${growth.length ? `During the session ${growth.join('; ')}. ` : ''}${m.codexWroteBytes === null || m.codexWroteBytes === undefined ? '' : `codex wrote ${humanSize(m.codexWroteBytes)} to disk. `}${written} log rows were written during the session (${severeCount} WARN or above).`,
    '',
    '## Environment',
    '',
    `- OS: ${m.platform.platform} ${m.platform.osRelease} (${cell(m.platform.osVersion)}), ${m.platform.arch}`,
    `- Node.js: ${m.platform.node}; codexguard ${m.codexguard}`,
    `- codex: ${m.codex.path ?? 'unknown path'}, version ${version} (${m.codex.versionSource})`,
    `- Terminal: TERM=${m.term.TERM ?? 'unset'}, TERM_PROGRAM=${m.term.TERM_PROGRAM ?? 'unset'}`,
    ...(d.system
      ? [
          `- CPU: ${d.system.cpus.model ?? 'unknown'} (${d.system.cpus.count} CPUs); load ${d.system.load.map((l) => l.toFixed(2)).join(' ')}`,
          `- Memory: ${humanSize(d.system.memory.availableBytes ?? d.system.memory.freeBytes)} available of ${humanSize(d.system.memory.totalBytes)}`,
          `- Free disk on CODEX_HOME: ${d.system.disk ? `${humanSize(d.system.disk.freeBytes)} of ${humanSize(d.system.disk.totalBytes)}${d.system.disk.purgeableUncounted ? ' (APFS purgeable space not counted)' : ''}` : 'unknown'}`,
        ]
      : []),
    `- Command: \`${['codex', ...m.argv.map(shq)].join(' ')}\` in \`${m.cwd}\``,
    '',
    '## Timeline',
    '',
    '| Time | Event |',
    '|---|---|',
    ...(m.times.shimStartedAt
      ? [`| ${stamp(m.times.shimStartedAt)} | codexguard shim started${m.restarts ? ` (restart ${m.restarts})` : ''} |`]
      : []),
    ...(m.times.childStartedAt
      ? [`| ${stamp(m.times.childStartedAt)} | codex started${m.pid === null ? '' : ` (PID ${m.pid})`} |`]
      : []),
    `| ${stamp(m.times.endedAt)} | codex died of ${m.signal} |`,
    `| ${stamp(m.times.capturedAt)} | crash bundle written |`,
    '',
    '## Databases',
    '',
    ...databasesTable(d.dbs),
    '',
    '## Logs',
    '',
    written
      ? `Rows written during the session, by level: ${Object.entries(d.levels)
          .map(([l, n]) => `${l} ${n}`)
          .join(', ')}.`
      : 'No log rows were written during the session.',
    ...(d.severe.length
      ? [
          '',
          'Last WARN-or-above rows (redacted):',
          '',
          '```',
          ...d.severe
            .slice(-10)
            .map(
              (r) =>
                `${r.time} ${r.level} ${r.target}: ${String(r.feedback_log_body ?? r.message ?? '').slice(0, 300)}`,
            ),
          '```',
        ]
      : []),
    '',
    '## Just before the crash',
    '',
    ...beforeTheCrash(m, d.dbs),
    '',
    '## OS crash report',
    '',
    osSection(d.os),
    '',
    '## Likely cause',
    '',
    ...likelyCause(d.verdicts),
    '---',
    `Generated by codexguard ${m.codexguard} from crash bundle ${m.id}. Secrets were redacted (API keys, tokens, private keys, URL passwords, secret-named and random-looking values, the prompt; only allow-listed environment variables). Review before posting.`,
    '',
  ];
  return lines.join('\n');
}

function osSection(os: OsReportsIndex): string {
  const notes = os.notes.length ? ` ${os.notes.join(' ')}` : '';
  if (os.status === 'found') {
    const list = os.reports
      .map((r) => `\`${r.copiedAs}\` (from ${r.file}${r.pidMatch ? ', same PID' : ''})`)
      .join(', ');
    return `Found: ${list}.${os.coreDumps.length ? ` Core dump (linked, not copied): ${os.coreDumps.join(', ')}.` : ''}${notes}`;
  }
  if (os.status === 'pending')
    return `None yet: the OS may still be writing it; \`codexguard crashes\` picks it up later.${notes}`;
  if (os.status === 'unavailable') return `Not available on this system.${notes}`;
  return `None found for this process${os.searched.length ? ` (searched ${os.searched.join(', ')})` : ''}.${notes}`;
}
