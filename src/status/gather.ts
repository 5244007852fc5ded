// What `status` (and doctor) know about Codex's files: DBs against the limits, what is due and how, Codex's own
// activity, live sessions, archives and config sources. Reads sizes, each DB's page counts (read-only), the registry.
import { codexActivity, type CodexActivity } from '../codex/activity.ts';
import { describeDaemon, otherPids as otherPidsOf, planRotation } from '../codex/idle.ts';
import { commandContext } from '../command-context.ts';
import { actionDb, decide } from '../inventory/decide.ts';
import { scanInventory } from '../inventory/scan.ts';
import { liveSessions } from '../registry/live.ts';
import { listArchives } from '../rotate/archives.ts';
import { CODEX_LOG_BUDGET_BYTES, trueSize } from '../sqlite/true-size.ts';
import { VERSION } from '../version.ts';
import { growthOf, type DbGrowth } from '../insight/growth.ts';
import { readPoints } from '../insight/growth-io.ts';
import { gatherLastSession, type LastSession } from '../insight/last-session.ts';

/** The stable shape of `status --json` (version 1). */
export interface StatusJson {
  version: 1;
  codexguard: string;
  codexHome: string;
  sqliteHome: { dir: string; source: string };
  limits: { logMaxBytes: number; walMaxBytes: number; keepRows: number; keepDays: number; archives: number };
  /**
   * `live` and `free`: the file's pages that hold data, and those free inside it (bytes; null when the DB could not be
   * read: busy, or not SQLite). `codexBudget`: Codex's own limit on the log DB's live data (64 MiB), which ignores free pages.
   */
  dbs: Array<{
    name: string;
    kind: 'log' | 'state';
    exists: boolean;
    size: number;
    walSize: number;
    shmSize: number;
    live?: number | null;
    free?: number | null;
    codexBudget?: number;
    due: string | null;
  }>;
  /** What is due; a rotation carries its plan: `rotate`, `stop-daemon` (Codex's daemon is idle) or `defer` (Codex is in use: `why`). */
  due: Array<{ action: string; db: string; reason: string; plan?: 'rotate' | 'stop-daemon' | 'defer'; why?: string }>;
  /** What Codex itself is doing: its app-server daemon (state, pid, version), its updater, the daemon's clients (null: unknown). */
  codex: {
    daemon: { state: 'none' | 'running' | 'unknown'; pid?: number; version?: string; binary?: string; reason?: string };
    updater: { state: 'none' | 'running' | 'unknown'; pid?: number };
    clients: number | null;
    /** Other pids seen using Codex's DBs (clients such as a TUI, live shim sessions). */
    others: number[];
    summary: string;
  };
  sessions: Array<{ pid: number; codexPid: number | null; startedAt: number }> | null;
  archives: Array<{ db: string; name: string; date: string; bytes: number; compressed: boolean }>;
  config: { files: Array<{ level: string; path: string }>; sources: Record<string, string> };
  /**
   * Growth from codexguard's points (one an hour at most, after a codex session or a maintain run; kept 30 days):
   * per DB, 7 days in 6-hour steps (bytes, main + WAL; null where no point), and the rates over the last day.
   */
  growth: { points: number; oldest: number | null; dbs: DbGrowth[] };
  /** The newest ended session through the shim: what codex wrote and how each DB grew (null: none recorded). */
  lastSession: LastSession | null;
}

/** Gathers the status (sizes, each DB's pages read-only with a 100 ms busy timeout, the registry). */
export async function gatherStatus(): Promise<StatusJson> {
  const { loaded, settings, home } = await commandContext(true);
  const inventory = scanInventory(home.dir);
  const actions = decide(inventory, settings.limits);
  const dueFor = (name: string) => actions.find((a) => actionDb(a) === name);
  const live = liveSessions(home.codexHome);
  const activity = await codexActivity(
    home.codexHome,
    inventory.dbs.map((db) => db.path),
  );
  // One plan serves every due rotation: it rests on what Codex is doing, not on the DB.
  const plan = planRotation(activity, { restart: settings.daemonRestart });
  const planned = plan.kind === 'defer' ? { plan: plan.kind, why: plan.why } : { plan: plan.kind };
  return {
    version: 1,
    codexguard: VERSION,
    codexHome: home.codexHome,
    sqliteHome: { dir: home.dir, source: home.source },
    limits: settings.limits,
    dbs: inventory.dbs.map((db) => {
      const t = db.exists && db.size > 0 ? trueSize(db.path) : { error: 'no main file' };
      const pages = 'error' in t ? { live: null, free: null } : { live: t.liveBytes, free: t.freeBytes };
      return {
        name: db.name,
        kind: db.kind,
        exists: db.exists,
        size: db.size,
        walSize: db.walSize,
        shmSize: db.shmSize,
        ...pages,
        ...(db.kind === 'log' ? { codexBudget: CODEX_LOG_BUDGET_BYTES } : {}),
        due: dueFor(db.name)?.kind ?? null,
      };
    }),
    due: actions.map((a) => ({
      action: a.kind,
      db: actionDb(a),
      reason: a.reason,
      ...(a.kind === 'rotate' ? planned : {}),
    })),
    codex: codexJson(activity),
    sessions: live.ok
      ? live.sessions.map((s) => ({ pid: s.pid, codexPid: s.child?.pid ?? null, startedAt: s.startedAt }))
      : null,
    archives: listArchives(home.dir).map((a) => ({
      db: a.db,
      name: a.name,
      date: a.date.toISOString(),
      bytes: a.bytes,
      compressed: a.compressed,
    })),
    config: { files: loaded.files.map((f) => ({ level: f.level, path: f.path })), sources: loaded.sources },
    growth: growthJson(readPoints(home.codexHome), inventory, settings.limits.logMaxBytes),
    lastSession: gatherLastSession(home.codexHome) ?? null,
  };
}

function growthJson(
  points: ReturnType<typeof readPoints>,
  inventory: ReturnType<typeof scanInventory>,
  logLimit: number,
): StatusJson['growth'] {
  const here = points.filter((p) => p.dir === inventory.dir);
  const dbs = inventory.dbs
    .filter((db) => db.exists)
    .map((db) => ({ name: db.name, kind: db.kind, bytes: db.size + db.walSize, wal: db.walSize }));
  return {
    points: here.length,
    oldest: here[0]?.at ?? null,
    dbs: growthOf(here, { at: Date.now(), dir: inventory.dir, dbs }, logLimit),
  };
}

/** The `codex` part of status --json. */
function codexJson(a: CodexActivity): StatusJson['codex'] {
  const proc = (d: CodexActivity['daemon']) =>
    d.state === 'running'
      ? {
          state: d.state,
          pid: d.pid,
          ...(d.version ? { version: d.version } : {}),
          ...(d.binary ? { binary: d.binary } : {}),
        }
      : d.state === 'unknown'
        ? { state: d.state, reason: d.reason }
        : { state: d.state };
  const clients = a.clients && 'count' in a.clients ? a.clients.count : null;
  const others = otherPidsOf(a);
  return {
    daemon: proc(a.daemon),
    updater: a.updater.state === 'running' ? { state: 'running', pid: a.updater.pid } : { state: a.updater.state },
    clients,
    others,
    summary: describeDaemon(a),
  };
}
