// The human view of a doctor report: one line per check, its fix under it, and a closing count.
import type { DoctorReport } from './report.ts';

/** Formats the report for a terminal; paths under `home` are shown with `~`. */
export function formatReport(report: DoctorReport, home?: string): string {
  const t = (text: string) => (home && home !== '/' ? text.replaceAll(`${home}/`, '~/') : text);
  const width = Math.max(...report.checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${check.level.padEnd(4)}  ${check.id.padEnd(width)}  ${t(check.summary)}`);
    if (check.fix) lines.push(`${' '.repeat(width + 8)}fix: ${t(check.fix)}`);
  }
  const fails = report.checks.filter((c) => c.level === 'fail').length;
  const warns = report.checks.filter((c) => c.level === 'warn').length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    '',
    fails + warns === 0
      ? `All ${report.checks.length} checks passed.`
      : `${plural(fails, 'failure')}, ${plural(warns, 'warning')} (of ${report.checks.length} checks).`,
  );
  return lines.join('\n');
}
