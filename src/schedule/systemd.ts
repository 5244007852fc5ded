// Linux: the systemd user service + timer (pure), reading them back, and what `systemctl --user show` says.
import { intervalSeconds } from './interval.ts';
import { checkPrintable, UNIT, type JobSpec } from './spec.ts';

/** A value in double quotes for a unit file: backslash and quote escaped, `%` doubled (specifiers), `$` doubled when `dollar` (ExecStart expands $VAR). */
export function unitQuote(value: string, dollar = true): string {
  let out = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  if (dollar) out = out.replace(/\$/g, '$$$$');
  return `"${out}"`;
}

/** The words of an ExecStart= line written with unitQuote(). */
export function unitUnquote(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) =>
    m[1]!.replace(/\\(.)/g, '$1').replace(/%%/g, '%').replace(/\$\$/g, '$'),
  );
}

/**
 * The two units. The timer fires OnStartupSec=5min after the user manager starts (first login;
 * a start time already past, as at install, fires at once), then OnUnitActiveSec after each run.
 * Both are monotonic: Persistent= applies to OnCalendar= only, so it is not used.
 * `append:` output needs systemd >= 240.
 */
export function systemdUnits(job: JobSpec): { service: string; timer: string } {
  checkPrintable([...job.program, job.logFile, job.cwd, ...job.env.flat()]);
  // Paths that take the rest of the line (no quoting): only `%` needs escaping.
  const log = job.logFile.replace(/%/g, '%%');
  const service = [
    '[Unit]',
    "Description=codexguard maintain: checkpoint and rotate the OpenAI Codex CLI's SQLite files",
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${job.program.map((a) => unitQuote(a)).join(' ')}`,
    `WorkingDirectory=${job.cwd.replace(/%/g, '%%')}`,
    ...job.env.map(([k, v]) => `Environment=${unitQuote(`${k}=${v}`, false)}`),
    `StandardOutput=append:${log}`,
    `StandardError=append:${log}`,
    'Nice=10',
    '',
  ].join('\n');
  const timer = [
    '[Unit]',
    'Description=Run codexguard maintain periodically',
    '',
    '[Timer]',
    'OnStartupSec=5min',
    `OnUnitActiveSec=${intervalSeconds(job.everyMs)}s`,
    `Unit=${UNIT}.service`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return { service, timer };
}

/** Program and interval of units systemdUnits() wrote (null fields when they do not read as such). */
export function readUnits(
  service: string | null,
  timer: string | null,
): { program: string[] | null; everyMs: number | null } {
  const exec = service === null ? null : /^ExecStart=(.*)$/m.exec(service);
  const every = timer === null ? null : /^OnUnitActiveSec=(\d+)s$/m.exec(timer);
  return { program: exec ? unitUnquote(exec[1]!) : null, everyMs: every ? Number(every[1]) * 1000 : null };
}

/** `systemctl show` output (KEY=value lines) as a map; blocks for several units are separated by blank lines. */
export function parseShow(text: string): Array<Map<string, string>> {
  return text
    .split(/\n\s*\n/)
    .filter((b) => b.trim())
    .map(
      (block) =>
        new Map(
          block.split('\n').flatMap((line): Array<[string, string]> => {
            const at = line.indexOf('=');
            return at > 0 ? [[line.slice(0, at), line.slice(at + 1)]] : [];
          }),
        ),
    );
}

/** A systemd timestamp printed with --timestamp=unix (`@1732438800`) as ISO; null for n/a or anything else. */
export function unixTimestamp(value: string | undefined): string | null {
  const m = /^@(\d+)$/.exec(value?.trim() ?? '');
  return m && Number(m[1]) > 0 ? new Date(Number(m[1]) * 1000).toISOString() : null;
}
