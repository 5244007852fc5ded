// The seed's failure chain, measured: how often test/fixtures/seed-repro-codex.mjs crashes on a 229 MB log DB with and
// without codexguard's pre-flight in front; how long its start-up prune and checkpoints hold the write lock on a big vs
// a small DB; and how long a crash bundle takes to capture on the big one (the one budget here: ≤ 2 s).
// Figures only: whatever they show is what is reported.
import { spawnSync } from 'node:child_process';
import { existsSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { writeBundle } from '../src/bundle/write.ts';
import { fillLogs, makeCodexDb } from '../test/helpers/codex-home.ts';
import { budget, median, printTable } from './lib/report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = join(ROOT, 'test', 'fixtures', 'seed-repro-codex.mjs');
const SHIM = join(ROOT, 'bin', 'codex.js');
const NAME = 'logs_2.sqlite';
/** Runs per cell of the crash-rate table (each on a fresh copy of the DB). */
const RUNS = 3;
/** The busy timeouts the fake's writers use: Codex's own pool (5 s), and shorter ones (a writer that gives up sooner). */
const BUSY_MS = [5_000, 1_000, 50];

interface SeedResult {
  busy: boolean;
  pruned?: number;
  pruneMs?: number;
  checkpointMs?: number;
  waitMaxMs?: number;
}

/** A home with a log DB of `rows` rows over 30 days (so Codex's 10-day retention deletes about two thirds). */
function makeHome(rows: number, bodyBytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-seed-'));
  makeCodexDb(join(dir, NAME));
  fillLogs(join(dir, NAME), { rows, bodyBytes, spreadSeconds: 30 * 86_400 });
  return dir;
}

/** Runs the fake on a fresh copy of `fixture`, directly or through the shim (pre-flight with the default limits). */
function runOnce(fixture: string, busyMs: number, viaShim: boolean): SeedResult & { crashed: boolean; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-run-'));
  try {
    cpSync(fixture, dir, { recursive: true });
    const result = join(dir, 'result.json');
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      CODEX_HOME: dir,
      SEED_BUSY_TIMEOUT_MS: String(busyMs),
      SEED_RESULT: result,
      CODEXGUARD_REAL_CODEX: SEED,
    };
    const t = performance.now();
    const child = spawnSync(process.execPath, viaShim ? [SHIM, 'exec', 'hi'] : [SEED, 'exec', 'hi'], {
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    const ms = performance.now() - t;
    const crashed = child.signal === 'SIGTRAP';
    if (!crashed && child.status !== 0)
      throw new Error(`seed fake ended with ${child.status ?? child.signal}: ${child.stderr}`);
    // A crash can land before any thread wrote its result: then all that is known is that it crashed.
    const recorded = existsSync(result)
      ? (JSON.parse(readFileSync(result, 'utf8')) as SeedResult)
      : crashed
        ? { busy: true }
        : undefined;
    if (!recorded) throw new Error(`seed fake wrote no result: ${child.stderr}`);
    return { ...recorded, crashed, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (path: string) =>
  `${((statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 1e6).toFixed(1)} MB`;
const count = (path: string) => {
  const db = new Database(path, { readonly: true });
  const n = db.prepare('SELECT count(*) FROM logs').pluck().get() as number;
  db.close();
  return n;
};

/** Copies `fixture` and runs the Codex-style prune on it (auto-checkpoint off, so the transaction is timed alone). */
function prunedCopy(fixture: string, dir: string): { db: Database.Database; pruned: number; pruneMs: number } {
  cpSync(fixture, dir, { recursive: true });
  const db = new Database(join(dir, NAME));
  db.pragma('wal_autocheckpoint = 0');
  const t = performance.now();
  db.exec('BEGIN IMMEDIATE');
  const pruned = db.prepare('DELETE FROM logs WHERE ts < ?').run(Math.floor(Date.now() / 1000) - 10 * 86_400).changes;
  db.exec('COMMIT');
  return { db, pruned, pruneMs: performance.now() - t };
}

/** How long the prune holds the write lock, the WAL it leaves, and how long each checkpoint of that WAL takes. */
function lockHold(fixture: string): {
  pruned: number;
  pruneMs: number;
  walMb: number;
  passiveMs: number;
  truncateMs: number;
} {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-lock-'));
  try {
    const first = prunedCopy(fixture, dir);
    const walMb = statSync(join(dir, `${NAME}-wal`)).size / 1e6;
    let t = performance.now();
    first.db.pragma('wal_checkpoint(PASSIVE)');
    const passiveMs = performance.now() - t;
    first.db.close();
    rmSync(dir, { recursive: true, force: true });
    const second = prunedCopy(fixture, dir);
    t = performance.now();
    second.db.pragma('wal_checkpoint(TRUNCATE)');
    const truncateMs = performance.now() - t;
    second.db.close();
    return { pruned: first.pruned, pruneMs: Math.min(first.pruneMs, second.pruneMs), walMb, passiveMs, truncateMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Capture time of writeBundle on the big DB (the launch-path budget is 2 s). */
async function captureTimes(fixture: string, runs: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-capture-'));
  try {
    cpSync(fixture, dir, { recursive: true });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const now = Date.now();
      const r = await writeBundle(
        {
          signal: 'SIGTRAP',
          exitCode: null,
          pid: 1000 + i,
          codexPath: SEED,
          argv: ['exec', 'hi'],
          cwd: dir,
          env: { TERM: 'xterm', PATH: process.env.PATH },
          shimStartedAt: now - 60_000,
          childStartedAt: now - 59_000,
          endedAt: now,
          codexHome: dir,
          preflight: { at: now - 59_500, dbs: [{ name: NAME, size: statSync(join(dir, NAME)).size, walSize: 0 }] },
        },
        { finisher: false },
      );
      if (!r.path) throw new Error(`no bundle: ${r.warnings.join('; ')}`);
      times.push(r.elapsedMs);
    }
    return times;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<{ ok: boolean }> {
  const t = performance.now();
  // The seed report's DB: 92,060 rows, ~229 MB (bodies of ~1.6 kB give that size, as in rotation.bench.ts).
  const big = makeHome(92_060, 1_620);
  const small = makeHome(2_000, 1_620);
  try {
    console.log(
      `fixtures: big ${mb(join(big, NAME))} (${count(join(big, NAME))} rows), small ${mb(join(small, NAME))} (${count(join(small, NAME))} rows), rows over 30 days; built in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    console.log(
      `(${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}; the fake: 4 writer threads, batches of 128 rows, retention 10 days in one transaction)`,
    );

    const rows = [];
    for (const busyMs of BUSY_MS) {
      for (const viaShim of [false, true]) {
        const results = Array.from({ length: RUNS }, () => runOnce(big, busyMs, viaShim));
        const finished = results.filter((r) => !r.crashed);
        rows.push({
          'writers busy_timeout': `${busyMs} ms`,
          'in front': viaShim ? 'shim + pre-flight' : 'nothing',
          crashes: `${results.filter((r) => r.crashed).length}/${RUNS}`,
          'prune ms (clean runs)': finished.length ? Math.round(median(finished.map((r) => r.pruneMs ?? 0))) : '-',
          'rows pruned': finished.length ? Math.round(median(finished.map((r) => r.pruned ?? 0))) : '-',
          'max insert wait ms': finished.length ? Math.round(median(finished.map((r) => r.waitMaxMs ?? 0))) : '-',
          'run ms': Math.round(median(results.map((r) => r.ms))),
        });
      }
    }
    printTable(rows, `crash rate of the seed fake on the big DB (${RUNS} runs per row, each on a fresh copy)`);

    const holds = [
      ['big', big],
      ['small', small],
    ].map(([name, home]) => {
      const h = lockHold(home!);
      return {
        DB: `${name} (${mb(join(home!, NAME))})`,
        'rows pruned': h.pruned,
        'prune holds write lock ms': Math.round(h.pruneMs),
        'WAL after MB': +h.walMb.toFixed(1),
        'PASSIVE checkpoint ms': Math.round(h.passiveMs),
        'TRUNCATE checkpoint ms': Math.round(h.truncateMs),
      };
    });
    printTable(
      holds,
      'write-lock hold of a Codex-style start-up prune (one transaction) and of the checkpoint after it',
    );
    console.log(
      '  (auto-checkpoint off while timing the prune; PASSIVE copies the WAL back without the write lock, TRUNCATE also holds writers off while it runs)',
    );

    const times = await captureTimes(big, 5);
    printTable(
      [
        {
          'capture ms median': Math.round(median(times)),
          'capture ms max': Math.round(Math.max(...times)),
          runs: times.length,
        },
      ],
      `crash-bundle capture on the big DB (Linux, no coredumpctl here)`,
    );
    return { ok: budget('crash bundle capture (max of 5)', Math.max(...times), 2_000, (v) => `${Math.round(v)} ms`) };
  } finally {
    rmSync(big, { recursive: true, force: true });
    rmSync(small, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ok } = await bench();
  process.exitCode = ok ? 0 : 1;
}
