// codexguard's own CLI: parses its arguments with commander, loads each command lazily, catches errors in one place.
import { Command, CommanderError } from 'commander';
import { DEBUG, flag } from '../env.ts';
import { EXIT, formatError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { keepInspectorClosed } from '../boot/no-inspector.ts';
import { holdsSettled } from '../rotate/holds.ts';

/** A command module's entry: takes commander's parsed options (and positional args), returns an exit status. */
// biome-ignore lint/suspicious/noExplicitAny: commander hands each command its own parsed options and positional args.
export type CommandRun = (...args: any[]) => Promise<number>;

/** Wraps a lazily imported command so that its module loads only when it runs. */
function lazy(load: () => Promise<{ run: CommandRun }>) {
  return async (...args: unknown[]) => {
    const { run } = await load();
    // commander passes (…positionals, options, command): drop the Command object.
    process.exitCode = await run(...args.slice(0, -1));
  };
}

export function buildProgram(): Command {
  const program = new Command('codexguard')
    .description(
      'Keeps the OpenAI Codex CLI alive: a transparent `codex` shim with SQLite pre-flight checks and crash capture.',
    )
    .version(VERSION, '-v, --version')
    // A usage error is one line and a pointer to the help (exit 2), not 30 lines of help; subcommands inherit it.
    .configureOutput({
      outputError: (text, write) =>
        write(`codexguard: ${text.replace(/^error: /, '').trim()}; see codexguard --help\n`),
    })
    .exitOverride();

  program
    .command('install')
    .description('put the codex shim ahead of the real codex for your shells (bash, zsh, fish)')
    .option('--shell <name...>', 'shells to activate (default: $SHELL plus every supported shell with an rc file)')
    .option('--no-verify', 'do not check the result with the shells themselves')
    .option('--no-schedule', 'do not set up the scheduled `codexguard maintain` (see `codexguard schedule`)')
    .action(lazy(() => import('./commands/install.ts')));

  program
    .command('uninstall')
    .description('remove exactly what `codexguard install` added, the scheduled maintain included; say what stays')
    .option(
      '--purge',
      "also remove codexguard's own data (its state, crash bundles, DB archives) and a copy installed by install.sh; never Codex's DBs",
    )
    .action(lazy(() => import('./commands/uninstall.ts')));

  program
    .command('config')
    .description('show the effective .codexguardrc settings and where each came from')
    .option('--json', 'print stable JSON instead of a table')
    .action(lazy(() => import('./commands/config.ts')));

  program
    .command('status')
    .description(
      "Codex's databases (live data, free pages, WAL) against the limits, live sessions, archives and config sources",
    )
    .option('--json', 'print a stable JSON shape (version 1)')
    .action(lazy(() => import('./commands/status.ts')));

  program
    .command('top')
    .description("what fills Codex's log DB: the biggest targets and levels (rows and bytes), and rows per day")
    .option('--json', 'print a stable JSON shape (version 1)')
    .option('--rows <n>', 'read targets and levels from the newest n rows (default 50000)')
    .action(lazy(() => import('./commands/top.ts')));

  program
    .command('doctor')
    .description(
      'is the guard working? checks PATH order, the real codex, config, DBs, lock, sessions, archives, crashes, the schedule, drop-levels and better-sqlite3; exit 1 on any failure',
    )
    .option('--json', 'print a stable JSON shape (version 1)')
    .option('--deep', 'also run PRAGMA quick_check on every DB (read-only)')
    .action(lazy(() => import('./commands/doctor.ts')));

  program
    .command('maintain')
    .description(
      'run the pre-flight now without starting codex (for cron, systemd timers, launchd); safe while codex runs',
    )
    .action(lazy(() => import('./commands/maintain.ts')));

  program
    .command('rotate')
    .description("rotate Codex's log DBs and checkpoint WALs that are over the limits")
    .option('--dry-run', 'only say what would be done')
    .option('--force', 'rotate every log DB even when under the limit')
    .option('--stop-daemon', "stop Codex's app-server daemon even while it is in use (asks first, on a terminal only)")
    .action(lazy(() => import('./commands/rotate.ts')));

  program
    .command('archives')
    .description('list the archives left by rotations, newest first')
    .option('--json', 'print JSON')
    .action(lazy(() => import('./commands/archives.ts')));

  program
    .command('restore')
    .description('put an archive back in place of its DB (while no codex has it open)')
    .argument('<archive>', 'archive name, path or stamp (see `codexguard archives`)')
    .action(lazy(() => import('./commands/restore.ts')));

  const schedule = () => import('./commands/schedule.ts');
  const scheduleCmd = program
    .command('schedule')
    .description(
      'run `codexguard maintain` every schedule.every: a launchd agent on macOS, a systemd user timer on Linux, else a crontab line',
    );
  scheduleCmd
    .command('install')
    .description('install (or update) the scheduled job; running it twice changes nothing')
    .option('--cron', 'use a crontab line even where launchd or a systemd user manager is available')
    .action(lazy(async () => ({ run: (await schedule()).install })));
  scheduleCmd
    .command('remove')
    .description('remove the scheduled job: files, units and crontab line, exactly')
    .action(lazy(async () => ({ run: (await schedule()).remove })));
  scheduleCmd
    .command('status')
    .description('is it installed, which kind, interval, command, last run, problems')
    .option('--json', 'print a stable JSON shape (version 1)')
    .action(lazy(async () => ({ run: (await schedule()).status })));

  const crashes = () => import('./commands/crashes.ts');
  const crashCmd = program
    .command('crashes')
    .description('list the crash bundles, newest first (id, when, signal, codex version, likely cause)')
    .option('--json', 'print JSON')
    .action(lazy(crashes));
  crashCmd
    .command('show')
    .description('show one crash bundle')
    .argument('<id>', 'bundle id, a unique prefix, or "latest"')
    .option('--json', 'print the manifest')
    // `--json` after `show` lands on `crashes` (it has one too): read both.
    .action(async (id: string, _o: unknown, cmd: Command) => {
      process.exitCode = await (await crashes()).show(id, cmd.optsWithGlobals());
    });
  crashCmd
    .command('report')
    .description("print a crash bundle's REPORT.md, ready to paste into an issue")
    .argument('<id>', 'bundle id, a unique prefix, or "latest"')
    .action(lazy(async () => ({ run: (await crashes()).report })));
  crashCmd
    .command('pack')
    .description('write a crash bundle as a .tar.gz (mode 0600)')
    .argument('<id>', 'bundle id, a unique prefix, or "latest"')
    .option('-o, --output <file>', 'archive to write (default ./<id>.tar.gz)')
    .action(lazy(async () => ({ run: (await crashes()).pack })));
  crashCmd
    .command('finish', { hidden: true })
    .argument('<bundle>', 'bundle directory')
    .action(lazy(async () => ({ run: (await crashes()).finish })));

  return program;
}

async function main(): Promise<void> {
  keepInspectorClosed();
  const debug = flag(process.env[DEBUG]);
  try {
    await buildProgram().parseAsync(process.argv);
    // A rotation may still hold an old DB away from a late opener (at most 6 s): let it end before exiting.
    await holdsSettled();
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed help, the version or the usage error.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT.usage;
      return;
    }
    process.stderr.write(`${formatError(error, debug)}\n`);
    process.exitCode = (error as { exitCode?: number }).exitCode ?? EXIT.failure;
  }
}

await main();
