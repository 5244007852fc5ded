// Codex's daemon and the guard: (1) the launch-path time of a rotation under an idle 0.171 daemon, on a 219 MB home;
// (2) during a checkpoint of a 250 MB WAL (PASSIVE, then TRUNCATE at 250 ms), a writer with Codex's settings
// (busy_timeout 5 s, batches of 128 rows): its worst wait and its busy errors.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { readDaemon } from '../src/codex/daemon.ts';
import { checkpointDb } from '../src/sqlite/checkpoint.ts';
import { codexEnv, fillLogs, makeCodexDb, REAL_CODEX } from '../test/helpers/codex-home.ts';
import { median, ms, printTable, type Row } from './lib/report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUDGET = { launchMs: 1_500, worstWaitMs: 1_000, busyErrors: 0 };
const RUNS = 3;

function codex(home: string, args: string[]) {
  return spawnSync(REAL_CODEX, args, { env: codexEnv(home), encoding: 'utf8', timeout: 60_000 });
}

/** A home with a running daemon and a log DB of ~219 MB (100k rows), made by the daemon, filled while it is stopped, then held by it again. */
function bigHomeWithDaemon(home: string): void {
  codex(home, ['app-server', 'daemon', 'stop']);
  for (const name of readdirSync(home))
    if (/\.sqlite|^codexguard$/.test(name)) rmSync(join(home, name), { recursive: true, force: true });
  const log = join(home, 'logs_2.sqlite');
  const start = () => {
    if (codex(home, ['app-server', 'daemon', 'start']).status !== 0) throw new Error('daemon start failed');
    const end = Date.now() + 20_000;
    while (!statSync(log, { throwIfNoEntry: false }) && Date.now() < end) spawnSync('sleep', ['0.1']);
  };
  start();
  codex(home, ['app-server', 'daemon', 'stop']);
  fillLogs(log, { rows: 100_000, bodyBytes: 1_300 });
  start();
}

async function launchRotation(): Promise<{ ok: boolean; rows: string[][] }> {
  const root = mkdtempSync(join(tmpdir(), 'cg-bench-daemon-'));
  const home = join(root, 'home');
  const user = join(root, 'user');
  const shim = join(root, 'shim');
  for (const d of [home, user, shim]) mkdirSync(d);
  spawnSync('ln', ['-s', join(ROOT, 'bin', 'codex.js'), join(shim, 'codex')]);
  writeFileSync(join(user, '.codexguardrc'), JSON.stringify({ logs: { maxSize: '100MB', compress: false } }));
  const env = {
    ...codexEnv(home),
    HOME: user,
    PATH: [shim, dirname(REAL_CODEX), dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
  };
  const times: number[] = [];
  const rows: string[][] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      bigHomeWithDaemon(home);
      const log = join(home, 'logs_2.sqlite');
      const size = statSync(log).size + (statSync(`${log}-wal`, { throwIfNoEntry: false })?.size ?? 0);
      const before = readDaemon(home).daemon;
      const start = performance.now();
      const r = spawnSync(join(shim, 'codex'), ['--version'], { env, cwd: user, encoding: 'utf8' });
      const took = performance.now() - start;
      const rotated = /kept \d+ of \d+ rows in a fresh file/.test(r.stderr);
      times.push(took);
      rows.push([
        `run ${i + 1}`,
        `${(size / 1e6).toFixed(1)} MB`,
        before.state === 'running' ? `pid ${before.pid}` : before.state,
        rotated ? 'rotated' : `NOT rotated: ${r.stderr.trim()}`,
        ms(took),
      ]);
      if (!rotated) return { ok: false, rows };
    }
  } finally {
    codex(home, ['app-server', 'daemon', 'stop']);
    const updater = readDaemon(home).updater;
    if (updater.state === 'running') process.kill(updater.pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
  const m = median(times);
  rows.push(['median', '', '', `budget ${BUDGET.launchMs} ms`, `${ms(m)} ${m <= BUDGET.launchMs ? 'PASS' : 'FAIL'}`]);
  return { ok: m <= BUDGET.launchMs, rows };
}

/**
 * The writer, in its own process: Codex's busy_timeout (5 s) and batches of 128 rows every 20 ms, with its own
 * autocheckpoint off so that only waits caused by someone else count; prints its worst batch and its busy errors.
 */
const WRITER = `
const Database = require(${JSON.stringify(join(ROOT, 'node_modules', 'better-sqlite3'))});
const db = new Database(process.argv[1], { timeout: 5000 });
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
const insert = db.prepare("INSERT INTO logs (ts, ts_nanos, level, target, feedback_log_body, process_uuid, estimated_bytes) VALUES (?, 0, 'INFO', 'bench', ?, 'pid:bench', 300)");
const body = 'y'.repeat(200);
let worst = 0, busy = 0, batches = 0;
const stop = Date.now() + Number(process.argv[2]);
process.stdout.write('ready\\n');
const tick = () => {
  const t = process.hrtime.bigint();
  try { db.transaction(() => { for (let i = 0; i < 128; i++) insert.run(Math.floor(Date.now() / 1000), body); })(); }
  catch (e) { if (/BUSY|LOCKED/.test(String(e.code))) busy++; else throw e; }
  worst = Math.max(worst, Number(process.hrtime.bigint() - t) / 1e6);
  batches++;
  if (Date.now() < stop) setTimeout(tick, 20); else { process.stdout.write(JSON.stringify({ worst, busy, batches })); process.exit(0); }
};
tick();
`;

type WriterFigures = { worst: number; busy: number; batches: number };

/** One writer run of 3 s on `path`; `during` runs 1 s in (the checkpoint, or nothing for the baseline). */
async function writerRun(path: string, during: () => void): Promise<WriterFigures> {
  const writer = spawn(process.execPath, ['-e', WRITER, path, '3000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  writer.stdout.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => writer.once('exit', () => resolve()));
  while (!out.startsWith('ready')) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 1_000));
  during();
  await exited;
  return JSON.parse(out.slice(out.indexOf('{'))) as WriterFigures;
}

async function checkpointUnderWriter(): Promise<{ ok: boolean; rows: string[][] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-ckpt-'));
  try {
    const path = join(dir, 'logs_2.sqlite');
    makeCodexDb(path);
    // A 250 MB WAL, written by a connection that never checkpoints and stays open (as Codex's pool does).
    const holder = new Database(path);
    holder.pragma('wal_autocheckpoint = 0');
    fillLogsOn(holder, 100_000, 1_350);
    const wal = statSync(`${path}-wal`).size;
    const baseline = await writerRun(path, () => {});
    let result: ReturnType<typeof checkpointDb> | undefined;
    let took = 0;
    const withCheckpoint = await writerRun(path, () => {
      const start = performance.now();
      result = checkpointDb(path);
      took = performance.now() - start;
    });
    holder.close();
    const ok = withCheckpoint.busy <= BUDGET.busyErrors && withCheckpoint.worst < BUDGET.worstWaitMs;
    return {
      ok,
      rows: [
        ['WAL before', `${(wal / 1e6).toFixed(1)} MB`, ''],
        ['checkpoint', `${result!.code}: ${ms(took)}, WAL after ${(result!.walAfter / 1e6).toFixed(1)} MB`, ''],
        ['writer batches', String(withCheckpoint.batches), String(baseline.batches)],
        [
          'writer worst wait',
          `${ms(withCheckpoint.worst)} (budget < ${BUDGET.worstWaitMs} ms) ${withCheckpoint.worst < BUDGET.worstWaitMs ? 'PASS' : 'FAIL'}`,
          ms(baseline.worst),
        ],
        [
          'writer busy errors',
          `${withCheckpoint.busy} (budget ${BUDGET.busyErrors}) ${withCheckpoint.busy <= BUDGET.busyErrors ? 'PASS' : 'FAIL'}`,
          String(baseline.busy),
        ],
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fillLogsOn(db: Database.Database, rows: number, bodyBytes: number): void {
  const insert = db.prepare(
    "INSERT INTO logs (ts, ts_nanos, level, target, feedback_log_body, process_uuid, estimated_bytes) VALUES (?, 0, 'INFO', 'fill', ?, 'pid:fill', ?)",
  );
  const body = 'z'.repeat(bodyBytes);
  for (let done = 0; done < rows; done += 1_000) {
    db.transaction(() => {
      for (let i = done; i < Math.min(rows, done + 1_000); i++)
        insert.run(Math.floor(Date.now() / 1000), body, bodyBytes);
    })();
  }
}

function rowsOf(head: string[], rows: string[][]): Row[] {
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}

export async function bench(): Promise<{ ok: boolean }> {
  const launch = await launchRotation();
  printTable(
    rowsOf(['run', 'log DB + WAL', 'daemon', 'outcome', 'wall'], launch.rows),
    'Launch path, idle daemon, log DB over logs.maxSize 100MB: `codex --version` through the shim (stop + rotate + codex)',
  );
  const ckpt = await checkpointUnderWriter();
  printTable(
    rowsOf(['what', 'with the checkpoint', 'baseline: no checkpoint'], ckpt.rows),
    "Busy daemon: checkpoint of a big WAL (PASSIVE, then TRUNCATE, busy 250 ms) while a writer with Codex's settings inserts",
  );
  return { ok: launch.ok && ckpt.ok };
}
