// Applies `logs.dropLevels` to every log DB and records what was applied (the cold half of drop-levels.ts).
import { rmSync } from 'node:fs';
import { applyDropLevelsAll } from '../droplevels/apply.ts';
import { scanInventory } from '../inventory/scan.ts';
import { writePrivateAtomic, ensureGuardDir } from '../private-fs.ts';
import { dirname } from 'node:path';
import { logInodes, type DropLevelsState } from './drop-levels.ts';

/** Installs, replaces or removes the trigger to match `levels`; says one line per change or failure; true when all went well. */
export function applyAndRecord(dir: string, stateFile: string, levels: readonly string[], say: (line: string) => void): boolean {
  const results = applyDropLevelsAll(dir, levels);
  for (const r of results) if (r.changed || !r.ok) say(r.ok ? `codexguard: ${r.message}` : `codexguard: ${r.message} [${r.code}]`);
  const ok = results.every((r) => r.ok);
  if (!ok) return false;
  try {
    if (levels.length === 0) rmSync(stateFile, { force: true });
    else {
      // The state file lives in $CODEX_HOME/codexguard (see dropLevelsStateFile): made only when that home exists.
      ensureGuardDir(dirname(dirname(stateFile)), dirname(stateFile));
      const state: DropLevelsState = { levels: [...levels], dbs: logInodes(scanInventory(dir)) };
      writePrivateAtomic(stateFile, JSON.stringify(state));
    }
  } catch {
    // The next run applies again (a no-op) and tries to record it again.
  }
  return true;
}
