// Installs, replaces or removes the `logs.dropLevels` trigger in Codex's log DBs (better-sqlite3: cold path only).
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { scanInventory } from '../inventory/scan.ts';
import { codeOf, reasonOf, type ResultCode } from '../sqlite/errors.ts';
import { openExisting, type Db } from '../sqlite/open.ts';
import { DROP_TRIGGER_SQL, normalizeLevels, parseTriggerLevels, planDropLevels, TRIGGER_NAME, triggerSql, type DropPlan } from './sql.ts';

/** What applyDropLevels did to one DB; it never throws. */
export interface DropLevelsResult {
  ok: boolean;
  code: ResultCode | 'E_BAD_LEVEL';
  /** One line for a person, naming the DB. */
  message: string;
  /** True when the DB's schema was written. */
  changed: boolean;
  action: DropPlan;
  /** The levels the installed trigger drops now ([] = no trigger). */
  levels: string[];
}

/** The trigger as found in a DB: absent, ours with its levels, or a trigger of our name we cannot read (`installed`, levels null). */
interface Found {
  hasLevelColumn: boolean;
  installed: string[] | null | undefined;
}

function look(db: Db): Found {
  const hasLevelColumn = db.prepare("SELECT 1 FROM pragma_table_info('logs') WHERE name = 'level'").get() !== undefined;
  const row = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?").get(TRIGGER_NAME) as { sql: string | null } | undefined;
  return { hasLevelColumn, installed: row === undefined ? undefined : parseTriggerLevels(row.sql ?? '') };
}

/** The trigger in one log DB: read-only, never writes (for doctor and status). */
export function dropLevelsStatus(dbPath: string): { installed: boolean; levels: string[]; error?: string } {
  if (!existsSync(dbPath)) return { installed: false, levels: [] };
  try {
    const db = openExisting(dbPath, { readonly: true });
    try {
      const { installed } = look(db);
      if (installed === null) return { installed: true, levels: [], error: `${TRIGGER_NAME} is not the trigger codexguard writes; the next maintain replaces it` };
      return { installed: installed !== undefined, levels: installed ?? [] };
    } finally {
      db.close();
    }
  } catch (error) {
    return { installed: false, levels: [], error: reasonOf(error) };
  }
}

/**
 * Makes the trigger of `dbPath` drop exactly `levels` ([] removes it). Looks first on a read-only
 * connection and writes only when something changes, in one IMMEDIATE transaction (DROP + CREATE)
 * under a short busy timeout: Codex's open connections re-prepare their statements on their own.
 */
export function applyDropLevels(dbPath: string, levels: readonly string[], options: { busyTimeoutMs?: number } = {}): DropLevelsResult {
  const name = basename(dbPath);
  let wanted: string[];
  try {
    wanted = normalizeLevels(levels);
  } catch (error) {
    return { ok: false, code: 'E_BAD_LEVEL', message: `logs.dropLevels: ${reasonOf(error)}`, changed: false, action: 'none', levels: [] };
  }
  if (!existsSync(dbPath)) return { ok: true, code: 'OK', message: `${name}: no such DB yet, nothing to do`, changed: false, action: 'none', levels: [] };
  let found: Found;
  try {
    const ro = openExisting(dbPath, { readonly: true, busyTimeoutMs: options.busyTimeoutMs ?? 500 });
    try {
      found = look(ro);
    } finally {
      ro.close();
    }
  } catch (error) {
    return { ok: false, code: codeOf(error), message: `cannot read ${name}: ${reasonOf(error)}`, changed: false, action: 'none', levels: [] };
  }
  const before = found.installed ?? [];
  const action = planDropLevels(found.installed, wanted);
  if (action === 'none') return { ok: true, code: 'OK', message: `${name}: ${describe(before)} already`, changed: false, action, levels: before };
  if (action !== 'drop' && !found.hasLevelColumn) {
    return { ok: false, code: 'E_NOT_LOG_DB', message: `${name}: no logs.level column, so no trigger was installed`, changed: false, action: 'none', levels: before };
  }
  try {
    const db = openExisting(dbPath, { busyTimeoutMs: options.busyTimeoutMs ?? 500 });
    try {
      db.transaction(() => {
        db.exec(DROP_TRIGGER_SQL);
        if (action !== 'drop') db.exec(triggerSql(wanted));
      }).immediate();
    } finally {
      db.close();
    }
  } catch (error) {
    return { ok: false, code: codeOf(error), message: `${name}: could not ${action} the ${TRIGGER_NAME} trigger: ${reasonOf(error)}`, changed: false, action, levels: before };
  }
  return { ok: true, code: 'OK', message: `${name}: ${action === 'drop' ? 'no longer drops any level' : describe(wanted)}`, changed: true, action, levels: action === 'drop' ? [] : wanted };
}

function describe(levels: readonly string[]): string {
  return levels.length ? `drops ${levels.join(', ')} log rows` : 'drops no log rows';
}

/** applyDropLevels on every log DB (`logs_N.sqlite`) in a SQLite home. */
export function applyDropLevelsAll(dir: string, levels: readonly string[], options: { busyTimeoutMs?: number } = {}): DropLevelsResult[] {
  return scanInventory(dir)
    .dbs.filter((db) => db.kind === 'log' && db.exists)
    .map((db) => applyDropLevels(db.path, levels, options));
}
