// macOS: the launchd agent's plist (pure), reading it back, and what `launchctl print` says about the job.
import { intervalSeconds } from './interval.ts';
import { checkPrintable, LABEL, type JobSpec } from './spec.ts';

/** Escapes text for an XML element. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function xmlUnescape(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
}

const string = (s: string) => `<string>${xmlEscape(s)}</string>`;

/**
 * The agent: runs the job every StartInterval seconds and once when loaded (at login and at install:
 * RunAtLoad), as a Background process, output appended to the log file. launchd does not run a
 * missed interval twice after sleep: it runs once on wake.
 */
export function launchdPlist(job: JobSpec): string {
  checkPrintable([...job.program, job.logFile, job.cwd, ...job.env.flat()]);
  const env = job.env.map(([k, v]) => `\t\t<key>${xmlEscape(k)}</key>\n\t\t${string(v)}`).join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    `\t<key>Label</key>\n\t${string(LABEL)}`,
    `\t<key>ProgramArguments</key>\n\t<array>\n${job.program.map((a) => `\t\t${string(a)}`).join('\n')}\n\t</array>`,
    `\t<key>StartInterval</key>\n\t<integer>${intervalSeconds(job.everyMs)}</integer>`,
    '\t<key>RunAtLoad</key>\n\t<true/>',
    '\t<key>ProcessType</key>\n\t<string>Background</string>',
    `\t<key>WorkingDirectory</key>\n\t${string(job.cwd)}`,
    `\t<key>StandardOutPath</key>\n\t${string(job.logFile)}`,
    `\t<key>StandardErrorPath</key>\n\t${string(job.logFile)}`,
    ...(env ? [`\t<key>EnvironmentVariables</key>\n\t<dict>\n${env}\n\t</dict>`] : []),
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

/** Program and interval of a plist launchdPlist() wrote (null fields when it does not read as one). */
export function readPlist(text: string): { program: string[] | null; everyMs: number | null } {
  const args = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(text);
  const interval = /<key>StartInterval<\/key>\s*<integer>(\d+)<\/integer>/.exec(text);
  return {
    program: args ? [...args[1]!.matchAll(/<string>([^<]*)<\/string>/g)].map((m) => xmlUnescape(m[1]!)) : null,
    everyMs: interval ? Number(interval[1]) * 1000 : null,
  };
}

/** What `launchctl print gui/<uid>/<label>` says: runs so far, last exit code (null before the first run). */
export function parseLaunchctlPrint(text: string): { runs: number | null; lastExitCode: number | null; state: string | null } {
  const field = (name: string) => new RegExp(`^\\s*${name} = (.+)$`, 'm').exec(text)?.[1]?.trim() ?? null;
  const runs = field('runs');
  const exit = field('last exit code');
  return { runs: runs === null ? null : Number(runs), lastExitCode: exit !== null && /^-?\d+$/.test(exit) ? Number(exit) : null, state: field('state') };
}

/** The launchctl domain and service target of this user's agent. */
export function launchdTargets(uid: number, domain: 'gui' | 'user' = 'gui'): { domain: string; service: string } {
  return { domain: `${domain}/${uid}`, service: `${domain}/${uid}/${LABEL}` };
}

/** What a failed `launchctl bootstrap` means, from its exit status and message ("Bootstrap failed: 5: Input/output error"). Pure. */
export function bootstrapFailure(exitCode: number | null, text: string): 'transient' | 'no-domain' | 'other' {
  // 5 (EIO) right after a bootout: the old instance is still being torn down; it goes away within about a second.
  if (exitCode === 5 || /\b5: Input\/output error/.test(text)) return 'transient';
  // 125: no GUI session to load into (logged in over SSH only): the per-user domain works there.
  if (exitCode === 125 || /\b125: Domain does not support specified action/.test(text)) return 'no-domain';
  return 'other';
}
