// The `codex` shim's entry: find the real codex, guard the launch, mirror its end. Fails open.
import { writeSync } from 'node:fs';
import { CODEX_THREAD_ID, DEBUG, DISABLE, flag, SHIM_CHAIN } from '../env.ts';
import { CodexguardError, EXIT, formatError } from '../errors.ts';
import { outcomeLine } from '../outcome.ts';
import { runChild, type ChildEnd } from '../launch/run.ts';
import { realPath } from '../resolve/path-walk.ts';
import { childChain, resolveRealCodex, shimChain, type RealCodex } from '../resolve/real-codex.ts';
import { saveTerminal } from '../terminal/save.ts';
import { defaults } from '../config/keys.ts';
import { issueLines } from '../config/issues.ts';
import { loadConfig } from '../config/load.ts';
import { codexHomeDir } from '../inventory/sqlite-home.ts';
import { preflight } from '../preflight/check.ts';
import { recordEnded, registerSession, type Session } from '../registry/session.ts';
import type { DbSnapshot } from '../bundle/types.ts';
import type { Inventory } from '../inventory/scan.ts';
import { scanInventory } from '../inventory/scan.ts';
import { childrenWrote, ioMark, writeBytes } from '../watch/io.ts';
import { watchSession } from '../watch/session-watch.ts';
import type { SessionContext } from './context.ts';
import { settingsFrom, type LaunchSettings } from './settings.ts';

const env = process.env;
const debug = flag(env[DEBUG]);

/** One line on stderr, written synchronously and without touching process.stderr's stream. */
function say(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    // stderr is gone; nothing better to do.
  }
}

/** Runs a step of the guard; on any failure prints one line and carries on (fail open). */
async function failOpen<T>(step: () => T | Promise<T>, fallback: T): Promise<T> {
  try {
    return await step();
  } catch (error) {
    say(formatError(error, debug));
    return fallback;
  }
}

function selfPath(): string {
  const argv1 = process.argv[1] ?? '';
  try {
    return realPath(argv1);
  } catch {
    return argv1;
  }
}

/** How a launch ends: codex's own end (mirrored), or codexguard's exit status when codex could not be found or started. */
type LaunchEnd = { child: ChildEnd } | { status: number };

/**
 * What the shim needs once codex has ended (is it a crash? codex's status, mirrored), node:os with it. Asked for as codex
 * starts, so it loads while codex runs; by codex's end, it is there. A failure here is the later import's to report:
 * an unhandled rejection would end the shim while codex runs.
 */
const afterCodex = () =>
  Promise.all([import('../crash/detect.ts'), import('../launch/exit.ts')]).catch(() => undefined);

/** The real codex, or the exit status when there is none to start (its one line already said). */
function resolveCodex(self: string, codexPath: string | null): RealCodex | { status: number } {
  try {
    return resolveRealCodex({
      self,
      env,
      configured: codexPath ? { path: codexPath, source: 'codexPath (user config)' } : undefined,
    });
  } catch (error) {
    say(formatError(error, debug));
    return { status: error instanceof CodexguardError ? error.exitCode : EXIT.notFound };
  }
}

/**
 * This shim's entry in the live-session registry, written once codex runs (so the write overlaps codex's start). Its
 * code stays in the hot file, compiled from the code cache: loaded lazily and compiled from source, it cost 4 MiB of RSS.
 */
interface Registration {
  session?: Session;
}

function register(ctx: SessionContext, reg: Registration, self: string, pid: number): void {
  if (reg.session) {
    reg.session.setChild(pid, ctx.childStartedAt);
    return;
  }
  try {
    const registered = registerSession(codexHomeDir(env), {
      argv0: self,
      startedAt: ctx.shimStartedAt,
      child: { pid, startedAt: ctx.childStartedAt },
      // `codex --version`, `--help` and completions end first: they never load signal-exit.
      hookAfterMs: RECORD_AFTER_MS,
    });
    if (registered.ok) reg.session = registered.session;
    else if (debug) say(outcomeLine(registered));
  } catch (error) {
    // Called from the child's spawn event: a throw here would end the shim while codex runs.
    say(formatError(error, debug));
  }
}

async function start(ctx: SessionContext, onSpawn?: (pid: number) => void): Promise<LaunchEnd> {
  try {
    const child = await runChild(ctx.real.file, ctx.args, ctx.env, (pid) => {
      ctx.childPid = pid;
      ctx.childStartedAt = Date.now();
      onSpawn?.(pid);
    });
    return { child };
  } catch (error) {
    say(formatError(error, debug));
    return { status: error instanceof CodexguardError ? error.exitCode : EXIT.cannotRun };
  }
}

/** The effective config (one line per problem in a config file; defaults for what is broken). */
async function settings(quiet: boolean): Promise<LaunchSettings> {
  const loaded = await failOpen(() => loadConfig({ cwd: process.cwd(), env }), undefined);
  if (!quiet) for (const line of issueLines(loaded?.issues ?? [], env.HOME)) say(line);
  return settingsFrom(loaded?.config ?? defaults(), loaded?.issues);
}

/** In-session looks kept for a crash bundle: 10 minutes at the default wal.watchEvery of 30 s. */
const LOOKS_KEPT = 20;

/** Sessions at least this long get their figures recorded at the end (sizes, bytes written) and a history line; only they load signal-exit. */
const RECORD_AFTER_MS = 1_000;

/** Sizes of Codex's DBs, for the session's figures and the crash bundle. */
function snapshot(inventory: Inventory): DbSnapshot {
  return {
    at: Date.now(),
    dbs: inventory.dbs.map(({ name, size, walSize, exists }) => ({ name, size, walSize, exists })),
  };
}

/** The pre-flight of a launch (and before a restart): where the DBs are, and their sizes after it. */
async function launchPreflight(ctx: SessionContext, s: LaunchSettings): Promise<{ dir: string; sizes: DbSnapshot }> {
  const report = await preflight({
    env,
    args: ctx.args,
    limits: s.limits,
    lockTimeoutMs: s.lockTimeoutMs,
    say,
    progress: true,
    compress: s.compress,
    launch: true,
    drop: s.drop,
    daemonRestart: s.daemonRestart,
    codex: { file: ctx.real.file, env: ctx.env },
  });
  return { dir: report.dir, sizes: snapshot(report.inventory) };
}

/**
 * The guarded launch: pre-flight, then codex (registered as a live session once it runs, its WALs watched), then the
 * crash path for as long as it restarts. Returns how it ended and the registration, for main() to record and close.
 */
async function guarded(
  ctx: SessionContext,
  s: LaunchSettings,
  self: string,
): Promise<{ end: LaunchEnd; reg: Registration }> {
  ctx.crashPolicy = s.crashPolicy;
  const reg: Registration = {};
  // At launch and again before each restart (it usually removes the cause); it fails open every time.
  const runPreflight = async () => {
    const done = await failOpen(() => launchPreflight(ctx, s), undefined);
    if (done) ctx.dbSnapshot = done.sizes;
    return done;
  };
  const first = await runPreflight();
  const dir = first?.dir;
  const start0 = first?.sizes;
  // The whole session, not just the launch: stat the files every wal.watchEvery, checkpoint a WAL over its limit.
  const stopWatch =
    dir === undefined
      ? undefined
      : watchSession({
          dir,
          limits: s.limits,
          everyMs: s.watchEveryMs,
          onLook: (inventory) => {
            const look = snapshot(inventory);
            ctx.looks = [...(ctx.looks ?? []).slice(1 - LOOKS_KEPT), look];
            reg.session?.setFigures({
              start: start0,
              last: look,
              codexWroteBytes: ctx.childPid === undefined ? undefined : writeBytes(ctx.childPid),
            });
          },
        });
  // Before codex takes the terminal: what to put back if it dies in raw mode.
  ctx.savedTty = saveTerminal();
  try {
    return { end: await runUntilDone(ctx, reg, self, runPreflight), reg };
  } finally {
    stopWatch?.();
    const session = reg.session;
    // A run shorter than a second (`--version`, `--help`, completions) changes nothing worth a history line: its end costs nothing.
    if (session && dir !== undefined && Date.now() - ctx.shimStartedAt >= RECORD_AFTER_MS) {
      const codexWroteBytes = childrenWrote(ctx.ioAtStart, ioMark());
      const inventory = scanInventory(dir);
      // Kept in memory only: recordEnded writes it to the history as the entry goes.
      session.entry.figures = { start: start0, last: snapshot(inventory), codexWroteBytes };
      // After codex, never before it: a growth point at most once an hour (a stat says whether one is due).
      const home = session.entry.codexHome;
      await failOpen(async () => (await import('../insight/growth-io.ts')).recordPointIfDue(home, inventory), false);
    }
  }
}

/** Starts codex, and again after each crash the policy restarts (after `beforeRestart`). */
async function runUntilDone(
  ctx: SessionContext,
  reg: Registration,
  self: string,
  beforeRestart: () => Promise<unknown>,
): Promise<LaunchEnd> {
  for (;;) {
    // What this child writes shows as the growth of this process's counters once it is reaped (crash bundle, session figures).
    ctx.ioBeforeChild = ioMark();
    ctx.ioAtStart ??= ctx.ioBeforeChild;
    const ended = await start(ctx, (pid) => {
      void afterCodex();
      register(ctx, reg, self, pid);
    });
    if (!('child' in ended)) return ended;
    const end = ended.child;
    const signal = await failOpen(
      async () => (await import('../crash/detect.ts')).crashSignal(end, ctx.crashPolicy?.signals),
      undefined,
    );
    if (signal === undefined) return ended;
    const outcome = await failOpen(async () => (await import('../crash/on-crash.ts')).onCrash(ctx, end, signal), {
      restart: false,
    } as const);
    if (!outcome.restart) return ended;
    ctx.args = outcome.args;
    await beforeRestart();
  }
}

/** Ends the shim as the launch ended: codex's status or signal, mirrored, or codexguard's own status. The only exit. */
async function finish(end: LaunchEnd): Promise<never> {
  if ('child' in end) {
    const exit = await failOpen(() => import('../launch/exit.ts'), undefined);
    // Without it (a broken install), codex's exit code still goes through; a death by a signal becomes 126.
    return exit ? exit.mirrorExit(end.child) : process.exit(end.child.code ?? EXIT.cannotRun);
  }
  return process.exit(end.status);
}

async function main(): Promise<void> {
  const shimStartedAt = Date.now();
  const self = selfPath();
  // Nested in a Codex session or in another shim, or switched off: straight through, no checks, no lock.
  const passThrough = flag(env[DISABLE]) || shimChain(env).length > 0 || Boolean(env[CODEX_THREAD_ID]);
  const s = await settings(passThrough);
  const real = resolveCodex(self, s.codexPath);
  if ('status' in real) return finish(real);
  const ctx: SessionContext = {
    real,
    args: process.argv.slice(2),
    env: { ...real.env, [SHIM_CHAIN]: childChain(env, self) },
    cwd: process.cwd(),
    shimStartedAt,
    debug,
  };
  if (passThrough) return finish(await start(ctx, () => void afterCodex()));
  const { end, reg } = await guarded(ctx, s, self);
  // mirrorExit may re-raise a signal with every listener removed: no exit hook runs after it.
  if (reg.session?.entry.figures && 'child' in end) {
    recordEnded(reg.session.entry, { endedAt: Date.now(), code: end.child.code, signal: end.child.signal });
  }
  reg.session?.close();
  await finish(end);
}

// Last resort: main() fails open step by step; anything that still escapes is one line, never a stack.
main().catch((error: unknown) => {
  say(formatError(error, debug));
  process.exit(EXIT.cannotRun);
});
