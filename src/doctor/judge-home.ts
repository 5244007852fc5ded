// doctor's judgments on the config files and on each Codex DB against its limits (pure).
import { abiMismatch, oneLine } from '../errors.ts';
import { join } from 'node:path';
import { formatIssue, tildify, type ConfigIssue } from '../config/issues.ts';
import { ago, humanSize, signedSize } from '../human.ts';
import type { StatusJson } from '../status/gather.ts';
import { WARN_WITHIN_HOURS, type DbGrowth } from '../insight/growth.ts';
import { notOk, ok, type Check, type Level } from './report.ts';
import { sourceLabel } from '../inventory/sqlite-home.ts';

/** The config files found, their problems, and a broken `sqlite_home` in Codex's config.toml. */
export interface ConfigFacts {
  files: Array<{ level: string; path: string }>;
  issues: ConfigIssue[];
  sqliteHomeWarning?: string | undefined;
  home?: string | undefined;
}

/** The `config` check: an invalid value is a fail (its default applies meanwhile), an ignored one a warn. */
export function judgeConfig(f: ConfigFacts): Check {
  const t = (p: string) => tildify(p, f.home);
  const lines = f.issues.map((i) => formatIssue(i, f.home).replace(/^codexguard: /, ''));
  const details = {
    files: f.files,
    issues: lines,
    ...(f.sqliteHomeWarning ? { sqliteHome: f.sqliteHomeWarning } : {}),
  };
  for (const severity of ['error', 'warning'] as const) {
    const found = f.issues.filter((i) => i.severity === severity);
    if (found.length === 0) continue;
    const first = found[0]!;
    const more = f.issues.length > 1 ? ` (and ${f.issues.length - 1} more)` : '';
    const fix = `edit ${first.key ? `${first.key} in ` : ''}${t(first.file)}; \`codexguard config\` lists every problem`;
    return notOk(
      'config',
      severity === 'error' ? 'fail' : 'warn',
      `${lines[f.issues.indexOf(first)]}${more}`,
      fix,
      details,
    );
  }
  if (f.sqliteHomeWarning)
    return notOk('config', 'warn', f.sqliteHomeWarning, "fix sqlite_home in Codex's config.toml", details);
  const summary = f.files.length
    ? `${f.files.map((x) => `${t(x.path)} (${x.level})`).join(', ')}: valid`
    : 'no config file: the defaults apply';
  return ok('config', summary, details);
}

/** `PRAGMA quick_check` on one DB (`--deep`): ok, problems found, busy (could not get in), or not readable at all. */
export type QuickCheck =
  | { result: 'ok' }
  | { result: 'corrupt'; problems: string[] }
  | { result: 'busy' | 'error'; message: string };

/** What status gathered (sizes, limits, what is due), plus quick_check results by DB name with `--deep`. */
export interface DbFacts {
  status: Pick<StatusJson, 'dbs' | 'due' | 'limits' | 'sqliteHome'>;
  deep?: Record<string, QuickCheck>;
}

/** One finding on a DB. */
type Finding = { level: Exclude<Level, 'ok'>; text: string; fix: string };

/** The `dbs` check (where the DBs are) and one `db:<name>` check per DB: over a limit is a fail. */
export function judgeDbs(f: DbFacts): Check[] {
  const { dbs, due, limits, sqliteHome } = f.status;
  const where = `${sqliteHome.dir} (${sourceLabel(sqliteHome.source)})`;
  const checks = [
    ok(
      'dbs',
      dbs.length
        ? `${dbs.length} Codex database${dbs.length > 1 ? 's' : ''} in ${where}`
        : `no Codex databases yet in ${where}`,
      { dir: sqliteHome.dir, source: sqliteHome.source },
    ),
  ];
  const names = [...new Set([...dbs.map((d) => d.name), ...due.map((d) => d.db)])].sort();
  for (const name of names) {
    const db = dbs.find((d) => d.name === name);
    const path = join(sqliteHome.dir, name);
    const findings: Finding[] = due.filter((d) => d.db === name).map((d) => dueFinding(d, path));
    const quick = f.deep?.[name];
    if (quick && quick.result !== 'ok') findings.push(quickFinding(quick, path, db?.kind ?? 'state'));
    const details: Record<string, unknown> = db ? { ...db, path } : { path };
    if (quick) details.quickCheck = quick;
    const worst = findings.find((x) => x.level === 'fail') ?? findings[0];
    if (worst) {
      checks.push(notOk(`db:${name}`, worst.level, findings.map((x) => x.text).join('; '), worst.fix, details));
      continue;
    }
    const limit =
      db?.kind === 'log'
        ? `under ${humanSize(limits.logMaxBytes)}, WAL limit ${humanSize(limits.walMaxBytes)}`
        : `WAL limit ${humanSize(limits.walMaxBytes)}`;
    const pages =
      db?.live !== undefined && db.live !== null
        ? ` (live ${humanSize(db.live)}, free ${humanSize(db.free ?? 0)})`
        : '';
    const size = db?.exists
      ? `${db.kind} DB, ${humanSize(db.size)}${pages} + WAL ${humanSize(db.walSize)}`
      : 'only its -wal/-shm (no main file)';
    checks.push(ok(`db:${name}`, `${size}, ${limit}${quick ? '; quick_check ok' : ''}`, details));
  }
  return checks;
}

/** A due action as status reports it (a rotation with its plan). */
type Due = StatusJson['due'][number];

function dueFinding(d: Due, path: string): Finding {
  switch (d.action) {
    case 'rotate':
      // The fix must work in the state doctor sees: under a busy daemon `codexguard rotate` would only defer again.
      if (d.plan === 'defer') {
        return {
          level: 'warn',
          text: `${d.reason} (logs.maxSize); deferred, since ${d.why}`,
          fix: 'once Codex is idle the scheduled maintain or the next launch rotates it; now: `codexguard rotate --stop-daemon` (asks first)',
        };
      }
      return {
        level: 'fail',
        text: `${d.reason} (logs.maxSize)${d.plan === 'stop-daemon' ? "; Codex's daemon is idle, so a rotation stops it and starts it again" : ''}`,
        fix: 'codexguard rotate',
      };
    case 'checkpoint':
      return { level: 'fail', text: `${d.reason} (wal.maxSize)`, fix: 'codexguard maintain' };
    case 'orphan-wal':
      return {
        level: 'warn',
        text: d.reason,
        fix: `once no codex runs, move ${path}-wal aside (its main file is gone)`,
      };
    default:
      return { level: 'warn', text: d.reason, fix: 'codexguard maintain' };
  }
}

function quickFinding(q: Exclude<QuickCheck, { result: 'ok' }>, path: string, kind: string): Finding {
  if (q.result === 'busy')
    return {
      level: 'warn',
      text: `quick_check could not run: ${q.message}`,
      fix: 'codexguard doctor --deep (again, once codex is idle)',
    };
  const what =
    q.result === 'corrupt'
      ? `quick_check: ${q.problems[0] ?? 'failed'}${q.problems.length > 1 ? ` (and ${q.problems.length - 1} more)` : ''}`
      : `cannot be read: ${q.message}`;
  const fix =
    kind === 'log'
      ? `quit codex, then move ${path} (and its -wal, -shm) aside: Codex makes a new log DB`
      : `quit codex, copy ${path} (and its -wal, -shm) aside, then rebuild it with \`sqlite3 ${path} .recover\``;
  return { level: 'fail', text: what, fix };
}

/** The `sqlite` check: rotations and checkpoints need better-sqlite3; without it they fail open at every launch. */
export function judgeSqliteModule(r: { version: string } | { error: unknown }): Check {
  if ('version' in r) return ok('sqlite', `better-sqlite3 loads in node ${process.version} (SQLite ${r.version})`);
  const abi = abiMismatch(r.error);
  if (abi)
    return notOk('sqlite', 'fail', abi.message.replace(/: run .*$/, ''), abi.message.replace(/^.*?: (run .*)$/, '$1'), {
      code: abi.code,
    });
  return notOk(
    'sqlite',
    'fail',
    `better-sqlite3 does not load: ${oneLine(r.error)}`,
    'install codexguard again (`sh install/install.sh`, or `npm install -g` of its package)',
  );
}

/** The `growth` check's facts: status's growth figures, the log DB limit, and the biggest target of a DB growing too fast. */
export interface GrowthFacts {
  growth: StatusJson['growth'];
  logMaxBytes: number;
  top?: { target: string; share: number } | undefined;
}

/** The DB that reaches its limit soonest within WARN_WITHIN_HOURS at its current rate (pure; undefined when none). */
export function fastestToLimit(growth: StatusJson['growth']): DbGrowth | undefined {
  return growth.dbs
    .filter((g) => g.hoursToLimit !== null && g.hoursToLimit > 0 && g.hoursToLimit <= WARN_WITHIN_HOURS)
    .sort((a, b) => a.hoursToLimit! - b.hoursToLimit!)[0];
}

/** The `growth` check: a warn when a log DB would reach logs.maxSize within a day at its current rate, naming its top target. */
export function judgeGrowth(f: GrowthFacts): Check {
  const details = { ...f };
  if (f.growth.points === 0)
    return ok('growth', 'no points yet (one an hour at most, after a codex session or a scheduled maintain)', details);
  const fast = fastestToLimit(f.growth);
  if (fast) {
    const top = f.top
      ? `; most of it is ${f.top.target} (${Math.round(f.top.share * 100)} % of the bytes of the newest rows)`
      : '';
    const fix = f.top
      ? `keep ${f.top.target} out with logs.filter, e.g. "info,${f.top.target}=warn" (\`codexguard top\` shows the rest)`
      : 'see `codexguard top`, then set logs.filter or logs.dropLevels';
    return notOk(
      'growth',
      'warn',
      `${fast.name} grows ${humanSize(fast.bytesPerHour!)}/h: at that rate it reaches logs.maxSize (${humanSize(f.logMaxBytes)}) in about ${ago(fast.hoursToLimit! * 3_600_000)}${top}`,
      fix,
      details,
    );
  }
  const rated = f.growth.dbs.filter((g) => g.bytesPerHour !== null);
  if (!rated.length)
    return ok('growth', `${f.growth.points} point${f.growth.points === 1 ? '' : 's'}, not an hour apart yet`, details);
  const line = (g: DbGrowth) => {
    const limit =
      g.hoursToLimit === null
        ? ''
        : g.hoursToLimit === 0
          ? ' (over logs.maxSize: the next launch rotates it)'
          : ` (logs.maxSize in about ${ago(g.hoursToLimit * 3_600_000)})`;
    return `${g.name} ${signedSize(g.bytesPerHour!)}/h${limit}`;
  };
  return ok('growth', rated.map(line).join(', '), details);
}
