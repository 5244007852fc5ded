// The pre-flight's cold half, under the lock: look again, then rotate, checkpoint or recover what is still over a limit.
// (Not to be confused with `codexguard maintain`, the command that runs the whole pre-flight by hand or on a schedule.)
import { startDaemon } from '../codex/daemon-control.ts';
import { checkpointInstead, decide } from '../inventory/decide.ts';
import { humanSize } from '../human.ts';
import { scanInventory } from '../inventory/scan.ts';
import type { SqliteHome } from '../inventory/sqlite-home.ts';
import { withPreflightLock } from '../lock/preflight-lock.ts';
import { liveSessions } from '../registry/live.ts';
import { runActions } from '../rotate/run.ts';
import { siblingCli, spawnDetached } from '../launch/background.ts';
import type { PreflightOptions } from './options.ts';
import { describeProgress, progressLine } from '../rotate/progress.ts';
import { checkpointDb } from '../sqlite/checkpoint.ts';
import { gateRotations, type Deferral } from './daemon-gate.ts';
import { sayNotices } from './notices.ts';
import { line, outcomeLine } from '../outcome.ts';
import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';

/** A progress line on fd 2 that never creates process.stderr's stream (codex shares that terminal next). */
function stderrProgress() {
  const progress = progressLine({
    isTTY: isatty(2),
    write: (text: string) => writeSync(2, text),
  } as unknown as NodeJS.WriteStream);
  return {
    onProgress: (db: string, event: { phase: string; done?: number; total?: number }) =>
      progress.update(describeProgress(db, event)),
    done: () => progress.done(),
  };
}

/** How long a rotation waits for Codex's maintenance lock once Codex's daemon was stopped (the flock goes with the process). */
const AFTER_STOP_LOCK_WAIT_MS = 1_000;
/** On the launch path, each look at who has a DB open (lsof, on macOS) may take this long; slower means "cannot tell", so shared. */
const LAUNCH_OPENERS_MS = 1_500;

/** On the launch path, a rotation spends at most this long in all waiting on Codex's SQLite locks; then codex starts. */
export const LAUNCH_SQLITE_WAIT_MS = 1_000;

/** What the cold half did: whether every action it ran succeeded, and the DBs it left for when Codex is idle. */
export interface UnderLockOutcome {
  ok: boolean;
  deferred: string[];
}

/** The one line for a deferred rotation (or recovery): how big, who uses it, and when or how it will happen. */
export function deferralLine(d: Deferral, sizes: string | undefined): string {
  const what =
    d.kind === 'rotate'
      ? `${sizes ? ` is ${sizes}` : ''}: not rotated now`
      : ': the interrupted rotation beside it is not finished now';
  return line(
    `${d.db}${what}, since ${d.why}; it will be once Codex is idle (the next launch or scheduled maintain), or now with \`codexguard rotate --stop-daemon\``,
    'W_DEFERRED',
  );
}

/** Runs the due actions under the pre-flight lock; `ok` when every action that ran succeeded. Never throws. */
export async function fixUnderLock(home: SqliteHome, options: PreflightOptions): Promise<UnderLockOutcome> {
  const { say } = options;
  const locked = await withPreflightLock(home.codexHome, options.lockTimeoutMs, async (): Promise<UnderLockOutcome> => {
    // Another shim may have done the work while this one waited: decide again on fresh sizes.
    const inventory = scanInventory(home.dir);
    const decided = decide(inventory, options.limits, { force: options.force });
    const gated = await gateRotations(inventory, decided, {
      codexHome: home.codexHome,
      restart: options.daemonRestart ?? 'idle',
      stopBusy: options.stopBusyDaemon,
      codex: options.codex,
      walMaxBytes: options.limits.walMaxBytes,
    });
    if (gated.stopped && !options.launch) {
      say(
        `codexguard: stopped Codex's app-server daemon (pid ${gated.stopped.pid}) in ${(gated.stopped.ms / 1000).toFixed(2)} s to rotate${gated.stopped.interrupted ? `; it was in use: ${gated.stopped.interrupted}` : ''}`,
      );
    }
    const progress = options.progress ? stderrProgress() : undefined;
    const results = await runActions(inventory, gated.actions, {
      limits: options.limits,
      liveSessions: () => {
        const live = liveSessions(home.codexHome);
        // An unreadable registry means someone may be running: count one.
        return live.ok ? live.sessions.length : 1;
      },
      lockWaitMs: gated.stopped ? AFTER_STOP_LOCK_WAIT_MS : 0,
      sqliteWaitMs: options.launch ? LAUNCH_SQLITE_WAIT_MS : undefined,
      openersTimeoutMs: options.launch ? LAUNCH_OPENERS_MS : undefined,
      onProgress: progress?.onProgress,
    });
    progress?.done();
    const deferred = [...gated.deferred];
    const notices: Array<{ subject: string; line: string }> = [];
    for (const result of results) {
      // A file named like a log DB that is none, or a checkpoint a live reader keeps out (each of the shims that
      // waited on the lock would try and say so), would be news at every launch: once a day is enough.
      if (result.code === 'E_NOT_LOG_DB' || (result.action === 'checkpoint' && result.code === 'E_BUSY')) {
        notices.push({ subject: `${result.code}:${result.action}:${result.db}`, line: outcomeLine(result) });
        continue;
      }
      if (result.code !== 'W_DEFERRED') {
        say(outcomeLine(result));
        continue;
      }
      // No daemon, but a Codex process holds its maintenance lock: a deferral too, and the WAL still gets its checkpoint.
      deferred.push({ db: result.db, kind: result.action === 'recover' ? 'recover' : 'rotate', why: result.message });
      const db = inventory.dbs.find((d) => d.name === result.db);
      if (db && result.action === 'rotate' && checkpointInstead(db, options.limits.walMaxBytes).length) {
        const checkpoint = { action: 'checkpoint' as const, db: db.name, ...checkpointDb(db.path) };
        results.push(checkpoint);
        say(outcomeLine(checkpoint));
      }
    }
    const sizes = (name: string) => {
      const db = inventory.dbs.find((d) => d.name === name);
      return db ? `${humanSize(db.size + db.walSize)} (over ${humanSize(options.limits.logMaxBytes)})` : undefined;
    };
    // At launch once a day per DB; maintain, rotate and the scheduled job always say it.
    notices.push(...deferred.map((d) => ({ subject: `deferred:${d.db}`, line: deferralLine(d, sizes(d.db)) })));
    sayNotices(home.codexHome, notices, say, !options.launch);
    if (gated.stopped && !options.launch && options.codex) {
      // On a launch codex brings its daemon back itself; elsewhere the Desktop app, IDEs and remote control expect it as they left it.
      const started = await startDaemon(options.codex);
      say(
        started.ok
          ? line(`started Codex's app-server daemon again (${(started.ms / 1000).toFixed(1)} s)`)
          : line(`${started.message}; Codex starts it again on its next launch`, 'E_DAEMON_START'),
      );
    }
    if (options.launch && options.compress && results.some((r) => r.action === 'rotate' && r.ok)) {
      // Seconds of gzip for a big archive: a detached `codexguard maintain` does it, under the compress lock.
      const cli = siblingCli();
      // A `-c sqlite_home=DIR` launch: the gzip must look in DIR too, which Codex also reads from $CODEX_SQLITE_HOME.
      if (cli)
        spawnDetached(
          [...cli, 'maintain'],
          home.source === 'cli' ? { ...process.env, CODEX_SQLITE_HOME: home.dir } : process.env,
        );
    }
    return {
      ok: results.every((r) => r.ok || r.code === 'W_DEFERRED' || r.code === 'E_NOT_LOG_DB'),
      deferred: [...new Set(deferred.map((d) => d.db))],
    };
  });
  if (locked.acquired) return locked.value;
  say(line(`${locked.message}; starting codex without the pre-flight`, locked.code));
  return { ok: false, deferred: [] };
}
