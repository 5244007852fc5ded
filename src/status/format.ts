// The human view of `codexguard status`: one table of the DBs, then what is due, Codex's daemon, sessions, archives, config.
import { tildify } from '../config/issues.ts';
import { ago, humanSize, signedSize } from '../human.ts';
import { sourceLabel } from '../inventory/sqlite-home.ts';
import sparkly from 'sparkly';
import { describeLast } from '../insight/last-session.ts';
import type { StatusJson } from './gather.ts';

/** Rows as aligned columns, the first row the header; with `numbers`, every column after the first is right-aligned. */
export function textTable(rows: string[][], numbers = false): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (numbers && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The human view of a status. */
export function formatStatus(s: StatusJson, home = process.env.HOME): string {
  const t = (p: string) => tildify(p, home);
  const out = [
    `codexguard ${s.codexguard}: Codex's databases in ${t(s.sqliteHome.dir)} (${sourceLabel(s.sqliteHome.source)})`,
    '',
  ];
  const rows = [['DB', 'KIND', 'SIZE', 'LIVE', 'FREE', 'WAL', 'LIMIT', 'STATE']];
  for (const db of s.dbs) {
    const limit =
      db.kind === 'log'
        ? `${humanSize(s.limits.logMaxBytes)} (WAL ${humanSize(s.limits.walMaxBytes)})`
        : `WAL ${humanSize(s.limits.walMaxBytes)}`;
    const pages = (n: number | null | undefined) => (n === null || n === undefined ? '?' : humanSize(n));
    rows.push([
      db.name,
      db.kind,
      db.exists ? humanSize(db.size) : 'missing',
      pages(db.live),
      pages(db.free),
      humanSize(db.walSize),
      limit,
      db.due ? `due: ${db.due}` : 'ok',
    ]);
  }
  out.push(s.dbs.length ? textTable(rows) : '(no Codex databases yet)', '');
  for (const db of s.dbs) {
    if (db.codexBudget === undefined || db.live === null || db.live === undefined) continue;
    const within = db.live <= db.codexBudget ? 'within' : 'over';
    out.push(
      `${db.name}: live data ${humanSize(db.live)} is ${within} Codex's own budget of ${humanSize(db.codexBudget)} (64 MiB); Codex's prune never gives back the ${humanSize(db.free ?? 0)} of free pages or the WAL`,
    );
  }
  for (const d of s.due)
    out.push(
      `due: ${d.action} ${d.db}: ${d.reason}${d.plan === 'defer' ? `; deferred, since ${d.why}` : d.plan === 'stop-daemon' ? "; Codex's daemon is idle: it is stopped for the rotation and started again" : ''}`,
    );
  out.push(`Codex app-server daemon: ${s.codex.summary}`);
  const sessions =
    s.sessions === null
      ? 'unknown (registry unreadable)'
      : s.sessions.length === 0
        ? 'none'
        : s.sessions.map((x) => `pid ${x.pid}${x.codexPid ? ` (codex ${x.codexPid})` : ''}`).join(', ');
  out.push(`live sessions: ${sessions}`);
  const archived = s.archives.reduce((n, a) => n + a.bytes, 0);
  out.push(
    `archives: ${s.archives.length}${s.archives.length ? ` (${humanSize(archived)}; newest ${s.archives[0]!.name})` : ''}`,
  );
  out.push(
    `config: ${s.config.files.length ? s.config.files.map((f) => `${t(f.path)} (${f.level})`).join(', ') : 'defaults (no config file)'}`,
  );
  out.push('', ...formatGrowth(s));
  return out.join('\n');
}

/** "+12.0 MB/h, 3 400 rows/h": a signed rate for people. */
function perHour(bytes: number | null, rows: number | null): string {
  if (bytes === null) return 'no rate yet (an hour of points needed)';
  const b = `${signedSize(bytes)}/h`;
  return rows === null ? b : `${b}, ${Math.round(rows).toLocaleString('en-US')} rows/h`;
}

/** The growth lines: a sparkline per DB over 7 days, its rate over the last day, and the last session's figures. */
export function formatGrowth(s: Pick<StatusJson, 'growth' | 'lastSession' | 'limits'>, now = Date.now()): string[] {
  const out: string[] = [];
  if (s.growth.points === 0)
    out.push('growth: no points yet (one an hour at most, after a codex session or a `codexguard maintain`)');
  else {
    out.push(
      `growth, last 7 days in 6-hour steps (${s.growth.points} point${s.growth.points === 1 ? '' : 's'} since ${new Date(s.growth.oldest!).toISOString().slice(0, 10)}):`,
    );
    const rows = s.growth.dbs.map((g) => {
      const limit =
        g.hoursToLimit === null
          ? ''
          : g.hoursToLimit === 0
            ? `; over logs.maxSize (${humanSize(s.limits.logMaxBytes)})`
            : `; reaches logs.maxSize (${humanSize(s.limits.logMaxBytes)}) in about ${ago(g.hoursToLimit * 3_600_000)}`;
      return [
        `  ${g.name}`,
        sparkly(
          g.spark.map((v) => v ?? Number.NaN),
          { minimum: 0 },
        ),
        `${perHour(g.bytesPerHour, g.rowsPerHour)}${limit}`,
      ];
    });
    out.push(textTable(rows));
  }
  if (s.lastSession) out.push(describeLast(s.lastSession, now));
  return out;
}
