// `codexguard archives [--json]`: lists the archives rotations left beside Codex's DBs, newest first.
import { line } from '../../outcome.ts';
import { resolveSqliteHome } from '../../inventory/sqlite-home.ts';
import { listArchives } from '../../rotate/archives.ts';
import { humanSize } from '../../human.ts';

/** Prints a table (or JSON) of every archive in the SQLite home. */
export async function run(options: { json?: boolean } = {}): Promise<number> {
  const home = await resolveSqliteHome(process.env);
  if (home.warning) process.stderr.write(`${line(home.warning, 'W_SQLITE_HOME')}\n`);
  const archives = listArchives(home.dir);
  if (options.json) {
    const rows = archives.map((a) => ({
      name: a.name,
      db: a.db,
      path: a.path,
      date: a.date.toISOString(),
      compressed: a.compressed,
      bytes: a.bytes,
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (!archives.length) {
    process.stdout.write(`no archives in ${home.dir}\n`);
    return 0;
  }
  for (const a of archives) {
    process.stdout.write(
      `${a.name}  ${a.date.toISOString()}  ${humanSize(a.bytes)}${a.compressed ? '  (compressed)' : ''}\n`,
    );
  }
  process.stdout.write(`restore one with: codexguard restore <name>\n`);
  return 0;
}
