// Who a process is, beyond its pid: enough to tell a live process from a dead one whose pid was reused.
import { readFileSync, readlinkSync } from 'node:fs';
import { nodeOs } from '../node-os.ts';

/** A process as recorded by the registry and the lock owner file. */
export interface ProcessStamp {
  pid: number;
  /** Epoch ms when the stamp was taken (about when the process started). */
  startedAt: number;
  /** Linux: `<boot_id>/<start time in clock ticks>` from /proc, unique per process. Absent elsewhere. */
  start?: string;
  /** Linux: host name and pid namespace; elsewhere the platform. A pid means nothing outside it. */
  where: string;
}

/** What can be seen of a pid now, from this host and pid namespace. */
export interface PidView {
  where: string;
  /** Does a process with this pid exist (kill(pid, 0) did not say ESRCH)? */
  exists: boolean;
  /** Its current `start` (Linux), when /proc could be read. */
  start?: string | undefined;
  /** Epoch ms of this boot, and now. */
  bootAt: number;
  now: number;
}

/** Slack for the boot-time comparison (uptime is rounded, clocks are adjusted). */
const BOOT_SLACK_MS = 60_000;
/** A record from another host or container is taken as alive for this long (it cannot be checked). */
export const FOREIGN_MAX_AGE_MS = 7 * 24 * 3600_000;

let cachedWhere: string | undefined;
let cachedBootId: string | undefined | null;

function bootId(): string | undefined {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = null;
    }
  }
  return cachedBootId ?? undefined;
}

/**
 * Where this process's pids mean something. Linux: host name and pid namespace
 * (a container sharing CODEX_HOME differs). Elsewhere just the platform: macOS
 * host names change with the network, which would make every old record foreign.
 */
export function where(): string {
  if (cachedWhere === undefined) {
    cachedWhere = process.platform;
    try {
      cachedWhere = `${nodeOs().hostname()}/${readlinkSync('/proc/self/ns/pid')}`;
    } catch {
      // Not Linux, or /proc not mounted.
    }
  }
  return cachedWhere;
}

/** The kernel's start time of `pid` as `<boot_id>/<ticks>` (Linux only; undefined elsewhere or when gone). */
export function startOf(pid: number): string | undefined {
  const boot = process.platform === 'linux' ? bootId() : undefined;
  if (boot === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may hold spaces and parentheses.
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return ticks ? `${boot}/${ticks}` : undefined;
  } catch {
    return undefined;
  }
}

/** Stamps `pid` now (its start time from /proc on Linux; `startedAt` is when the caller saw it start). */
export function stamp(pid: number, startedAt = Date.now()): ProcessStamp {
  const start = startOf(pid);
  return start === undefined ? { pid, startedAt, where: where() } : { pid, startedAt, start, where: where() };
}

/** True for a pid that may be probed: kill(0, …) and kill(-1, …) address groups, never one process. */
export function isProbeablePid(pid: unknown): pid is number {
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0;
}

/** Does a process with this pid exist? kill(pid, 0); EPERM (someone else's process) counts as yes. */
export function pidExists(pid: number): boolean {
  if (!isProbeablePid(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Pure: from the text of /proc/<pid>/status, is the process over (a zombie, every thread gone)? */
export function isOver(status: string): boolean {
  const state = /^State:\s*(\S)/m.exec(status)?.[1];
  const threads = Number(/^Threads:\s*(\d+)/m.exec(status)?.[1] ?? '1');
  // A leader that is a zombie while other threads still run is a process still closing its files (Codex's daemon
  // checkpoints its WALs on the way out): only a zombie with no other thread is over.
  return (state === 'Z' || state === 'X') && threads <= 1;
}

/**
 * Does `pid` still run? A zombie does not: it holds no file and no lock, and an init that reaps
 * slowly (containers, microVMs) can leave one for a second or more. Linux reads its state from /proc.
 */
export function pidRunning(pid: number): boolean {
  if (!pidExists(pid)) return false;
  try {
    return !isOver(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** Looks at `pid` now: kill(pid, 0) (EPERM still means it exists), its /proc start time, the boot time. */
export function view(pid: number): PidView {
  const exists = pidExists(pid);
  const now = Date.now();
  return {
    where: where(),
    exists,
    start: exists ? startOf(pid) : undefined,
    bootAt: now - nodeOs().uptime() * 1000,
    now,
  };
}

/**
 * Pure: is the process that `s` recorded still running, given what `v` sees now?
 * Another host or pid namespace cannot be checked, so it counts as alive for a
 * week (the safe side: a live codex is never taken for dead). Linux compares kernel start
 * times, which defeats pid reuse. Elsewhere a stamp older than this boot is
 * dead; a pid reused within the same boot after a kill -9 still looks alive
 * until that other process ends (the cost: a shared-mode rotation instead of an
 * exclusive one, never a wrong one).
 */
export function judgeAlive(s: Pick<ProcessStamp, 'startedAt' | 'start' | 'where'>, v: PidView): boolean {
  if (s.where !== v.where) return v.now - s.startedAt < FOREIGN_MAX_AGE_MS;
  if (!v.exists) return false;
  if (s.start !== undefined && v.start !== undefined) return s.start === v.start;
  return s.startedAt >= v.bootAt - BOOT_SLACK_MS;
}

/** Is the process recorded in `s` alive now? */
export function isAlive(s: ProcessStamp): boolean {
  if (!isProbeablePid(s.pid)) return false;
  return judgeAlive(s, view(s.pid));
}
