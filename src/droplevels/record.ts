// Applies the drop rule to every log DB and records what was applied (the cold half of state.ts).
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { scanInventory } from '../inventory/scan.ts';
import { ensureGuardDir, writePrivateAtomic } from '../private-fs.ts';
import { outcomeLine } from '../outcome.ts';
import { applyDropLevelsAll } from './apply.ts';
import { logInodes, type DropConfig, type DropLevelsState } from './state.ts';

/** Installs, replaces or removes the trigger to match `wanted`; says one line per change or failure; true when all went well. */
export function applyAndRecord(
  dir: string,
  stateFile: string,
  wanted: DropConfig,
  say: (line: string) => void,
): boolean {
  const results = applyDropLevelsAll(dir, wanted);
  for (const r of results) if (r.changed || !r.ok) say(outcomeLine(r));
  const ok = results.every((r) => r.ok);
  if (!ok) return false;
  try {
    if (wanted.levels.length === 0 && (wanted.filter ?? null) === null) rmSync(stateFile, { force: true });
    else {
      // The state file lives in $CODEX_HOME/codexguard (see dropLevelsStateFile): made only when that home exists.
      ensureGuardDir(dirname(dirname(stateFile)), dirname(stateFile));
      const state: DropLevelsState = {
        levels: [...wanted.levels],
        filter: wanted.filter ?? null,
        dbs: logInodes(scanInventory(dir)),
      };
      writePrivateAtomic(stateFile, JSON.stringify(state));
    }
  } catch {
    // The next run applies again (a no-op) and tries to record it again.
  }
  return true;
}
