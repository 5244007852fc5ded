// The gzip of archives a rotation left, under the compress lock (`codexguard maintain`, and the detached one a launch starts).
import type { SqliteHome } from '../inventory/sqlite-home.ts';
import { scanInventory } from '../inventory/scan.ts';
import { withPreflightLock } from '../lock/preflight-lock.ts';
import { line, outcomeLine } from '../outcome.ts';

/**
 * Gzips the archives not yet compressed (`codexguard maintain`, and the detached one a launch starts after a rotation);
 * true when all went well. Under its own lock, never the pre-flight's: an archive is no longer the live DB, so a gzip
 * of seconds never holds up a launch. Under that lock a `.tgz.partial` can only be a dead compressor's: it goes first.
 */
export async function compressPending(
  home: SqliteHome,
  lockTimeoutMs: number,
  say: (line: string) => void,
): Promise<boolean> {
  const { listArchives } = await import('../rotate/archives.ts');
  if (listArchives(home.dir).every((a) => a.compressed) && scanInventory(home.dir).compressing.length === 0)
    return true;
  const { compressArchives, recoverCompression } = await import('../rotate/compress.ts');
  const locked = await withPreflightLock(
    home.codexHome,
    lockTimeoutMs,
    () => {
      for (const db of scanInventory(home.dir).compressing) recoverCompression(home.dir, db);
      return compressArchives(home.dir);
    },
    undefined,
    'compress',
  );
  if (!locked.acquired) {
    say(line(`${locked.message}; archives left uncompressed`, locked.code));
    return false;
  }
  for (const r of locked.value) say(outcomeLine(r));
  return locked.value.every((r) => r.ok);
}
