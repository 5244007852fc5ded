// Lists the live sessions of the registry and prunes the entries of processes that are gone.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, removeQuietly } from '../private-fs.ts';
import { isAlive, isProbeablePid, pidExists, stamp, type ProcessStamp } from './process-stamp.ts';
import { sessionsDir, type SessionEntry } from './session.ts';

export type LiveResult =
  | { ok: true; sessions: SessionEntry[]; pruned: number }
  | { ok: false; code: 'E_REGISTRY'; message: string };

/** Pure: parses a session file; undefined for anything that is not a well-formed entry. */
export function parseEntry(text: string): SessionEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const e = value as Partial<SessionEntry> | null;
  if (
    e?.v !== 1 ||
    (e.child !== null && !isStamp(e.child)) ||
    typeof e.codexHome !== 'string' ||
    typeof e.argv0 !== 'string'
  )
    return undefined;
  return isStamp(e) ? (e as SessionEntry) : undefined;
}

function isStamp(s: unknown): s is ProcessStamp {
  const p = s as Partial<ProcessStamp> | null;
  return (
    !!p &&
    isProbeablePid(p.pid) &&
    typeof p.startedAt === 'number' &&
    typeof p.where === 'string' &&
    (p.start === undefined || typeof p.start === 'string')
  );
}

/** An entry is live while its shim runs, or while the codex it started runs (a shim killed with -9 leaves codex behind). */
export function isEntryLive(entry: SessionEntry): boolean {
  return isAlive(entry) || (entry.child !== null && isAlive(entry.child));
}

/**
 * The sessions registered under `home` whose shim or codex still runs, this
 * process excluded unless `includeSelf`. Entries of dead processes and orphaned
 * temp files of dead writers are removed; an unreadable entry is judged by the
 * pid in its name (best effort: a
 * read-only home prunes nothing and still answers). Never throws; `ok: false`
 * means the registry could not be read, and the caller should assume that
 * someone may be live.
 */
export function liveSessions(home: string, opts: { includeSelf?: boolean } = {}): LiveResult {
  const dir = sessionsDir(home);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, sessions: [], pruned: 0 };
    return { ok: false, code: 'E_REGISTRY', message: `cannot read the session registry ${dir}: ${describe(error)}` };
  }
  const sessions: SessionEntry[] = [];
  let pruned = 0;
  for (const name of names) {
    const match = /^(\d+)\.json(\.\d+\.tmp)?$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    const file = join(dir, name);
    if (match[2]) {
      // A temp file is only ever left by a writer that died mid-write.
      if (pid !== process.pid && !pidExists(pid) && removeQuietly(file)) pruned++;
      continue;
    }
    if (pid === process.pid && !opts.includeSelf) continue;
    const read = readEntry(file);
    if (read === 'gone') continue;
    if (read === 'junk') {
      // Unreadable, or written by another codexguard version: judged by its name's pid alone.
      if (!pidExists(pid)) {
        if (removeQuietly(file)) pruned++;
      } else sessions.push({ v: 1, ...stamp(pid, 0), codexHome: home, argv0: '', child: null });
      continue;
    }
    if (read.entry.pid === pid && isEntryLive(read.entry)) sessions.push(read.entry);
    else if (pruneIfUnchanged(file, read.ino)) pruned++;
  }
  return { ok: true, sessions, pruned };
}

function readEntry(file: string): { entry: SessionEntry; ino: number } | 'junk' | 'gone' {
  try {
    const ino = statSync(file).ino;
    const entry = parseEntry(readFileSync(file, 'utf8'));
    return entry ? { entry, ino } : 'junk';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'junk';
  }
}

/** Removes a dead entry unless a new shim that got the same pid has replaced the file meanwhile. */
function pruneIfUnchanged(file: string, ino: number): boolean {
  try {
    if (statSync(file).ino !== ino) return false;
  } catch {
    return false;
  }
  return removeQuietly(file);
}
