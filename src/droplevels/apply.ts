// Installs, replaces or removes the `logs.dropLevels` / `logs.filter` trigger in Codex's log DBs (better-sqlite3: cold path only).
import type { DropConfig } from './state.ts';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { scanInventory } from '../inventory/scan.ts';
import type { Outcome } from '../outcome.ts';
import { codeOf, reasonOf, type ResultCode } from '../sqlite/errors.ts';
import { openExisting, type Db } from '../sqlite/open.ts';
import {
  describeRule,
  DROP_TRIGGER_SQL,
  parseTrigger,
  planDropLevels,
  ruleOf,
  TRIGGER_NAME,
  triggerSql,
  type DropPlan,
  type DropRule,
} from './sql.ts';

/** What applyDropLevels did to one DB; it never throws. */
export interface DropLevelsResult extends Outcome<ResultCode | 'E_BAD_LEVEL' | 'E_BAD_FILTER'> {
  /** True when the DB's schema was written. */
  changed: boolean;
  action: DropPlan;
  /** What the installed trigger drops now (an empty rule = no trigger). */
  rule: DropRule;
}

const NONE: DropRule = { levels: [], filter: null };

/** The trigger as found in a DB: absent, ours with its rule, or a trigger of our name we cannot read (`installed` null). */
interface Found {
  hasLevelColumn: boolean;
  installed: DropRule | null | undefined;
}

function look(db: Db): Found {
  const hasLevelColumn = db.prepare("SELECT 1 FROM pragma_table_info('logs') WHERE name = 'level'").get() !== undefined;
  const row = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?").get(TRIGGER_NAME) as
    | { sql: string | null }
    | undefined;
  return { hasLevelColumn, installed: row === undefined ? undefined : parseTrigger(row.sql ?? '') };
}

/** The trigger in one log DB: read-only, never writes (for doctor and status). */
export function dropLevelsStatus(dbPath: string): { installed: boolean; rule: DropRule; error?: string } {
  if (!existsSync(dbPath)) return { installed: false, rule: NONE };
  try {
    const db = openExisting(dbPath, { readonly: true });
    try {
      const { installed } = look(db);
      if (installed === null)
        return {
          installed: true,
          rule: NONE,
          error: `${TRIGGER_NAME} is not the trigger codexguard writes; the next maintain replaces it`,
        };
      return { installed: installed !== undefined, rule: installed ?? NONE };
    } finally {
      db.close();
    }
  } catch (error) {
    return { installed: false, rule: NONE, error: reasonOf(error) };
  }
}

/**
 * Makes the trigger of `dbPath` drop exactly what `wanted` says (nothing wanted removes it). Looks first on a read-only
 * connection and writes only when something changes, in one IMMEDIATE transaction (DROP + CREATE)
 * under a short busy timeout: Codex's open connections re-prepare their statements on their own.
 */
export function applyDropLevels(
  dbPath: string,
  wantedConfig: DropConfig,
  options: { busyTimeoutMs?: number } = {},
): DropLevelsResult {
  const name = basename(dbPath);
  let wanted: DropRule;
  try {
    wanted = ruleOf(wantedConfig.levels, wantedConfig.filter ?? null);
  } catch (error) {
    const filter = /^not a filter/.test(reasonOf(error));
    return {
      ok: false,
      code: filter ? 'E_BAD_FILTER' : 'E_BAD_LEVEL',
      message: `${filter ? 'logs.filter' : 'logs.dropLevels'}: ${reasonOf(error)}`,
      changed: false,
      action: 'none',
      rule: NONE,
    };
  }
  if (!existsSync(dbPath))
    return {
      ok: true,
      code: 'OK',
      message: `${name}: no such DB yet, nothing to do`,
      changed: false,
      action: 'none',
      rule: NONE,
    };
  let found: Found;
  try {
    const ro = openExisting(dbPath, { readonly: true, busyTimeoutMs: options.busyTimeoutMs ?? 500 });
    try {
      found = look(ro);
    } finally {
      ro.close();
    }
  } catch (error) {
    return {
      ok: false,
      code: codeOf(error),
      message: `cannot read ${name}: ${reasonOf(error)}`,
      changed: false,
      action: 'none',
      rule: NONE,
    };
  }
  const before = found.installed ?? NONE;
  const action = planDropLevels(found.installed, wanted);
  if (action === 'none')
    return {
      ok: true,
      code: 'OK',
      message: `${name}: ${describeRule(before)} already`,
      changed: false,
      action,
      rule: before,
    };
  if (action !== 'drop' && !found.hasLevelColumn) {
    return {
      ok: false,
      code: 'E_NOT_LOG_DB',
      message: `${name}: no logs.level column, so no trigger was installed`,
      changed: false,
      action: 'none',
      rule: before,
    };
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
    return {
      ok: false,
      code: codeOf(error),
      message: `${name}: could not ${action} the ${TRIGGER_NAME} trigger: ${reasonOf(error)}`,
      changed: false,
      action,
      rule: before,
    };
  }
  return {
    ok: true,
    code: 'OK',
    message: `${name}: ${action === 'drop' ? 'no longer drops any log row' : describeRule(wanted)}`,
    changed: true,
    action,
    rule: action === 'drop' ? NONE : wanted,
  };
}

/** applyDropLevels on every log DB (`logs_N.sqlite`) in a SQLite home. */
export function applyDropLevelsAll(
  dir: string,
  wanted: DropConfig,
  options: { busyTimeoutMs?: number } = {},
): DropLevelsResult[] {
  return scanInventory(dir)
    .dbs.filter((db) => db.kind === 'log' && db.exists)
    .map((db) => applyDropLevels(db.path, wanted, options));
}
