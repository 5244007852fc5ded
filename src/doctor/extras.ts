// doctor's checks of the scheduled `maintain` job and of the `logs.dropLevels` / `logs.filter` trigger: facts, pure judgments, and their gathering.
import type { DropConfig } from '../droplevels/state.ts';
import { join } from 'node:path';
import type { StatusJson } from '../status/gather.ts';
import type { CommandContext } from '../command-context.ts';
import { describeRule, isEmptyRule, planDropLevels, ruleOf, type DropRule } from '../droplevels/sql.ts';
import { ago } from '../human.ts';
import { notOk, ok, type Check } from './report.ts';

/** The scheduled job as doctor needs it: the fields of src/schedule's `ScheduleStatus` that it reads. */
export interface ScheduleFacts {
  installed: boolean;
  kind: string | null;
  everyMs: number | null;
  files: string[];
  lastRun: string | null;
  /** One line each (stale interval or program path, timer not loaded, several kinds installed...); empty when fine. */
  problems: string[];
}

/** The `schedule` check: not installed is a warn (the Desktop app and IDEs never go through the shim), so is a broken job. */
export function judgeSchedule(f: ScheduleFacts | undefined, now = Date.now()): Check {
  if (f === undefined) return ok('schedule', 'not checked: this build has no scheduler module');
  const details = { ...f };
  if (!f.installed) {
    return notOk(
      'schedule',
      'warn',
      'no scheduled `codexguard maintain`: DBs used by the Desktop app or an IDE (never through the shim) are checked only when you start codex',
      'codexguard schedule install',
      details,
    );
  }
  if (f.problems.length)
    return notOk('schedule', 'warn', `${f.kind} job: ${f.problems.join('; ')}`, 'codexguard schedule install', details);
  const every = f.everyMs ? ` every ${Math.round(f.everyMs / 60_000)} min` : '';
  const last = f.lastRun ? `; last run ${ago(now - Date.parse(f.lastRun))} ago` : '';
  return ok('schedule', `${f.kind} runs \`codexguard maintain\`${every}${last}`, details);
}

/** The noise-control trigger: what config wants dropped, and each log DB's trigger (undefined: none; null: not ours to read). */
export interface DropLevelsFacts {
  wanted: DropConfig;
  /** The config has an error on logs.dropLevels or logs.filter: the trigger is left as it is. */
  broken?: boolean;
  dbs: Array<{ name: string; rule: DropRule | null | undefined; error?: string | undefined }>;
}

/** The `drop-levels` check: each log DB's trigger must match `logs.dropLevels` and `logs.filter` (maintain and the next launch apply them). */
export function judgeDropLevels(f: DropLevelsFacts | undefined): Check {
  if (f === undefined) return ok('drop-levels', 'not checked: this build has no logs.dropLevels module');
  const details = { ...f };
  if (f.broken)
    return notOk(
      'drop-levels',
      'warn',
      'logs.dropLevels or logs.filter has an error, so the trigger is left as it is',
      'codexguard config',
      details,
    );
  const wanted = ruleOf(f.wanted.levels, f.wanted.filter ?? null);
  const wrong = f.dbs.filter((d) => d.error || planDropLevels(d.rule, wanted) !== 'none');
  const want = isEmptyRule(wanted) ? 'logs.dropLevels and logs.filter are not set' : `config ${describeRule(wanted)}`;
  if (wrong.length) {
    const d = wrong[0]!;
    const has = d.error
      ? `cannot be checked (${d.error})`
      : d.rule
        ? describeRule(d.rule)
        : d.rule === null
          ? 'has a trigger of that name codexguard did not write'
          : 'has no trigger';
    return notOk('drop-levels', 'warn', `${want}, but ${d.name} ${has}`, 'codexguard maintain', details);
  }
  if (isEmptyRule(wanted)) return ok('drop-levels', `off (${want})`, details);
  return ok(
    'drop-levels',
    `${f.dbs.length ? f.dbs.map((d) => d.name).join(', ') : 'no log DB yet'}: ${describeRule(wanted)} on insert`,
    details,
  );
}

/** The scheduled `codexguard maintain` job, as `codexguard schedule status` sees it. */
export async function gatherSchedule(context: CommandContext): Promise<ScheduleFacts | undefined> {
  const { scheduleStatus } = await import('../schedule/status.ts');
  return scheduleStatus({ env: context.env, everyMs: context.loaded.config['schedule.every'] });
}

/** Each existing log DB's trigger, read on a read-only connection (better-sqlite3 loads here only). */
export async function gatherDropLevels(context: CommandContext, status: StatusJson): Promise<DropLevelsFacts> {
  const { dropLevelsStatus } = await import('../droplevels/apply.ts');
  const dbs = status.dbs
    .filter((d) => d.kind === 'log' && d.exists)
    .map((d) => {
      const s = dropLevelsStatus(join(status.sqliteHome.dir, d.name));
      // An unreadable trigger of our name comes back installed, with an error that says so.
      if (s.installed && s.error) return { name: d.name, rule: null };
      return { name: d.name, rule: s.installed ? s.rule : undefined, error: s.error };
    });
  const { config } = context.loaded;
  return {
    wanted: { levels: config['logs.dropLevels'], filter: config['logs.filter'] },
    broken: context.settings.drop === undefined,
    dbs,
  };
}
