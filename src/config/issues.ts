// A problem found in a config file, and the one line the shim and `codexguard config` print for it.
import { line } from '../outcome.ts';

/** An error (a value that could not be used: its default applies) or a warning (a value ignored on purpose). */
export interface ConfigIssue {
  severity: 'error' | 'warning';
  /** The file, absolute. */
  file: string;
  /** The dotted key, when the issue is about one key. */
  key?: string;
  message: string;
}

/** The code printed at the end of each line. */
export const ISSUE_CODE = { error: 'E_CONFIG', warning: 'W_CONFIG' } as const;

/** A path for people: the home directory shown as `~`. */
export function tildify(path: string, home: string | undefined): string {
  if (!home || home === '/') return path;
  if (path === home) return '~';
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** `codexguard: ~/.codexguardrc: logs.maxSize: expected …, got "lots" [E_CONFIG]`. */
export function formatIssue(issue: ConfigIssue, home?: string): string {
  const key = issue.key ? `${issue.key}: ` : '';
  return line(`${tildify(issue.file, home)}: ${key}${issue.message}`, ISSUE_CODE[issue.severity]);
}

/** How many config problems a launch or a command prints before it only counts the rest. */
export const MAX_ISSUE_LINES = 3;

/**
 * The lines for `issues`: the first MAX_ISSUE_LINES, then one that counts the rest and names the command that
 * lists them all (a project file of thousands of unknown keys is a few lines at each launch, not thousands).
 */
export function issueLines(issues: readonly ConfigIssue[], home?: string, max = MAX_ISSUE_LINES): string[] {
  const lines = issues.slice(0, max).map((issue) => formatIssue(issue, home));
  const rest = issues.length - lines.length;
  if (rest > 0)
    lines.push(
      line(
        `and ${rest} more config problem${rest === 1 ? '' : 's'}: \`codexguard config\` lists them all`,
        hasErrors(issues.slice(max)) ? ISSUE_CODE.error : ISSUE_CODE.warning,
      ),
    );
  return lines;
}

/** True when any issue is an error (`codexguard config` then exits 1). */
export function hasErrors(issues: readonly ConfigIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}
