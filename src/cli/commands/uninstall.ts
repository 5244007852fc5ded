// `codexguard uninstall`: removes exactly what install added; running it again changes nothing.
import { line } from '../../outcome.ts';
import { deactivate } from '../../activate/deactivate.ts';
import { tildify } from '../../activate/locations.ts';
import { reloadHint } from '../../activate/verify.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

const HOW = {
  exact: 'block removed',
  markers: 'block removed between its markers (it had been edited, so spacing around it may differ)',
  deleted: 'deleted (install had created it)',
  missing: 'gone already',
  none: 'no codexguard block left in it',
} as const;

/** Says what stays (with sizes), or with `--purge` removes it. */
async function leftovers(env: NodeJS.ProcessEnv, purge: boolean): Promise<number> {
  const [
    { findLeftovers, purgeLeftovers },
    { dataDir, findPackageRoot },
    { codexHomeDir, resolveSqliteHome },
    { humanSize },
  ] = await Promise.all([
    import('../../activate/leftovers.ts'),
    import('../../activate/locations.ts'),
    import('../../inventory/sqlite-home.ts'),
    import('../../human.ts'),
  ]);
  const { dirname } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const codexHome = codexHomeDir(env);
  const sqliteHome = (await resolveSqliteHome(env)).dir;
  const found = findLeftovers({
    packageRoot: findPackageRoot(dirname(fileURLToPath(import.meta.url))),
    codexHome,
    sqliteHome,
  });
  const where = (paths: string[]) =>
    paths.length === 1
      ? `at ${tildify(paths[0]!, env.HOME)}`
      : `in ${[...new Set(paths.map((p) => tildify(dirname(p), env.HOME)))].join(', ')}`;
  const purgeable = found.filter((l) => l.purge);
  const size = (l: { bytes?: number }) => (l.bytes === undefined ? '' : ` (${humanSize(l.bytes)})`);
  if (purge) {
    const failed = purgeLeftovers(found, [dataDir(env)]);
    for (const l of purgeable) say(`codexguard: removed ${l.what} ${where(l.paths)}${size(l)}`);
    for (const l of found.filter((x) => !x.purge))
      say(`codexguard: left ${l.what} ${where(l.paths)}${size(l)}: ${l.hint}`);
    for (const path of failed)
      process.stderr.write(`${line(`could not remove ${tildify(path, env.HOME)}`, 'E_PURGE')}\n`);
    return failed.length > 0 ? 1 : 0;
  }
  for (const l of found) say(`codexguard: left ${l.what} ${where(l.paths)}${size(l)}${l.purge ? '' : `: ${l.hint}`}`);
  if (purgeable.length > 0) {
    say(
      `codexguard: \`codexguard uninstall --purge\` removes ${purgeable.length === 1 ? 'it' : `those ${purgeable.length}`}${size({ bytes: purgeable.reduce((n, l) => n + (l.bytes ?? 0), 0) })}; Codex's own DBs stay either way`,
    );
  }
  return 0;
}

/** Uninstalls and reports each change, then what stays; exit 0 unless something could not be removed. */
export async function run(opts: { purge?: boolean } = {}): Promise<number> {
  const env = process.env;
  // The scheduled job first: folders it shares with the rc files (~/.config) can then go with them.
  const { removeSchedule } = await import('../../schedule/install.ts');
  const schedule = await removeSchedule();
  const result = deactivate(env);
  if (schedule.changed || !schedule.ok) for (const line of schedule.lines) say(`codexguard: ${line}`);
  for (const warning of result.warnings) process.stderr.write(`codexguard: warning: ${warning}\n`);
  for (const file of result.files) say(`codexguard: ${tildify(file.path, env.HOME)}: ${HOW[file.how]}`);
  for (const link of result.links) say(`codexguard: removed the link ${tildify(link, env.HOME)}`);
  if (result.manifest) say(`codexguard: removed the install record ${tildify(result.manifest, env.HOME)}`);
  const changed =
    schedule.changed ||
    result.files.some((f) => f.how !== 'none' && f.how !== 'missing') ||
    result.links.length > 0 ||
    result.manifest !== undefined;
  if (!changed) say('codexguard: nothing to remove (not installed)');
  const status = await leftovers(env, opts.purge === true);
  if (changed) say(reloadHint(env.PATH, '', 'uninstall'));
  return status;
}
