// Packs finished archive folders into .tgz files, crash-safely; meant to run off the launch path (detached child or `maintain`).
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listArchives } from './archives.ts';
import { ARCHIVE_TGZ_PARTIAL } from './names.ts';
import { fsyncFile, syncDir } from './fsync.ts';
import { failure, type StepResult } from '../sqlite/errors.ts';

/** The outcome for one archive. */
export interface CompressResult extends StepResult {
  archive: string;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Compresses every uncompressed archive in `dir` (of `db` only, when given): tar+gzip into
 * `<name>.tgz.partial`, fsync, rename to `<name>.tgz`, then remove the folder. A kill at any
 * point leaves the folder intact (recovery drops a .partial, or the folder once its .tgz exists).
 */
export async function compressArchives(dir: string, db?: string): Promise<CompressResult[]> {
  const { create } = await import('tar');
  const results: CompressResult[] = [];
  for (const archive of listArchives(dir, db).filter((a) => !a.compressed)) {
    const tgz = `${archive.path}.tgz`;
    const partial = archive.path.slice(0, -'.archive'.length) + ARCHIVE_TGZ_PARTIAL;
    try {
      await create({ gzip: { level: 6 }, file: partial, cwd: archive.path, portable: true }, readdirSync(archive.path));
      fsyncFile(partial);
      renameSync(partial, tgz);
      syncDir(dir);
      rmSync(archive.path, { recursive: true, force: true });
      const bytesAfter = listArchives(dir, archive.db).find((a) => a.path === tgz)?.bytes ?? 0;
      results.push({
        ok: true,
        code: 'OK',
        message: `${archive.name}: compressed`,
        archive: tgz,
        bytesBefore: archive.bytes,
        bytesAfter,
      });
    } catch (error) {
      rmSync(partial, { force: true });
      results.push({
        ...failure(`cannot compress ${archive.name}`, error),
        archive: archive.path,
        bytesBefore: archive.bytes,
        bytesAfter: archive.bytes,
      });
    }
  }
  return results;
}

/** Cleans up after an interrupted compression of `db`'s archives: drops .tgz.partial files, and folders whose .tgz is complete. */
export function recoverCompression(dir: string, db: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`${db}.`)) continue;
    if (name.endsWith(ARCHIVE_TGZ_PARTIAL)) rmSync(join(dir, name), { force: true });
    else if (name.endsWith('.archive') && existsSync(join(dir, `${name}.tgz`)))
      rmSync(join(dir, name), { recursive: true, force: true });
  }
}
