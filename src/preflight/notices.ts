// Lines the launch path says at most once a day per subject (a deferred rotation), remembered in codexguard's own state.
import { join } from 'node:path';
import { ensureGuardDir, guardDir, writePrivateAtomic } from '../private-fs.ts';
import { readRegularFile } from '../safe-read.ts';

/** How often a launch may repeat the same notice. */
export const NOTICE_EVERY_MS = 24 * 3600_000;

/** When each notice was last said (epoch ms), by subject. */
export type NoticeState = Record<string, number>;

/** Pure: is the notice on `subject` due again at `now`? */
export function noticeDue(state: NoticeState, subject: string, now: number, everyMs = NOTICE_EVERY_MS): boolean {
  const last = state[subject];
  return typeof last !== 'number' || !(now - last < everyMs && last <= now);
}

/** The state file under a CODEX_HOME. */
export function noticesFile(codexHome: string): string {
  return join(guardDir(codexHome), 'notices.json');
}

/** Reads the state; anything unreadable is an empty state (the notice is then said once more). */
export function readNotices(file: string): NoticeState {
  const read = readRegularFile(file, 64 * 1024, { noFollow: true });
  if (!read.ok) return {};
  try {
    const value = JSON.parse(read.text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'number')) as NoticeState;
  } catch {
    return {};
  }
}

/** Says each line whose subject is due (all of them when `always`), and records when. Never throws. */
export function sayNotices(
  codexHome: string,
  notices: ReadonlyArray<{ subject: string; line: string }>,
  say: (line: string) => void,
  always: boolean,
  now = Date.now(),
): void {
  if (!notices.length) return;
  const file = noticesFile(codexHome);
  const state = readNotices(file);
  let changed = false;
  for (const n of notices) {
    if (!always && !noticeDue(state, n.subject, now)) continue;
    say(n.line);
    state[n.subject] = now;
    changed = true;
  }
  if (!changed) return;
  try {
    ensureGuardDir(codexHome);
    writePrivateAtomic(file, JSON.stringify(state));
  } catch {
    // Not remembered: the notice comes again next launch, nothing worse.
  }
}
