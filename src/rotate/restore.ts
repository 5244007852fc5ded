// Puts an archive back in place of a DB (the current file set becomes an archive itself), only while nobody has the DB open.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openExisting } from '../sqlite/open.ts';
import { failure, type StepResult } from '../sqlite/errors.ts';
import { findArchive } from './archives.ts';
import { tryMaintenanceLock } from '../codex/maintenance-lock.ts';
import { ARCHIVE_RESTORING } from './names.ts';
import { openers as osOpeners } from '../codex/holders.ts';
import { recoverDb } from './recover.ts';
import { finalizeArchives, finishSwap, paths, stageArchive } from './swap.ts';

/** What a restore did; `archive` is where the replaced file set went. */
export interface RestoreResult extends StepResult {
  db?: string;
  archive?: string;
}

/**
 * Restores archive `ref` (name, path or stamp) into `dir`. The archive's -wal is first
 * checkpointed into its own main file (so one self-contained file moves), which is then
 * checked (quick_check), and swapped in with the same crash-safe steps as a rotation.
 */
export async function restoreArchive(
  dir: string,
  ref: string,
  options: { openers?: (paths: string[]) => Promise<readonly number[]>; at?: Date } = {},
): Promise<RestoreResult> {
  const archive = findArchive(dir, ref);
  if (!archive)
    return { ok: false, code: 'E_MISSING', message: `no archive ${ref} in ${dir} (see \`codexguard archives\`)` };
  const name = archive.db;
  const p = paths(dir, name);
  const whoHasOpen = options.openers ?? osOpeners;
  const attempt = await tryMaintenanceLock(dir);
  if (attempt.state === 'busy')
    return {
      ok: false,
      code: 'E_BUSY',
      message:
        attempt.reason ??
        `a running Codex holds ${dir}/.sqlite-maintenance.lock; quit it (and stop its daemon: \`codex app-server daemon stop\`), then retry`,
    };
  let source = archive.path;
  try {
    await recoverDb(dir, name, whoHasOpen);
    const users = await whoHasOpen([p.main, p.wal, p.shm]);
    if (users.length)
      return {
        ok: false,
        code: 'E_IN_USE',
        message: `${name} is open in pid ${users.join(', ')}; quit Codex and retry`,
      };
    if (archive.compressed) {
      source = archive.path.slice(0, -'.archive.tgz'.length) + ARCHIVE_RESTORING;
      rmSync(source, { recursive: true, force: true });
      mkdirSync(source);
      const { extract } = await import('tar');
      await extract({ file: archive.path, cwd: source });
    }
    const restored = join(source, name);
    selfContained(restored);
    if (existsSync(p.main)) stageArchive(dir, name, options.at ?? new Date());
    renameSync(restored, p.ready);
    rmSync(source, { recursive: true, force: true });
    finishSwap(dir, name);
    const [replaced] = finalizeArchives(dir, name);
    if (archive.compressed) rmSync(archive.path, { force: true });
    const where = replaced ? `; the replaced one is in ${replaced}` : '';
    return {
      ok: true,
      code: 'OK',
      message: `${name} restored from ${archive.name}${where}`,
      db: name,
      archive: replaced,
    };
  } catch (error) {
    if (source !== archive.path) rmSync(source, { recursive: true, force: true });
    return { ...failure(`cannot restore ${archive.name}`, error), db: name };
  } finally {
    if (attempt.state === 'held') await attempt.lock.release();
  }
}

/** Folds the archive's -wal into its main file and checks it, so the main file alone is the whole DB. */
function selfContained(path: string): void {
  const db = openExisting(path, { busyTimeoutMs: 1000 });
  try {
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (row?.busy) throw Object.assign(new Error('its -wal could not be checkpointed'), { code: 'SQLITE_BUSY' });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(`quick_check: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
  } finally {
    db.close();
  }
}
