// Finishes or undoes whatever an interrupted rotation, restore or compression left beside a DB (run under the maintenance lock).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dropBuild, dropReady, finalizeArchives, finishSwap, keepReadyAsArchive, paths, stagedWal } from './swap.ts';
import { parseRotationName } from './names.ts';
import { openers as osOpeners } from '../codex/holders.ts';

/** What recovery did for one DB. */
export interface RecoverOutcome {
  /** rolled-forward: the new DB went in; rolled-back: a process had the old one open, so it stays; cleaned: only leftovers removed. */
  action: 'rolled-forward' | 'rolled-back' | 'cleaned';
  archives: string[];
}

/**
 * A ready file means the new DB was complete and the old set already archived: finish the swap,
 * unless some process has opened the live DB meanwhile, or the live set has a -wal other than the
 * one staged (a codex wrote to it since). Then the live DB stays, and the new one is dropped, or,
 * when the old -wal is already gone from the live set (the kill came inside the swap), kept as an
 * archive: it then holds the only copy of that -wal's rows. Then drop partial builds, finish archives
 * whose swap happened, drop the rest, and clean up restore leftovers. (A compression's leftovers are
 * the compressor's: see compress.ts.)
 */
export async function recoverDb(
  dir: string,
  name: string,
  whoHasOpen: (paths: string[]) => Promise<readonly number[]> = osOpeners,
): Promise<RecoverOutcome> {
  const p = paths(dir, name);
  let action: RecoverOutcome['action'] = 'cleaned';
  if (existsSync(p.ready)) {
    let users: readonly number[] | 'unknown';
    try {
      users = await whoHasOpen([p.main, p.wal, p.shm]);
    } catch {
      users = 'unknown';
    }
    const wal = stagedWal(dir, name);
    if (users === 'unknown' || users.length || wal === 'replaced') {
      if (wal === 'live' || wal === 'none') dropReady(dir, name);
      else keepReadyAsArchive(dir, name, new Date());
      action = 'rolled-back';
    } else {
      finishSwap(dir, name);
      action = 'rolled-forward';
    }
  }
  dropBuild(dir, name);
  const archives = finalizeArchives(dir, name);
  for (const entry of readdirSync(dir)) {
    const parsed = parseRotationName(entry);
    if (parsed?.db !== name) continue;
    // An unpacked copy for a restore that never finished, or an archive a restore already emptied.
    const emptied = parsed.kind === 'archive' && !existsSync(join(dir, entry, name));
    if (parsed.kind === 'restoring' || emptied) rmSync(join(dir, entry), { recursive: true, force: true });
  }
  return { action, archives };
}
