// Which conversation the crashed codex was in, so that it comes back as `codex resume <id>`, not `--last`
// (the newest conversation in the folder, which may be another one). The pick is pure; the reading is thin.
//
// What the real codex leaves (ran, 0.141.0 and 0.171.0 TUIs, offline):
// - logs_2.sqlite rows carry `process_uuid` = `pid:<pid>:<uuid>` of the process that wrote them. The 0.141 TUI
//   runs its threads itself, so its rows name its thread_id. The 0.171 TUI's threads run in the app-server
//   daemon: the TUI's own rows have no thread_id.
// - state_5.sqlite `threads` has one row per conversation: its cwd, updated_at_ms, archived, and source
//   (`cli` for the 0.141 TUI, `vscode` for the 0.171 TUI through the daemon; `exec` and sub-agents otherwise).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { oneLine } from '../errors.ts';

/** What the DBs say about the session. */
export interface ThreadEvidence {
  /** Thread ids that the crashed process's own log rows name, newest first. */
  fromLogs: string[];
  /** Interactive conversations in the session's folder that changed while it ran, newest first. */
  changed: string[];
  /** Every one of those ids that the state DB knows (to check a log's id against). */
  known: Set<string>;
  /** Why the state DB could not be read, when it could not. */
  unreadable?: string;
}

/** The conversation to resume, or why it is not known. */
export type ThreadPick = { id: string; from: 'logs' | 'state' } | { id?: undefined; why: string };

/** Picks the crashed conversation: the one the process's own log rows name, else the only one that changed in its folder. */
export function pickThread(e: ThreadEvidence): ThreadPick {
  const logged = e.fromLogs.find((id) => e.known.has(id));
  if (logged !== undefined) return { id: logged, from: 'logs' };
  if (e.unreadable !== undefined) return { why: e.unreadable };
  if (e.changed.length === 1) return { id: e.changed[0]!, from: 'state' };
  if (e.changed.length === 0) return { why: 'no conversation in this folder changed during the session' };
  return { why: `${e.changed.length} conversations in this folder changed during the session` };
}

/** The session the evidence is about: the crashed child's pid, its folder, and when it ran (epoch ms). */
export interface CrashedSession {
  pid: number | undefined;
  cwd: string;
  startedAt: number;
  endedAt: number;
}

/** Sources of interactive conversations: the TUI's own (`cli`) and the TUI through the app-server daemon (`vscode`). */
const INTERACTIVE = ['cli', 'vscode'];
/** How many of the newest log rows are read for the process's thread: the crash is at their end. */
const LOG_ROWS = 20_000;
/** Slack around the session's ends: Codex writes in batches, up to 2 s after the event. */
const SLACK_MS = 5_000;

/** Reads the evidence from the DBs in `sqliteHome`, read-only, with a 100 ms busy timeout. Never throws. */
export async function readThreadEvidence(sqliteHome: string, s: CrashedSession): Promise<ThreadEvidence> {
  const evidence: ThreadEvidence = { fromLogs: [], changed: [], known: new Set() };
  let openExisting: typeof import('../sqlite/open.ts').openExisting;
  try {
    // Loaded here, not with the crash path: better-sqlite3 built for another Node must not stop the restart.
    ({ openExisting } = await import('../sqlite/open.ts'));
  } catch (error) {
    return { ...evidence, unreadable: `better-sqlite3 did not load (${oneLine(error)})` };
  }
  const open = (name: string) => openExisting(join(sqliteHome, name), { readonly: true, busyTimeoutMs: 100 });
  if (s.pid !== undefined) {
    try {
      const db = open('logs_2.sqlite');
      try {
        const rows = db
          .prepare(
            `SELECT thread_id FROM (SELECT thread_id, process_uuid FROM logs WHERE ts >= ? ORDER BY ts DESC, ts_nanos DESC, id DESC LIMIT ${LOG_ROWS})
             WHERE thread_id IS NOT NULL AND process_uuid LIKE ?`,
          )
          .pluck()
          .all(Math.floor((s.startedAt - SLACK_MS) / 1000), `pid:${s.pid}:%`) as string[];
        evidence.fromLogs = [...new Set(rows)];
      } finally {
        db.close();
      }
    } catch {
      // No log DB, or another schema: the state DB alone decides.
    }
  }
  if (!existsSync(join(sqliteHome, 'state_5.sqlite')))
    return { ...evidence, unreadable: `there is no state_5.sqlite in ${sqliteHome}` };
  try {
    const db = open('state_5.sqlite');
    try {
      const columns = new Set(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('threads') as string[]);
      const updated = columns.has('updated_at_ms') ? 'updated_at_ms' : 'updated_at * 1000';
      const rows = db
        .prepare(
          `SELECT id, cwd, source, ${updated} AS at FROM threads WHERE archived = 0 AND ${updated} BETWEEN ? AND ? ORDER BY ${updated} DESC`,
        )
        .all(s.startedAt - SLACK_MS, s.endedAt + SLACK_MS) as Array<{ id: string; cwd: string; source: string }>;
      for (const row of rows) {
        evidence.known.add(row.id);
        if (row.cwd === s.cwd && INTERACTIVE.includes(row.source)) evidence.changed.push(row.id);
      }
      for (const id of evidence.fromLogs)
        if (!evidence.known.has(id) && db.prepare('SELECT 1 FROM threads WHERE id = ?').get(id)) evidence.known.add(id);
    } finally {
      db.close();
    }
  } catch (error) {
    evidence.unreadable = `state_5.sqlite could not be read (${(error as { code?: string }).code ?? (error as Error).message})`;
  }
  return evidence;
}

/** The resume argv with the picked conversation in place of `--last`, and the line to print when it stays `--last`. */
export function resumeWith(args: readonly string[], pick: ThreadPick): { args: string[]; line?: string } {
  if (args[0] !== 'resume') return { args: [...args] };
  const last = args[1] === '--last';
  if (pick.id !== undefined && (last || pick.from === 'logs')) return { args: ['resume', pick.id, ...args.slice(2)] };
  if (pick.id === undefined && last)
    return {
      args: [...args],
      line: `codexguard: could not tell which conversation crashed (${pick.why}); resuming the newest one here (--last)`,
    };
  return { args: [...args] };
}
