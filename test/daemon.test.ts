// The guard against the real pinned codex with its app-server daemon running: rotate under an idle daemon (launch and
// maintain), checkpoint and defer under a busy one (a real TUI in tmux), daemon.restart never, status and doctor.
// One CODEX_HOME serves every test (`daemon start` copies about 400 MB into a new one); each test starts its own daemon
// on fresh DBs and stops it, and the file's end stops the updater loop too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { controlClients } from '../src/codex/clients.ts';
import { daemonPaths, readDaemon } from '../src/codex/daemon.ts';
import { openers } from '../src/codex/holders.ts';
import { pidRunning } from '../src/registry/process-stamp.ts';
import {
  appServer,
  codexEnv,
  expectedKept,
  fillLogs,
  inspect,
  logCount,
  DAEMON_CODEX,
  DAEMON_CODEX_VERSION,
} from './helpers/codex-home.ts';
import { CLI, linkShim, NODE_BIN_DIR, runSync, waitFor } from './helpers/index.ts';
import { inTmux } from './helpers/tmux.ts';

const root = mkdtempSync(join(tmpdir(), 'cg-daemon-'));
const home = join(root, 'codex-home');
const user = join(root, 'user');
const shimDir = join(root, 'shim');
mkdirSync(home);
mkdirSync(user);
linkShim(shimDir);
const LOG = join(home, 'logs_2.sqlite');
const PATH = [shimDir, dirname(DAEMON_CODEX), NODE_BIN_DIR, '/usr/bin', '/bin'].join(':');
const KEEP_ROWS = 1_000;

/** The environment of a user who has the shim first on PATH. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...codexEnv(home), HOME: user, PATH, ...extra };
}

function codex(args: string[]) {
  return spawnSync(DAEMON_CODEX, args, { env: codexEnv(home), encoding: 'utf8', timeout: 60_000 });
}

function daemonPid(): number | undefined {
  const d = readDaemon(home).daemon;
  return d.state === 'running' ? d.pid : undefined;
}

function stopAll(): void {
  const { daemon, updater } = readDaemon(home);
  codex(['app-server', 'daemon', 'stop']);
  if (updater.state === 'running') process.kill(updater.pid, 'SIGKILL');
  // The next test starts a daemon of its own: the last one must be gone first, its threads included.
  const end = Date.now() + 10_000;
  while (daemon.state === 'running' && pidRunning(daemon.pid) && Date.now() < end) spawnSync('sleep', ['0.05']);
}

after(() => {
  stopAll();
  rmSync(root, { recursive: true, force: true });
});

/**
 * Fresh DBs made by the real daemon (its migrations), then log rows written beside it until logs_2 is far over
 * 10 MB: the daemon holds every file open, as on a user's machine. Returns the ids a rotation must keep.
 */
async function daemonWithBigLog(
  t: TestContext,
  config: object = {},
): Promise<{ pid: number; keep: number[]; migrations: unknown }> {
  stopAll();
  for (const name of readdirSync(home))
    if (/\.sqlite/.test(name) || name === 'codexguard' || name === 'db-backups')
      rmSync(join(home, name), { recursive: true, force: true });
  writeFileSync(
    join(user, '.codexguardrc'),
    JSON.stringify({ logs: { maxSize: '10MB', keepRows: KEEP_ROWS }, wal: { maxSize: '2MB' }, ...config }),
  );
  const started = codex(['app-server', 'daemon', 'start']);
  assert.equal(started.status, 0, started.stderr);
  t.after(stopAll);
  const pid = await waitFor(() => (existsSync(LOG) ? daemonPid() : undefined), 20_000, 'the daemon and its DBs');
  fillLogs(LOG, { rows: 8_000, bodyBytes: 2_000 });
  const size = statSync(LOG).size + (statSync(`${LOG}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  assert.ok(size > 20e6, `log DB ${size} bytes`);
  return {
    pid,
    keep: expectedKept(LOG, KEEP_ROWS, 14, Math.floor(Date.now() / 1000)),
    migrations: inspect(LOG).migrations,
  };
}

/** Polls an async condition until it holds, or throws after `ms`. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function archives(): string[] {
  return readdirSync(home).filter((n) => n.startsWith('logs_2.sqlite.') && n.includes('archive'));
}

test('idle daemon, log DB over its limit: a launch stops the daemon, rotates exclusively, and codex brings it back', async (t) => {
  const before = await daemonWithBigLog(t);
  // Through the shim: `codex app-server daemon start` is codex starting its daemon, as the TUI does on every launch.
  const launch = runSync(join(shimDir, 'codex'), ['app-server', 'daemon', 'start'], {
    env: env(),
    cwd: user,
    timeout: 60_000,
  });
  assert.equal(launch.status, 0, launch.stderr);
  assert.match(launch.stderr, /logs_2\.sqlite: kept 1000 of \d+ rows in a fresh file/);
  assert.equal(archives().length >= 1, true, 'the old file is archived');
  const after = inspect(LOG);
  assert.equal(after.integrity, 'ok');
  assert.equal(after.journalMode, 'wal');
  assert.deepEqual(after.migrations, before.migrations, 'migrations intact');
  assert.deepEqual(after.ids, before.keep, 'exactly the newest keepRows rows');
  assert.equal(existsSync(join(home, 'db-backups')), false, 'Codex took the new file as it is');

  // A daemon runs again, holds the new file, and Codex writes rows into it.
  const pid = await waitFor(() => daemonPid(), 20_000, 'the daemon to be back');
  assert.notEqual(pid, before.pid);
  await until(async () => (await openers([LOG])).includes(pid!), 20_000, 'the new daemon to open the new log DB');
  const rows = logCount(LOG).maxId;
  const server = await appServer(t, home);
  await server.startThread();
  await waitFor(() => logCount(LOG).maxId > rows, 40_000, 'Codex to write rows into the new file');
  assert.equal(await server.close(), 0);
  assert.equal(inspect(LOG).integrity, 'ok');
});

test('the same through `codexguard maintain`: rotated, and the daemon is running again afterwards', async (t) => {
  const before = await daemonWithBigLog(t);
  const r = runSync(process.execPath, [CLI, 'maintain'], { env: env(), cwd: user, timeout: 60_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    new RegExp(`stopped Codex's app-server daemon \\(pid ${before.pid}\\) in \\d+\\.\\d+ s to rotate`),
  );
  assert.match(r.stdout, /kept 1000 of \d+ rows in a fresh file/);
  assert.match(r.stdout, /started Codex's app-server daemon again/);
  const pid = daemonPid();
  assert.ok(pid !== undefined && pid !== before.pid, 'a new daemon runs');
  await until(async () => (await openers([LOG])).includes(pid!), 20_000, 'the new daemon to open the new log DB');
  assert.deepEqual(inspect(LOG).ids, before.keep);
});

test('a TUI connected to the daemon: never stopped; the WALs are checkpointed, the rotation deferred and said once a day at launch', async (t) => {
  const before = await daemonWithBigLog(t);
  const walBefore = statSync(`${LOG}-wal`).size;
  assert.ok(walBefore > 2e6, `the log WAL is ${walBefore} bytes`);
  const tui = inTmux(t, root, [DAEMON_CODEX], codexEnv(home));
  const socket = daemonPaths(home).controlSocket;
  await waitFor(
    () => {
      const c = controlClients(socket);
      return 'count' in c && c.count === 1;
    },
    30_000,
    'the TUI to connect to the daemon',
  );
  const tuiPid = Number(
    spawnSync('pgrep', ['-f', '-x', DAEMON_CODEX], { encoding: 'utf8' }).stdout.trim().split('\n')[0],
  );
  assert.ok(tuiPid > 0, 'the TUI runs');
  assert.equal(daemonPid(), before.pid, 'the TUI uses the daemon the test started');
  await until(
    async () => (await openers([join(home, 'state_5.sqlite')])).includes(tuiPid),
    20_000,
    'the TUI to open its state DB',
  );

  // The first launch says it (one line, naming who), the second does not; maintain always does.
  const first = runSync(join(shimDir, 'codex'), ['--version'], { env: env(), cwd: user });
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout.trim(), `codex-cli ${DAEMON_CODEX_VERSION}`);
  const deferred = first.stderr.split('\n').filter((l) => l.includes('[W_DEFERRED]'));
  assert.equal(deferred.length, 1, first.stderr);
  assert.match(
    deferred[0]!,
    new RegExp(
      `logs_2\\.sqlite is [\\d.]+ MB \\(over 10\\.0 MB\\): not rotated now, since Codex's app-server daemon \\(pid ${before.pid}\\) is in use: .*\\bpid [\\d, ]*\\b${tuiPid}\\b`,
    ),
  );
  assert.match(deferred[0]!, /codexguard rotate --stop-daemon/);
  assert.match(first.stderr, /logs_2\.sqlite: -wal checkpointed/);
  const second = runSync(join(shimDir, 'codex'), ['--version'], { env: env(), cwd: user });
  assert.equal(second.stderr.includes('W_DEFERRED'), false, second.stderr);
  const maintain = runSync(process.execPath, [CLI, 'maintain'], { env: env(), cwd: user, timeout: 60_000 });
  assert.equal(maintain.status, 0, 'a deferral is no failure of the scheduled job');
  assert.match(maintain.stdout, /\[W_DEFERRED\]/);

  assert.equal(daemonPid(), before.pid, 'the daemon was not stopped');
  assert.ok(spawnSync('kill', ['-0', String(tuiPid)]).status === 0, 'the TUI is alive');
  assert.ok(
    statSync(`${LOG}-wal`).size < 2e6,
    `the log WAL is under wal.maxSize (${statSync(`${LOG}-wal`).size} bytes)`,
  );
  assert.equal(archives().length, 0, 'not rotated');

  // rotate names who uses it and exits 1; --stop-daemon never goes ahead without a terminal to ask on.
  const rotate = runSync(process.execPath, [CLI, 'rotate'], { env: env(), cwd: user, timeout: 60_000 });
  assert.equal(rotate.status, 1);
  assert.match(rotate.stdout, new RegExp(`is in use: .*\\bpid [\\d, ]*\\b${tuiPid}\\b`));
  const forced = runSync(process.execPath, [CLI, 'rotate', '--stop-daemon'], {
    env: env(),
    cwd: user,
    timeout: 60_000,
  });
  assert.equal(forced.status, 1);
  assert.match(forced.stderr, /there is no terminal to ask on; nothing done \[E_NO_TTY\]/);
  assert.equal(daemonPid(), before.pid);

  // status and doctor show the daemon and its client, and a fix that works in this state.
  const status = JSON.parse(runSync(process.execPath, [CLI, 'status', '--json'], { env: env(), cwd: user }).stdout);
  assert.equal(status.codex.daemon.state, 'running');
  assert.equal(status.codex.daemon.pid, before.pid);
  assert.equal(status.codex.daemon.version, DAEMON_CODEX_VERSION);
  assert.ok(status.codex.others.includes(tuiPid), JSON.stringify(status.codex));
  assert.deepEqual(
    status.due.map((d: { plan?: string }) => d.plan),
    ['defer'],
  );
  const human = runSync(process.execPath, [CLI, 'status'], { env: env(), cwd: user }).stdout;
  assert.match(
    human,
    new RegExp(
      `Codex app-server daemon: pid ${before.pid} \\(${DAEMON_CODEX_VERSION.replaceAll('.', '\\.')}\\): .*\\bpid [\\d, ]*\\b${tuiPid}\\b`,
    ),
  );
  const doctor = JSON.parse(
    runSync(process.execPath, [CLI, 'doctor', '--json'], { env: env(), cwd: user, timeout: 60_000 }).stdout,
  );
  const check = (id: string) => doctor.checks.find((c: { id: string }) => c.id === id);
  assert.match(check('codex').summary, new RegExp(`\\b${tuiPid}\\b`));
  assert.equal(check('db:logs_2.sqlite').level, 'warn');
  assert.match(check('db:logs_2.sqlite').fix, /codexguard rotate --stop-daemon/);
  tui.keys('C-c');
});

test('daemon.restart never: the idle daemon is untouched and the rotation deferred', async (t) => {
  const before = await daemonWithBigLog(t, { daemon: { restart: 'never' } });
  const r = runSync(join(shimDir, 'codex'), ['--version'], { env: env(), cwd: user });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /daemon\.restart is "never".*\[W_DEFERRED\]/);
  assert.equal(daemonPid(), before.pid);
  assert.equal(archives().length, 0);
  const doctor = JSON.parse(
    runSync(process.execPath, [CLI, 'doctor', '--json'], { env: env(), cwd: user, timeout: 60_000 }).stdout,
  );
  const db = doctor.checks.find((c: { id: string }) => c.id === 'db:logs_2.sqlite');
  assert.equal(db.level, 'warn');
  assert.match(db.summary, /daemon\.restart is "never"/);
});

test('status and doctor with an idle daemon: its pid and version, "idle", and `codexguard rotate` as the fix', async (t) => {
  const before = await daemonWithBigLog(t);
  const status = JSON.parse(runSync(process.execPath, [CLI, 'status', '--json'], { env: env(), cwd: user }).stdout);
  assert.equal(status.codex.summary, `pid ${before.pid} (${DAEMON_CODEX_VERSION}): idle`);
  assert.equal(status.codex.updater.state, 'running');
  assert.deepEqual(
    status.due.map((d: { plan?: string }) => d.plan),
    ['stop-daemon'],
  );
  const doctor = JSON.parse(
    runSync(process.execPath, [CLI, 'doctor', '--json'], { env: env(), cwd: user, timeout: 60_000 }).stdout,
  );
  const db = doctor.checks.find((c: { id: string }) => c.id === 'db:logs_2.sqlite');
  assert.equal(db.level, 'fail');
  assert.equal(db.fix, 'codexguard rotate');
  // The fix works in this state: it rotates, and the daemon is back.
  const rotate = runSync(process.execPath, [CLI, 'rotate'], { env: env(), cwd: user, timeout: 60_000 });
  assert.equal(rotate.status, 0, rotate.stdout + rotate.stderr);
  assert.ok(daemonPid() !== undefined);
  assert.deepEqual(inspect(LOG).ids, before.keep);
});
