// Keeps the drop trigger in step with the config, deciding from a small state file and inode numbers (the launch path's half).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory } from '../inventory/scan.ts';

/** What the trigger should drop, as the config says it: `logs.dropLevels`, and `logs.filter` (absent or null: not set). */
export interface DropConfig {
  levels: readonly string[];
  filter?: string | null;
}

/** What was last applied: the levels and filter, and the identity (inode and birth time) of each log DB it was applied to. */
export interface DropLevelsState {
  levels: string[];
  filter?: string | null;
  dbs: Record<string, string>;
}

/** Where the state lives: `$CODEX_HOME/codexguard/drop-levels.json`. */
export function dropLevelsStateFile(codexHome: string): string {
  return join(codexHome, 'codexguard', 'drop-levels.json');
}

const key = (levels: readonly string[], filter: string | null | undefined) =>
  JSON.stringify([[...levels].sort(), filter ?? null]);

/**
 * Whether the trigger must be (re)applied: the levels or the filter changed, or a log DB is not the file it was
 * applied to (Codex made a new one: another inode or birth time). Pure. Nothing wanted and nothing recorded: never due.
 */
export function dropLevelsDue(
  state: DropLevelsState | undefined,
  wanted: DropConfig,
  inodes: Readonly<Record<string, string>>,
): boolean {
  const nothing = key([], null);
  const recorded = key(state?.levels ?? [], state?.filter);
  const want = key(wanted.levels, wanted.filter);
  if (recorded === nothing && want === nothing) return false;
  if (recorded !== want) return true;
  if (want === nothing) return false;
  const names = Object.keys(inodes);
  return (
    names.length !== Object.keys(state?.dbs ?? {}).length || names.some((name) => state?.dbs[name] !== inodes[name])
  );
}

/** The state file's content, or undefined when it is missing or unreadable. */
export function readDropLevelsState(file: string): DropLevelsState | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DropLevelsState>;
    return Array.isArray(parsed.levels) && typeof parsed.dbs === 'object' && parsed.dbs !== null
      ? (parsed as DropLevelsState)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Each existing log DB's identity (inode and birth time: filesystems reuse a deleted file's inode at once), from the scan. */
export function logInodes(inventory: Inventory): Record<string, string> {
  return Object.fromEntries(
    inventory.dbs.filter((db) => db.kind === 'log' && db.exists).map((db) => [db.name, db.identity]),
  );
}
