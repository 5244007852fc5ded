// doctor's checks of the scheduled `maintain` job and of the `logs.dropLevels` trigger: facts, pure judgments, and their gathering.
import { join } from 'node:path';
import type { StatusJson } from '../status/gather.ts';
import type { CommandContext } from '../command-context.ts';
import { normalizeLevels, planDropLevels } from '../droplevels/sql.ts';
import { ago } from './judge-state.ts';
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
    return notOk('schedule', 'warn', 'no scheduled `codexguard maintain`: DBs used by the Desktop app or an IDE (never through the shim) are checked only when you start codex', 'codexguard schedule install', details);
  }
  if (f.problems.length) return notOk('schedule', 'warn', `${f.kind} job: ${f.problems.join('; ')}`, 'codexguard schedule install', details);
  const every = f.everyMs ? ` every ${Math.round(f.everyMs / 60_000)} min` : '';
  const last = f.lastRun ? `; last run ${ago(now - Date.parse(f.lastRun))} ago` : '';
  return ok('schedule', `${f.kind} runs \`codexguard maintain\`${every}${last}`, details);
}

/** The noise-control trigger: the levels config wants dropped, and each log DB's trigger (undefined: none; null: not ours to read). */
export interface DropLevelsFacts {
  wanted: string[];
  dbs: Array<{ name: string; levels: string[] | null | undefined; error?: string | undefined }>;
}

/** The `drop-levels` check: each log DB's trigger must match `logs.dropLevels` (maintain and the next launch apply it). */
export function judgeDropLevels(f: DropLevelsFacts | undefined): Check {
  if (f === undefined) return ok('drop-levels', 'not checked: this build has no logs.dropLevels module');
  const details = { ...f };
  const wanted = normalizeLevels(f.wanted);
  const wrong = f.dbs.filter((d) => d.error || planDropLevels(d.levels, wanted) !== 'none');
  if (wrong.length) {
    const d = wrong[0]!;
    const has = d.error ? `cannot be checked (${d.error})` : d.levels ? `drops ${d.levels.join(', ')}` : d.levels === null ? 'has a trigger of that name codexguard did not write' : 'has no trigger';
    const want = wanted.length ? `logs.dropLevels is ${wanted.join(', ')}` : 'logs.dropLevels is not set';
    return notOk('drop-levels', 'warn', `${want}, but ${d.name} ${has}`, 'codexguard maintain', details);
  }
  if (!wanted.length) return ok('drop-levels', 'off (logs.dropLevels is not set)', details);
  return ok('drop-levels', `${f.dbs.length ? f.dbs.map((d) => d.name).join(', ') : 'no log DB yet'}: ${wanted.join(', ')} rows dropped on insert`, details);
}

/** The scheduled `codexguard maintain` job, as `codexguard schedule status` sees it. */
export async function gatherSchedule(context: CommandContext): Promise<ScheduleFacts | undefined> {
  const { scheduleStatus } = await import('../schedule/status.ts');
  return scheduleStatus({ env: context.env, everyMs: context.loaded.config['schedule.every'] });
}

/** Each existing log DB's trigger, read on a read-only connection (better-sqlite3 loads here only). */
export async function gatherDropLevels(context: CommandContext, status: StatusJson): Promise<DropLevelsFacts> {
  const { dropLevelsStatus } = await import('../droplevels/apply.ts');
  const dbs = status.dbs.filter((d) => d.kind === 'log' && d.exists).map((d) => {
    const s = dropLevelsStatus(join(status.sqliteHome.dir, d.name));
    // An unreadable trigger of our name comes back installed, with an error that says so.
    if (s.installed && s.error) return { name: d.name, levels: null };
    return { name: d.name, levels: s.installed ? s.levels : undefined, error: s.error };
  });
  return { wanted: context.loaded.config['logs.dropLevels'], dbs };
}
