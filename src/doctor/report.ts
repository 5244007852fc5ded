// doctor's result: one check per concern (ok / warn / fail, a summary, a one-line fix), and the report they make.
import { oneLine } from '../errors.ts';

/** How a check came out: `fail` makes `codexguard doctor` exit 1; `warn` works but deserves a look. */
export type Level = 'ok' | 'warn' | 'fail';

/**
 * One check of `codexguard doctor --json` (version 1).
 * - `id`: stable. `path`, `real-codex`, `config`, `dbs`, `db:<file name>` (e.g. `db:logs_2.sqlite`), `codex`, `lock`,
 *   `sessions`, `archives`, `crashes`, `schedule`, `drop-levels`.
 * - `level`: `ok` | `warn` | `fail`.
 * - `summary`: one line for a person.
 * - `fix`: present exactly when `level` is not `ok`; one line, usually a command to run.
 * - `details`: facts behind the verdict (paths, sizes in bytes, pids); its fields may grow, never change meaning.
 */
export interface Check {
  id: string;
  level: Level;
  summary: string;
  fix?: string;
  details?: Record<string, unknown>;
}

/**
 * The whole of `codexguard doctor --json`, version 1:
 * `{ version: 1, ok: boolean, checks: Check[] }`. `ok` is false when any check is `fail`
 * (then the exit status is 1). Checks come in a fixed order (the ids above), `db:*` sorted by name.
 */
export interface DoctorReport {
  version: 1;
  ok: boolean;
  checks: Check[];
}

/** A check that passed. */
export function ok(id: string, summary: string, details?: Record<string, unknown>): Check {
  return details ? { id, level: 'ok', summary, details } : { id, level: 'ok', summary };
}

/** A check that did not pass, with its fix. */
export function notOk(
  id: string,
  level: Exclude<Level, 'ok'>,
  summary: string,
  fix: string,
  details?: Record<string, unknown>,
): Check {
  return details ? { id, level, summary, fix, details } : { id, level, summary, fix };
}

/** The report for a list of checks (pure). */
export function buildReport(checks: readonly Check[]): DoctorReport {
  return { version: 1, ok: !checks.some((c) => c.level === 'fail'), checks: [...checks] };
}

/** One line for an unexpected error. */
export function reason(error: unknown): string {
  return oneLine(error).trim() || 'unknown error';
}

/** The check an unexpected error becomes: `fail`, naming the error (doctor itself never throws). */
export function crashed(id: string, error: unknown): Check {
  return notOk(
    id,
    'fail',
    `could not check: ${reason(error)}`,
    'a bug in codexguard: please open an issue with this line',
  );
}

/** Runs one gatherer+judgment; an error thrown inside becomes that check's `fail`. */
export async function guarded(id: string, produce: () => Check[] | Check | Promise<Check[] | Check>): Promise<Check[]> {
  try {
    const out = await produce();
    return Array.isArray(out) ? out : [out];
  } catch (error) {
    return [crashed(id, error)];
  }
}
