// macOS: the launchd agent's plist (pure), reading it back, and what `launchctl print` says about the job.
import { cronSchedule, intervalSeconds } from './interval.ts';
import { checkPrintable, LABEL, type JobSpec } from './spec.ts';

/** Escapes text for an XML element. */
export function xmlEscape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

function xmlUnescape(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|apos);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!,
  );
}

const string = (s: string) => `<string>${xmlEscape(s)}</string>`;

/**
 * When the agent runs. StartInterval's timer does not run while the Mac sleeps, so after a night closed the next
 * run comes a whole interval after wake; StartCalendarInterval runs once on wake for the times it missed
 * (launchd.plist(5): "launchd will start the job the next time the computer wakes up", coalesced). So an interval
 * that cron could write exactly (a step dividing an hour or a day) becomes calendar times; any other stays StartInterval.
 */
export function launchdTiming(everyMs: number): string {
  const { rounded, step } = cronSchedule(everyMs);
  // A step of days restarts each month (uneven at its end): that one stays StartInterval too.
  if (rounded || (step.unit === 'day' && step.n > 1))
    return `\t<key>StartInterval</key>\n\t<integer>${intervalSeconds(everyMs)}</integer>`;
  const entry = (fields: Array<[string, number]>) =>
    `\t\t<dict>${fields.map(([k, v]) => `<key>${k}</key><integer>${v}</integer>`).join('')}</dict>`;
  const times = (n: number, span: number) => Array.from({ length: span / n }, (_, i) => i * n);
  const entries =
    step.unit === 'minute'
      ? times(step.n, 60).map((minute) => entry([['Minute', minute]]))
      : step.unit === 'hour' && step.n === 1
        ? [entry([['Minute', 0]])]
        : step.unit === 'hour'
          ? times(step.n, 24).map((hour) =>
              entry([
                ['Hour', hour],
                ['Minute', 0],
              ]),
            )
          : [
              entry([
                ['Hour', 0],
                ['Minute', 0],
              ]),
            ];
  return `\t<key>StartCalendarInterval</key>\n\t<array>\n${entries.join('\n')}\n\t</array>`;
}

/**
 * The agent: runs the job at its times (launchdTiming) and once when loaded (at login and at install:
 * RunAtLoad), as a Background process, output appended to the log file.
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
    launchdTiming(job.everyMs),
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
  const calendar = /<key>StartCalendarInterval<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(text)?.[1];
  let everyMs = interval ? Number(interval[1]) * 1000 : null;
  if (calendar !== undefined) {
    const entries = calendar.match(/<dict>/g)?.length ?? 0;
    const hourly = calendar.includes('<key>Hour</key>');
    everyMs = entries === 0 ? null : hourly ? (24 / entries) * 3_600_000 : (60 / entries) * 60_000;
  }
  return {
    program: args ? [...args[1]!.matchAll(/<string>([^<]*)<\/string>/g)].map((m) => xmlUnescape(m[1]!)) : null,
    everyMs,
  };
}

/** What `launchctl print gui/<uid>/<label>` says: runs so far, last exit code (null before the first run). */
export function parseLaunchctlPrint(text: string): {
  runs: number | null;
  lastExitCode: number | null;
  state: string | null;
} {
  const field = (name: string) => new RegExp(`^\\s*${name} = (.+)$`, 'm').exec(text)?.[1]?.trim() ?? null;
  const runs = field('runs');
  const exit = field('last exit code');
  return {
    runs: runs === null ? null : Number(runs),
    lastExitCode: exit !== null && /^-?\d+$/.test(exit) ? Number(exit) : null,
    state: field('state'),
  };
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
