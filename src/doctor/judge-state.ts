// doctor's judgments on codexguard's own state (pure): the pre-flight lock, live sessions, archives, crash bundles.
import { ago, humanSize } from '../human.ts';
import { describeLast, type LastSession } from '../insight/last-session.ts';
import { notOk, ok, type Check } from './report.ts';

/** A pre-flight that holds the lock longer than this is taken for stuck. */
export const STUCK_MS = 5 * 60_000;
/** A crash younger than this makes the `crashes` check a warn. */
export const RECENT_CRASH_MS = 24 * 3600_000;

/** The pre-flight lock dir, and its owner record when it describes that very dir. */
export type LockFacts =
  | { state: 'free'; lockDir: string }
  | {
      state: 'held';
      lockDir: string;
      idleMs: number;
      staleMs: number;
      owner?: { pid: number; alive: boolean; foreign: boolean; heldMs: number };
    };

/** The `lock` check: free or held by a live pre-flight is ok; left behind by a dead one is a warn (the next shim takes it over). */
export function judgeLock(f: LockFacts): Check {
  const details = { ...f };
  if (f.state === 'free') return ok('lock', 'free: no pre-flight is running', details);
  const o = f.owner;
  if (o && !o.alive)
    return notOk(
      'lock',
      'warn',
      `stale: left by pid ${o.pid}, which is gone; the next launch takes it over`,
      'codexguard maintain',
      details,
    );
  if (o && !o.foreign && o.heldMs > STUCK_MS) {
    return notOk(
      'lock',
      'warn',
      `held by pid ${o.pid} for ${ago(o.heldMs)}: a stuck pre-flight? shims wait lock.timeout, then launch without it`,
      `kill ${o.pid}`,
      details,
    );
  }
  if (f.idleMs > f.staleMs) {
    const who = o ? `pid ${o.pid} on another host or container` : 'an unknown holder (no owner record)';
    return notOk(
      'lock',
      'warn',
      `stale: held by ${who}, untouched for ${ago(f.idleMs)}; the next launch takes it over`,
      'codexguard maintain',
      details,
    );
  }
  return ok(
    'lock',
    o
      ? `held by pid ${o.pid}${o.foreign ? ' on another host or container' : ''}: a pre-flight is running`
      : 'held: a pre-flight is starting',
    details,
  );
}

/** The live sessions (null: the registry could not be read), and the last ended one's figures. */
export interface SessionFacts {
  dir: string;
  sessions: Array<{ pid: number; codexPid: number | null; startedAt: number }> | null;
  last?: LastSession | undefined;
}

/** The `codex` check: what Codex's own daemon is doing (never a failure: codexguard works around it). */
export function judgeCodex(f: { summary: string; daemon: { state: string; reason?: string } }): Check {
  const line = `Codex app-server daemon: ${f.summary}`;
  if (f.daemon.state === 'unknown')
    return notOk(
      'codex',
      'warn',
      `${line}; due rotations wait until it can be checked`,
      'check the owner and content of app-server-daemon/daemon.pid in CODEX_HOME',
      { ...f },
    );
  return ok('codex', line, { ...f });
}

/** The `sessions` check: the running codex sessions started through the shim. */
export function judgeSessions(f: SessionFacts): Check {
  if (f.sessions === null) {
    return notOk(
      'sessions',
      'warn',
      `the session registry ${f.dir} cannot be read, so every shim takes its DBs for in use (slower, shared rotations)`,
      `chmod -R u+rwX ${f.dir}`,
      { dir: f.dir },
    );
  }
  const list = f.sessions.map((s) => `pid ${s.pid}${s.codexPid ? ` (codex ${s.codexPid})` : ''}`).join(', ');
  const last = f.last ? `; ${describeLast(f.last, Date.now())}` : '';
  return ok('sessions', `${f.sessions.length ? `${f.sessions.length} running: ${list}` : 'none running'}${last}`, {
    dir: f.dir,
    sessions: f.sessions,
    ...(f.last ? { last: f.last } : {}),
  });
}

/** The archives left by rotations. */
export interface ArchiveFacts {
  archives: Array<{ db: string; name: string; bytes: number; compressed: boolean; date: string }>;
}

/** The `archives` check: count and size (never a problem by itself: rotations prune them to logs.archives). */
export function judgeArchives(f: ArchiveFacts): Check {
  const n = f.archives.length;
  const bytes = f.archives.reduce((sum, a) => sum + a.bytes, 0);
  const details = { count: n, bytes, archives: f.archives };
  return ok(
    'archives',
    n ? `${n} archive${n > 1 ? 's' : ''}, ${humanSize(bytes)}; newest ${f.archives[0]!.name}` : 'none',
    details,
  );
}

/** The crash bundles in crash.dir, newest first. */
export interface CrashFacts {
  dir: string;
  now: number;
  bundles: Array<{
    id: string;
    at: number;
    signal: string;
    bytes: number;
    pending: boolean;
    cause?: string | undefined;
  }>;
}

/** The `crashes` check: count and size; a crash within the last day is a warn pointing at its report. */
export function judgeCrashes(f: CrashFacts): Check {
  const n = f.bundles.length;
  const bytes = f.bundles.reduce((sum, b) => sum + b.bytes, 0);
  const details = { dir: f.dir, count: n, bytes, bundles: f.bundles };
  if (n === 0) return ok('crashes', `no crash bundles in ${f.dir}`, details);
  const newest = f.bundles[0]!;
  const what = `${n} crash bundle${n > 1 ? 's' : ''}, ${humanSize(bytes)}; newest ${newest.id} (${newest.signal}${newest.cause ? `, ${newest.cause}` : ''}, ${ago(f.now - newest.at)} ago)`;
  if (f.now - newest.at < RECENT_CRASH_MS)
    return notOk('crashes', 'warn', `codex crashed recently: ${what}`, 'codexguard crashes report latest', details);
  return ok('crashes', what, details);
}
