// Pure decisions on Codex's activity: is its daemon idle, and how may an over-limit log DB be rotated right now?
import type { CodexActivity } from './activity.ts';

/** Config `daemon.restart`: stop an idle daemon to rotate (Codex or codexguard starts it again), or never stop it. */
export type DaemonRestart = 'idle' | 'never';

/** Why Codex counts as in use, for one line: "1 client (pid 4250)", "pid 4250 has Codex's DBs open", ... */
export interface InUse {
  who: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const pidList = (pids: readonly number[]) => (pids.length ? ` (pid ${pids.join(', ')})` : '');

/** Every pid seen using Codex besides the daemon: DB holders and the live shims' codex processes. */
export function otherPids(a: CodexActivity): number[] {
  const known = (list: number[] | 'unknown') => (list === 'unknown' ? [] : list);
  const pids = new Set<number>([...known(a.sessions), ...known(a.holders)]);
  return [...pids].sort((x, y) => x - y);
}

/**
 * Pure: who is using Codex; undefined when nobody is (idle). A client of the daemon, any other process holding
 * any of Codex's DBs (a TUI holds the state DB), a live shim session, and anything that cannot be told all count:
 * the daemon is never stopped under a user.
 */
export function inUse(a: CodexActivity): InUse | undefined {
  const parts: string[] = [];
  const others = otherPids(a);
  if (a.daemon.state === 'running') {
    const c = a.clients;
    if (!c || 'unknown' in c)
      parts.push(`its clients cannot be counted (${c && 'unknown' in c ? c.unknown : 'not asked'})`);
    else if (c.count > 0) parts.push(`${plural(c.count, 'client')}${pidList(others)}`);
  }
  const holders = a.holders;
  if (holders === 'unknown') parts.push("cannot tell who has Codex's DBs open");
  else if (holders.length)
    parts.push(`pid ${holders.join(', ')} ${holders.length === 1 ? 'has' : 'have'} Codex's DBs open`);
  if (a.sessions === 'unknown') parts.push('the session registry cannot be read');
  else if (a.sessions.length) parts.push(`${plural(a.sessions.length, 'live codex session')}${pidList(a.sessions)}`);
  return parts.length ? { who: parts.join('; ') } : undefined;
}

/** How a due rotation may go now. */
export type RotationPlan =
  /** No daemon: rotate as always (the rotation itself picks exclusive or in place). */
  | { kind: 'rotate' }
  /** Stop the daemon the official way, rotate exclusively, then start it again where codex will not. */
  | { kind: 'stop-daemon'; pid: number; interrupts?: string | undefined }
  /** Leave the DB as it is for now (checkpoint its WAL instead); `why` names who uses it. */
  | { kind: 'defer'; why: string };

/** What the caller allows: the config's `daemon.restart`, and `rotate --stop-daemon` after the user said yes. */
export interface PlanOptions {
  restart: DaemonRestart;
  stopBusy?: boolean;
}

/** Pure: the plan for a due rotation given what Codex is doing. */
export function planRotation(a: CodexActivity, options: PlanOptions): RotationPlan {
  const d = a.daemon;
  if (d.state === 'none') return { kind: 'rotate' };
  if (d.state === 'unknown') return { kind: 'defer', why: `Codex's app-server daemon cannot be checked (${d.reason})` };
  const busy = inUse(a);
  const daemon = `Codex's app-server daemon (pid ${d.pid})`;
  if (options.stopBusy) return { kind: 'stop-daemon', pid: d.pid, interrupts: busy?.who };
  if (busy) return { kind: 'defer', why: `${daemon} is in use: ${busy.who}` };
  if (options.restart === 'never') return { kind: 'defer', why: `${daemon} runs, and daemon.restart is "never"` };
  return { kind: 'stop-daemon', pid: d.pid };
}

/** One line on the daemon for status and doctor: `pid 4242 (0.171.0): idle`, `…: 1 client (pid 4250)`, `not running`. */
export function describeDaemon(a: CodexActivity): string {
  const d = a.daemon;
  if (d.state === 'none') return 'not running';
  if (d.state === 'unknown') return `cannot be checked: ${d.reason}`;
  const head = `pid ${d.pid}${d.version ? ` (${d.version})` : ''}`;
  const c = a.clients;
  const others = otherPids(a);
  if (!c || 'unknown' in c)
    return `${head}: clients unknown${c && 'unknown' in c ? ` (${c.unknown})` : ''}${others.length ? `; in use by pid ${others.join(', ')}` : ''}`;
  if (c.count > 0) return `${head}: ${plural(c.count, 'client')}${pidList(others)}`;
  return others.length
    ? `${head}: no client, but pid ${others.join(', ')} use${others.length === 1 ? 's' : ''} its DBs`
    : `${head}: idle`;
}
