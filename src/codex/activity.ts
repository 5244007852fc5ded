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
  /** The pids other than the daemon and its updater that hold a file of any Codex DB (main file, -wal or -shm). */
  holders: number[] | 'unknown';
  /** The codex pids of this home's live shim sessions (the shim's own before its codex runs), this process excluded. */
  sessions: number[] | 'unknown';
}

/** The DB files of one DB, as `openers` wants them. */
export function dbFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/**
 * Reads the activity of `codexHome` for the DBs at `dbPaths` (every DB of the SQLite home: a TUI holds the state
 * DB, not necessarily the log DB). One pass over /proc on Linux; one lsof run elsewhere.
 */
export async function codexActivity(codexHome: string, dbPaths: readonly string[]): Promise<CodexActivity> {
  const { daemon, updater } = readDaemon(codexHome);
  const clients = daemon.state === 'running' ? controlClients(daemonPaths(codexHome).controlSocket) : undefined;
  const ours = new Set([daemon, updater].flatMap((d) => (d.state === 'running' ? [d.pid] : [])));
  let holders: CodexActivity['holders'];
  try {
    holders = (await openers(dbPaths.flatMap(dbFiles))).filter((pid) => !ours.has(pid));
  } catch {
    holders = 'unknown';
  }
  const live = liveSessions(codexHome);
  return {
    daemon,
    updater,
    clients,
    holders,
    sessions: live.ok ? live.sessions.map((s) => s.child?.pid ?? s.pid) : 'unknown',
  };
}
