// The SQL of the trigger that `logs.dropLevels` and `logs.filter` install, and the pure decisions about it (no SQLite here).
import { dropCondition, LEVELS, parseFilter } from './filter.ts';

/** The one trigger codexguard puts in a log DB; the name says whose it is. */
export const TRIGGER_NAME = 'codexguard_drop_levels';

/** Codex writes `tracing::Level::as_str()`: these five, upper-case. Listed most verbose first everywhere. */
const ORDER: readonly string[] = LEVELS.slice(1).reverse();

/** Upper-cased, de-duplicated, in TRACE..ERROR order (unknown names after, sorted); throws on a name that is not [A-Z]+. */
export function normalizeLevels(levels: readonly string[]): string[] {
  const set = new Set<string>();
  for (const level of levels) {
    const upper = level.trim().toUpperCase();
    if (!/^[A-Z]+$/.test(upper)) throw new Error(`not a log level: ${JSON.stringify(level)}`);
    set.add(upper);
  }
  const rank = (l: string) => (ORDER.includes(l) ? ORDER.indexOf(l) : ORDER.length);
  return [...set].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** What the trigger drops: whole levels (`logs.dropLevels`, normalized) and/or what a `logs.filter` does not keep (its canonical text). */
export interface DropRule {
  levels: string[];
  filter: string | null;
}

/** The rule for these config values; throws with a one-line reason on a bad level or filter. */
export function ruleOf(levels: readonly string[], filter: string | null = null): DropRule {
  if (filter === null) return { levels: normalizeLevels(levels), filter: null };
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(`not a filter: ${parsed.reason}`);
  return { levels: normalizeLevels(levels), filter: parsed.text };
}

/** True when the rule drops nothing (no trigger wanted). */
export function isEmptyRule(rule: DropRule): boolean {
  return rule.levels.length === 0 && rule.filter === null;
}

/** One key for comparing rules (and for the state file). */
export function ruleKey(rule: DropRule): string {
  return JSON.stringify([rule.levels, rule.filter]);
}

/** A few words on what a rule drops, for the lines of maintain, doctor and status. */
export function describeRule(rule: DropRule): string {
  const parts = [
    ...(rule.levels.length ? [`${rule.levels.join(', ')} rows`] : []),
    ...(rule.filter !== null ? [`rows that logs.filter "${rule.filter}" does not keep`] : []),
  ];
  return parts.length ? `drops ${parts.join(' and ')}` : 'drops no log rows';
}

/**
 * The trigger: a BEFORE INSERT that ignores the rows the rule drops. RAISE(IGNORE) skips only the row being
 * inserted; the other rows of Codex's multi-row INSERT, and its transaction, go on unharmed. With a filter, its
 * canonical text rides along in a comment, which SQLite keeps in sqlite_schema, so the trigger can be read back.
 */
export function triggerSql(rule: DropRule): string {
  if (isEmptyRule(rule)) throw new Error('no levels to drop');
  const inList = rule.levels.length ? `NEW.level IN (${rule.levels.map((l) => `'${l}'`).join(', ')})` : '';
  if (rule.filter === null)
    return `CREATE TRIGGER ${TRIGGER_NAME} BEFORE INSERT ON logs WHEN ${inList} BEGIN SELECT RAISE(IGNORE); END`;
  const parsed = parseFilter(rule.filter);
  if (!parsed.ok) throw new Error(`not a filter: ${parsed.reason}`);
  const condition = [dropCondition(parsed.directives), ...(inList ? [inList] : [])].join(' OR ');
  return `CREATE TRIGGER ${TRIGGER_NAME} BEFORE INSERT ON logs WHEN /* logs.filter: ${parsed.text} */ ${condition} BEGIN SELECT RAISE(IGNORE); END`;
}

/** The statement that removes it. */
export const DROP_TRIGGER_SQL = `DROP TRIGGER IF EXISTS ${TRIGGER_NAME}`;

/** The rule of an installed trigger, from its `sqlite_schema.sql`; null when it is not exactly what triggerSql() writes. */
export function parseTrigger(sql: string): DropRule | null {
  const text = sql.trim();
  const filter =
    /^CREATE TRIGGER \w+ BEFORE INSERT ON logs WHEN \/\* logs\.filter: ([^*]*) \*\//.exec(text)?.[1] ?? null;
  const list = / NEW\.level IN \(([^)]*)\) BEGIN SELECT RAISE\(IGNORE\); END$/.exec(text)?.[1];
  let rule: DropRule;
  try {
    const items = list === undefined ? [] : list.split(',').map((s) => s.trim());
    if (!items.every((s) => /^'[A-Z]+'$/.test(s))) return null;
    rule = ruleOf(
      items.map((s) => s.slice(1, -1)),
      filter,
    );
    if (isEmptyRule(rule)) return null;
  } catch {
    return null;
  }
  // Anything else in it (an edited condition, another name) and it is not ours to describe.
  return triggerSql(rule) === text.replace(/^CREATE TRIGGER \w+/, `CREATE TRIGGER ${TRIGGER_NAME}`) ? rule : null;
}

/** What to do to a log DB: `installed` is undefined (no trigger), null (a trigger of that name we cannot read) or its rule. */
export type DropPlan = 'none' | 'create' | 'replace' | 'drop';

/** Decides from the installed trigger and the wanted rule (already normalized). */
export function planDropLevels(installed: DropRule | null | undefined, wanted: DropRule): DropPlan {
  if (isEmptyRule(wanted)) return installed === undefined ? 'none' : 'drop';
  if (installed === undefined) return 'create';
  if (installed !== null && ruleKey(installed) === ruleKey(wanted)) return 'none';
  return 'replace';
}
