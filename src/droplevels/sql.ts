// The SQL of the `logs.dropLevels` trigger, and the pure decisions about it (no SQLite here).

/** The one trigger codexguard puts in a log DB; the name says whose it is. */
export const TRIGGER_NAME = 'codexguard_drop_levels';

/** Codex writes `tracing::Level::as_str()`: these five, upper-case. Listed in this order everywhere. */
const ORDER = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

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

/**
 * The trigger: a BEFORE INSERT that ignores rows at these levels. RAISE(IGNORE) skips only the row
 * being inserted; the other rows of Codex's multi-row INSERT, and its transaction, go on unharmed.
 */
export function triggerSql(levels: readonly string[]): string {
  const list = normalizeLevels(levels);
  if (list.length === 0) throw new Error('no levels to drop');
  return `CREATE TRIGGER ${TRIGGER_NAME} BEFORE INSERT ON logs WHEN NEW.level IN (${list.map((l) => `'${l}'`).join(', ')}) BEGIN SELECT RAISE(IGNORE); END`;
}

/** The statement that removes it. */
export const DROP_TRIGGER_SQL = `DROP TRIGGER IF EXISTS ${TRIGGER_NAME}`;

/** The levels of an installed trigger, from its `sqlite_schema.sql`; null when it is not the shape triggerSql() writes. */
export function parseTriggerLevels(sql: string): string[] | null {
  const match = /^CREATE TRIGGER \w+ BEFORE INSERT ON logs WHEN NEW\.level IN \(([^)]*)\) BEGIN SELECT RAISE\(IGNORE\); END$/.exec(sql.trim());
  if (!match) return null;
  const items = match[1]!.split(',').map((s) => s.trim());
  if (!items.every((s) => /^'[A-Z]+'$/.test(s))) return null;
  return normalizeLevels(items.map((s) => s.slice(1, -1)));
}

/** What to do to a log DB: `installed` is undefined (no trigger), null (a trigger of that name we cannot read) or its levels. */
export type DropPlan = 'none' | 'create' | 'replace' | 'drop';

/** Decides from the installed trigger and the wanted levels (already normalized). */
export function planDropLevels(installed: string[] | null | undefined, wanted: readonly string[]): DropPlan {
  if (wanted.length === 0) return installed === undefined ? 'none' : 'drop';
  if (installed === undefined) return 'create';
  if (installed !== null && installed.length === wanted.length && installed.every((l, i) => l === wanted[i])) return 'none';
  return 'replace';
}
