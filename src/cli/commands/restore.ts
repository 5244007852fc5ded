// `codexguard restore <archive>`: puts an archive back in place of its DB while no codex has it open.
import { line, outcomeLine } from '../../outcome.ts';
import { resolveSqliteHome } from '../../inventory/sqlite-home.ts';

/** Exit 0 when restored; 1 with one line otherwise (in use, not found, corrupt archive...). */
export async function run(archive: string): Promise<number> {
  const home = await resolveSqliteHome(process.env);
  if (home.warning) process.stderr.write(`${line(home.warning, 'W_SQLITE_HOME')}\n`);
  const { restoreArchive } = await import('../../rotate/restore.ts');
  const result = await restoreArchive(home.dir, archive);
  if (result.ok) process.stdout.write(`${result.message}\n`);
  else process.stderr.write(`${outcomeLine(result)}\n`);
  return result.ok ? 0 : 1;
}
