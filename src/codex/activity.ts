// What Codex itself is doing in a home, in one answer: its daemon and updater, the daemon's clients, who holds each DB, live shim sessions.
import { liveSessions } from '../registry/live.ts';
import { controlClients, type Clients } from './clients.ts';
import { daemonPaths, readDaemon, type DaemonState } from './daemon.ts';
import { openers } from './holders.ts';

/** The facts the pre-flight, doctor and status ask for; each may be unknown, which counts as busy. */
export interface CodexActivity {
  daemon: DaemonState;
  updater: DaemonState;
  /** Clients of the daemon's control socket (asked only while the daemon runs). */
  clients?: Clients | undefined;
  /** Per DB name: the pids other than the daemon and its updater that hold its main file, -wal or -shm. */
  holders: Record<string, number[] | 'unknown'>;
  /** Live codexguard shim sessions of this home, this process excluded (-1: the registry cannot be read). */
  sessions: number;
  sessionPids: number[];
}

/** The DB files of one DB, as `openers` wants them. */
export function dbFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/** Reads the activity of `codexHome` for the DBs at `dbPaths` (name → path). Reads /proc on Linux; runs lsof elsewhere. */
export async function codexActivity(codexHome: string, dbPaths: Record<string, string>): Promise<CodexActivity> {
  const { daemon, updater } = readDaemon(codexHome);
  const clients = daemon.state === 'running' ? controlClients(daemonPaths(codexHome).controlSocket) : undefined;
  const ours = new Set([daemon, updater].flatMap((d) => (d.state === 'running' ? [d.pid] : [])));
  const holders: CodexActivity['holders'] = {};
  for (const [name, path] of Object.entries(dbPaths)) {
    try {
      holders[name] = (await openers(dbFiles(path))).filter((pid) => !ours.has(pid));
    } catch {
      holders[name] = 'unknown';
    }
  }
  const live = liveSessions(codexHome);
  return { daemon, updater, clients, holders, sessions: live.ok ? live.sessions.length : -1, sessionPids: live.ok ? live.sessions.map((s) => s.child?.pid ?? s.pid) : [] };
}
