// `codexguard install`: links the shim first on PATH for the user's shells, then checks it with those shells.
import { existsSync } from 'node:fs';
import { CodexguardError, EXIT } from '../../errors.ts';
import { activate, type ActivateResult } from '../../activate/activate.ts';
import { linkTargets, tildify } from '../../activate/locations.ts';
import { runProbes } from '../../activate/probe.ts';
import { defaultShells, parseShells, SHELLS, type Shell } from '../../activate/shells.ts';
import { probesFor, reloadHint } from '../../activate/verify.ts';

/** commander's options for `install`. */
export interface InstallOptions {
  shell?: string[];
  verify?: boolean;
  /** `--no-schedule`: leave the scheduled maintain out. */
  schedule?: boolean;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The shells to activate: --shell if given, else $SHELL's plus those with start-up files. */
function chooseShells(opts: InstallOptions, env: NodeJS.ProcessEnv): Shell[] {
  const shells = opts.shell?.length ? parseShells(opts.shell) : defaultShells(env, existsSync);
  if (shells.length === 0) {
    throw new CodexguardError(
      'E_NO_SHELL',
      `no supported shell found ($SHELL is ${env.SHELL || 'unset'}); name one with --shell ${SHELLS.join('|')}`,
      EXIT.usage,
    );
  }
  return shells;
}

/** Prints what activate changed, one line per link set and per file. */
function printChanges(result: ActivateResult, home: string | undefined): void {
  const linkChanges = [...new Set(result.links.map((l) => l.change))].join('/');
  say(
    `codexguard: links in ${tildify(result.linksDir, home)} (${result.links.map((l) => l.path.split('/').pop()).join(', ')}): ${linkChanges}`,
  );
  for (const plan of result.files) {
    const what =
      plan.change === 'added'
        ? 'block added'
        : plan.change === 'updated'
          ? 'block updated (moved to the end)'
          : 'block already there';
    say(
      `codexguard: ${plan.rc.shell}: ${tildify(plan.rc.path, home)}: ${what}${plan.current === undefined ? ' (file created)' : ''}`,
    );
  }
}

/** Installs, then (unless --no-verify) checks each shell; exit 1 if the shim is not what some shell runs. */
export async function run(opts: InstallOptions = {}): Promise<number> {
  const env = process.env;
  const shells = chooseShells(opts, env);
  const targets = linkTargets();
  const result = activate(env, shells, targets);
  printChanges(result, env.HOME);
  let status = 0;
  if (opts.verify !== false) {
    say('codexguard: checking with your shells (`command -v codex` as a new shell would see it):');
    const filesOf = (shell: Shell) =>
      result.files.filter((f) => f.rc.shell === shell).map((f) => tildify(f.rc.path, env.HOME));
    const results = await runProbes(probesFor(shells), env, targets.codex, (probe) => filesOf(probe.shell));
    for (const { probe, verdict } of results) {
      say(`  ${verdict.level.padEnd(7)} ${`${probe.shell} (${probe.mode})`.padEnd(18)} ${verdict.text}`);
    }
    if (results.some((r) => r.verdict.level === 'problem')) {
      status = EXIT.failure;
      say(
        'codexguard: installed, but the shim is not what every shell runs as `codex` (see above); `codexguard uninstall` undoes it',
      );
    }
  }
  if (opts.schedule !== false) {
    // Codex's daemon holds the DBs between launches for hours: a rotation due then waits for the scheduled maintain.
    const { commandContext } = await import('../../command-context.ts');
    const { installSchedule } = await import('../../schedule/install.ts');
    const { loaded } = await commandContext(true);
    const report = await installSchedule({ everyMs: loaded.config['schedule.every'] });
    for (const line of report.lines) say(`codexguard: ${line}`);
    if (!report.ok)
      say('codexguard: the shim is installed without the scheduled maintain; `codexguard schedule install` retries it');
  }
  say(reloadHint(env.PATH, result.linksDir, 'install'));
  return status;
}
