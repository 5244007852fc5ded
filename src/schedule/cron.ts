// Elsewhere: our crontab line (pure), put in or taken out of a crontab while every other byte stays as it was.
import { cronSchedule, parseCronInterval } from './interval.ts';
import { checkPrintable, CRON_MARKER, type JobSpec } from './spec.ts';

/** A word for sh in single quotes; `%` escaped for cron, which turns a bare `%` into a newline. */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`.replace(/%/g, '\\%');
}

/** The line: schedule, `VAR='value' …` assignments, the program, output appended to the log, the marker at the end. */
export function cronLine(job: JobSpec): string {
  checkPrintable([...job.program, job.logFile, job.cwd, ...job.env.flat()]);
  const assignments = job.env.map(([k, v]) => `${k}=${shellWord(v)}`);
  const command = [...assignments, ...job.program.map(shellWord)].join(' ');
  return `${cronSchedule(job.everyMs).expression} cd ${shellWord(job.cwd)} && ${command} >> ${shellWord(job.logFile)} 2>&1 ${CRON_MARKER}`;
}

/** True for a line we wrote. */
export function isOurLine(line: string): boolean {
  return line.trimEnd().endsWith(CRON_MARKER);
}

/** Splits a crontab into lines that keep their own terminators ("a\n", "b\r\n", last "c" without one). */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * The crontab with our line in it: replaces the first line of ours in place (and drops any other),
 * else appends it. Every other line is kept byte for byte.
 */
export function withOurLine(crontab: string, line: string): string {
  let placed = false;
  const out: string[] = [];
  for (const l of linesOf(crontab)) {
    if (!isOurLine(l)) out.push(l);
    else if (!placed) {
      out.push(`${line}\n`);
      placed = true;
    }
  }
  if (!placed) {
    const last = out.at(-1);
    if (last !== undefined && !last.endsWith('\n')) out.push('\n');
    out.push(`${line}\n`);
  }
  return out.join('');
}

/** The crontab without our lines, every other byte kept. */
export function withoutOurLines(crontab: string): string {
  return linesOf(crontab)
    .filter((l) => !isOurLine(l))
    .join('');
}

/** Our line in a crontab: its interval and program (read back from the words after the log redirection's target is removed). */
export function readCronLine(crontab: string): { line: string; everyMs: number | null; program: string[] } | null {
  const line = linesOf(crontab)
    .find(isOurLine)
    ?.replace(/\r?\n$/, '');
  if (line === undefined) return null;
  const fields = line.trim().split(/\s+/);
  const everyMs = parseCronInterval(fields.slice(0, 5).join(' '));
  // The program's words are the quoted words after the `VAR=` assignments and before `>>`.
  const body = line.slice(line.indexOf('&&') + 2, line.lastIndexOf('>>'));
  const words = [...body.matchAll(/(?:^|\s)('(?:[^']|'\\'')*')(?=\s|$)/g)].map((m) =>
    m[1]!.slice(1, -1).replace(/'\\''/g, "'").replace(/\\%/g, '%'),
  );
  return { line, everyMs, program: words };
}
