// `codexguard uninstall`: removes exactly what install added; running it again changes nothing.
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

/** Uninstalls and reports each change; always exit 0 unless a file cannot be written. */
export async function run(): Promise<number> {
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
  const changed = schedule.changed || result.files.some((f) => f.how !== 'none' && f.how !== 'missing') || result.links.length > 0 || result.manifest !== undefined;
  if (!changed) {
    say('codexguard: nothing to remove (not installed)');
    return 0;
  }
  say(reloadHint(env.PATH, '', 'uninstall'));
  return 0;
}
