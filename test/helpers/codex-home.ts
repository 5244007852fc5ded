// Builders for real Codex homes: DBs from the real schema of the pinned codex, log rows, and golden homes made by the pinned codex itself.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { codexRoot, nativeBinary } from '../../scripts/test-codex.mjs';
import { compareVersions } from '../../src/version-order.ts';
import { cleanEnv, CODEX_MODULES, fakeCodex, linkShim, NODE_BIN_DIR, REPO, runSync, tmp } from './index.ts';

/** The real codex binary under test, from the platform package for this machine. */
export const REAL_CODEX = nativeBinary(CODEX_MODULES);

/** The version of the @openai/codex under test, from its package (tests never write it out). */
export const PINNED_CODEX_VERSION: string = JSON.parse(
  readFileSync(join(CODEX_MODULES, '@openai', 'codex', 'package.json'), 'utf8'),
).version;

/**
 * The codex that daemon tests run: the one under test from 0.169 on (the oldest seen to start its app-server daemon
 * from an npm install; 0.141, the seed's, wants a standalone install for it), else the pinned devDependency.
 */
export const DAEMON_CODEX: string =
  (compareVersions(PINNED_CODEX_VERSION, '0.169.0') ?? 1) >= 0 ? REAL_CODEX : nativeBinary(join(REPO, 'node_modules'));
/** Its version. */
export const DAEMON_CODEX_VERSION: string =
  DAEMON_CODEX === REAL_CODEX
    ? PINNED_CODEX_VERSION
    : JSON.parse(readFileSync(join(REPO, 'node_modules', '@openai', 'codex', 'package.json'), 'utf8')).version;

/** The schemas of that version: the fixture when there is one, else the dump scripts/test-codex.mjs made from a home it created. */
const SCHEMA_FILE = [
  join(REPO, 'test', 'fixtures', `codex-${PINNED_CODEX_VERSION}-sqlite-schemas.sql`),
  join(codexRoot(), 'sqlite-schemas.sql'),
].find((f) => existsSync(f))!;

/** The real schema (of the pinned codex) of each DB file, by file name (`logs_2.sqlite`, `state_5.sqlite`, ...). */
export function schemas(): Map<string, string> {
  const map = new Map<string, string>();
  const parts = readFileSync(SCHEMA_FILE, 'utf8').split(/^-- ==== (\S+).*$/m);
  // sqlite_sequence is made by SQLite itself with the first AUTOINCREMENT table; it cannot be created by hand.
  for (let i = 1; i < parts.length; i += 2)
    map.set(parts[i]!, parts[i + 1]!.replace(/^CREATE TABLE sqlite_sequence\(name,seq\);$/m, ''));
  return map;
}

/**
 * The `_sqlx_migrations` rows the real codex 0.169.0 writes into logs_2.sqlite (read from a
 * home it created). The schema file has none; tests that only need "rows that must survive"
 * use these, tests about Codex accepting a file use a golden home made by the real binary.
 */
export const LOG_MIGRATIONS_0169 = [
  {
    version: 1,
    description: 'logs',
    checksum: '009639EAFE599BE97D49D1D712E51671BF1BE1C6B8CB7BF1A4136DA88FB0E19308FF3CBCFBFBF589065E0EAFEF2CA164',
    execution_time: 529766,
  },
  {
    version: 2,
    description: 'logs feedback log body',
    checksum: 'CF6C93AF074A90224564010F49BC9CF905F10BA4C3C4B8B25C12E014EE1522F0B561A1C3D8188F6D2F4BE764F141DAF8',
    execution_time: 2236280,
  },
];

/** Creates a DB the way Codex does (page_size 4096, auto_vacuum=INCREMENTAL, WAL) with the real schema of `file`. */
export function makeCodexDb(path: string, file = 'logs_2.sqlite'): void {
  const sql = schemas().get(file);
  if (!sql) throw new Error(`no schema for ${file}`);
  const db = new Database(path);
  db.pragma('page_size = 4096');
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.exec(sql);
  if (file === 'logs_2.sqlite') {
    const insert = db.prepare(
      'INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) VALUES (?, ?, ?, 1, unhex(?), ?)',
    );
    for (const m of LOG_MIGRATIONS_0169)
      insert.run(m.version, m.description, '2026-06-01 10:00:00', m.checksum, m.execution_time);
  }
  db.close();
}

/** How to fill a log DB: `rows` rows, the newest at `now` (seconds), spread evenly over `spreadSeconds`. */
export interface FillOptions {
  rows: number;
  now?: number;
  spreadSeconds?: number;
  /** Mean feedback_log_body length; bodies vary from half to 1.5x of it. */
  bodyBytes?: number;
  /** Several rows share one second when rows > spreadSeconds: ts_nanos orders them. */
  seed?: number;
}

const TEXT = (() => {
  let x = 12345;
  let s = '';
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789{}:=_/.';
  while (s.length < 1 << 17) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += alphabet[x % alphabet.length];
  }
  return s;
})();

/** Appends synthetic but realistic log rows (one transaction) and returns the ids inserted, oldest first. */
export function fillLogs(path: string, options: FillOptions): number[] {
  const { rows, now = Math.floor(Date.now() / 1000), spreadSeconds = 10 * 86_400, bodyBytes = 2_000 } = options;
  let x = options.seed ?? 7;
  const rand = () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x / 2 ** 32;
  };
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const insert =
    db.prepare(`INSERT INTO logs (ts, ts_nanos, level, target, feedback_log_body, module_path, file, line, thread_id, process_uuid, estimated_bytes)
    VALUES (?, ?, ?, 'codex_core::session', ?, 'codex_core::session', 'core/src/session.rs', ?, ?, ?, ?)`);
  const ids: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const at = now - spreadSeconds + (spreadSeconds * i) / Math.max(1, rows - 1);
      const length = Math.floor(bodyBytes * (0.5 + rand()));
      const start = Math.floor(rand() * (TEXT.length - length));
      const body = TEXT.slice(start, start + length);
      const thread =
        rand() < 0.2
          ? null
          : `019a${Math.floor(rand() * 40)
              .toString(16)
              .padStart(4, '0')}-thread`;
      const info = insert.run(
        Math.floor(at),
        Math.floor((at % 1) * 1e9),
        rand() < 0.9 ? 'INFO' : 'DEBUG',
        body,
        Math.floor(rand() * 900),
        thread,
        `pid:${1000 + (i % 7)}:uuid`,
        length + 120,
      );
      ids.push(Number(info.lastInsertRowid));
    }
  })();
  db.close();
  return ids;
}

/** The ids a rotation must keep: the newest `keepRows` rows no older than `keepDays` before `now` (seconds). */
export function expectedKept(path: string, keepRows: number, keepDays: number, now: number): number[] {
  const db = new Database(path, { readonly: true });
  const rows = db
    .prepare('SELECT id FROM logs WHERE ts >= ? ORDER BY ts DESC, ts_nanos DESC, id DESC LIMIT ?')
    .pluck()
    .all(now - keepDays * 86_400, keepRows) as number[];
  db.close();
  return rows.sort((a, b) => a - b);
}

/** A temp Codex home (removed after the test) holding a logs_2.sqlite made from the real schema. */
export function codexHomeWithLogs(t: TestContext, fill?: FillOptions): string {
  const home = mkdtempSync(join(tmpdir(), 'cg-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  makeCodexDb(join(home, 'logs_2.sqlite'));
  if (fill) fillLogs(join(home, 'logs_2.sqlite'), fill);
  return home;
}

/** The golden homes made so far in this test file, by what they were run until (each made once, then copied). */
const goldens = new Map<string, Promise<string>>();

/** A copy, for this test, of the home the real codex made running until `ready` held (made on first use). */
async function goldenCopy(t: TestContext, kind: string, ready: (home: string) => boolean, timeoutMs: number) {
  let made = goldens.get(kind);
  if (!made) {
    made = (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cg-golden-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      await runCodexUntil(dir, () => ready(dir), timeoutMs);
      return dir;
    })();
    goldens.set(kind, made);
  }
  const copy = mkdtempSync(join(tmpdir(), 'cg-home-'));
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(await made, copy, { recursive: true });
  return copy;
}

/**
 * A Codex home made by the real pinned codex (`codex exec` offline, stopped once every DB is
 * migrated), made once per test file and copied for each use. Its logs_2.sqlite carries the
 * real `_sqlx_migrations` rows, so Codex-compat checks are against the real thing.
 */
export function goldenHome(t: TestContext): Promise<string> {
  return goldenCopy(t, 'migrated', migrated, 30_000);
}

/** Like goldenHome, but run until the real codex has also written its conversation's row in state_5.sqlite `threads`. */
export function goldenHomeWithThread(t: TestContext): Promise<string> {
  return goldenCopy(t, 'thread', (home) => migrated(home) && hasThread(home), 45_000);
}

function hasThread(home: string): boolean {
  try {
    const db = new Database(join(home, 'state_5.sqlite'), { readonly: true, fileMustExist: true, timeout: 100 });
    const n = db.prepare('SELECT count(*) FROM threads').pluck().get() as number;
    db.close();
    return n > 0;
  } catch {
    return false;
  }
}

/** The DB files `codex exec` creates, of those the codex under test knows (its schema file: 0.141 has no queue_1). */
export const CODEX_DBS = [
  'logs_2.sqlite',
  'state_5.sqlite',
  'goals_1.sqlite',
  'memories_1.sqlite',
  'queue_1.sqlite',
].filter((name) => schemas().has(name));

/** Every DB migrated, and the state DB's backfill finished: a copy stopped mid-backfill makes the next codex wait 30 s. */
function migrated(home: string): boolean {
  return (
    backfilled(home) &&
    CODEX_DBS.every((name) => {
      const file = join(home, name);
      if (!existsSync(file)) return false;
      try {
        const db = new Database(file, { readonly: true, timeout: 100 });
        const n = db.prepare('SELECT count(*) FROM _sqlx_migrations').pluck().get() as number;
        db.close();
        return n > 0;
      } catch {
        return false;
      }
    })
  );
}

function backfilled(home: string): boolean {
  try {
    const db = new Database(join(home, 'state_5.sqlite'), { readonly: true, fileMustExist: true, timeout: 100 });
    const status = db.prepare('SELECT status FROM backfill_state WHERE id = 1').pluck().get();
    db.close();
    return status === 'complete';
  } catch {
    return false;
  }
}

/** The environment the real codex runs with offline in tests. */
export function codexEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: process.env.HOME,
    PATH: process.env.PATH,
    LANG: 'C',
    CODEX_HOME: home,
    OPENAI_API_KEY: 'sk-test',
    RUST_LOG: 'warn',
    ...extra,
  };
}

/** Runs `codex exec --skip-git-repo-check hi` on `home` until `done()` or `ms`, then stops it; returns its output. */
export async function runCodexUntil(
  home: string,
  done: () => boolean,
  ms: number,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  mkdirSync(home, { recursive: true });
  const child = spawn(REAL_CODEX, ['exec', '--skip-git-repo-check', 'hi'], {
    cwd: home,
    env: codexEnv(home, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = Date.now() + ms;
  let finished = false;
  void exited.then(() => (finished = true));
  while (!finished && Date.now() < end && !done()) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
  return output;
}

/** `codex doctor --json` on a home, parsed (or the raw text when it is not JSON). */
export function codexDoctor(home: string): unknown {
  const result = spawnSync(REAL_CODEX, ['doctor', '--json'], {
    cwd: home,
    env: codexEnv(home),
    encoding: 'utf8',
    timeout: 30_000,
  });
  try {
    return JSON.parse(result.stdout);
  } catch {
    return result.stdout + result.stderr;
  }
}

/** A read-only look at a DB file: integrity, the pragmas Codex sets, schema, migrations, sequence, rows. */
export function inspect(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      journalMode: db.pragma('journal_mode', { simple: true }) as string,
      autoVacuum: db.pragma('auto_vacuum', { simple: true }) as number,
      pageSize: db.pragma('page_size', { simple: true }) as number,
      schema: db
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name")
        .all(),
      migrations: db
        .prepare(
          'SELECT version, description, installed_on, success, hex(checksum) AS checksum, execution_time FROM _sqlx_migrations ORDER BY version',
        )
        .all(),
      sequence: hasTable(db, 'sqlite_sequence')
        ? db.prepare('SELECT name, seq FROM sqlite_sequence ORDER BY name').all()
        : [],
      ids: hasTable(db, 'logs') ? (db.prepare('SELECT id FROM logs ORDER BY id').pluck().all() as number[]) : [],
    };
  } finally {
    db.close();
  }
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Every column of the given log rows, by id (to compare a kept row with the original). */
export function logRows(path: string, ids: readonly number[]): Map<number, unknown> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const get = db.prepare('SELECT * FROM logs WHERE id = ?');
    return new Map(ids.map((id) => [id, get.get(id)]));
  } finally {
    db.close();
  }
}

export const HOLDER = join(REPO, 'test', 'fixtures', 'sqlite-holder.mjs');

/** Another process using a DB (see test/fixtures/sqlite-holder.mjs); resolves once it reports `ready`. */
export async function holder(
  t: TestContext,
  mode: 'write' | 'read' | 'hold' | 'immediate' | 'exclusive',
  path: string,
) {
  const child = spawn(process.execPath, [HOLDER, mode, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    child.kill('SIGKILL');
  });
  const end = Date.now() + 10_000;
  while (!lines.length) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`holder ${mode} did not start`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    pid: child.pid!,
    lines,
    /** Closes its stdin (it closes the DB and exits) and waits for it. */
    async stop(): Promise<number | null> {
      child.stdin.end();
      return exited;
    },
  };
}

/** Inserts `rows` rows (log rows, or state rows with `state`) from a process that is then SIGKILLed: they stay in the -wal. */
export function leaveInWal(path: string, rows: number, state = false): void {
  const result = spawnSync(process.execPath, [HOLDER, state ? 'wal-state' : 'wal', path, String(rows)], {
    encoding: 'utf8',
  });
  if (!result.stdout.includes('done')) throw new Error(`could not leave rows in the -wal: ${result.stderr}`);
}

/** The real `codex app-server` (JSON-RPC over stdio) on a home; it holds every DB open until stdin closes. */
export async function appServer(t: TestContext, home: string) {
  const child = spawn(REAL_CODEX, ['app-server'], { cwd: home, env: codexEnv(home), stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let buffer = '';
  let nextId = 1;
  const waiting = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      try {
        const message = JSON.parse(line);
        if (typeof message.id === 'number' && waiting.has(message.id)) {
          waiting.get(message.id)!(message);
          waiting.delete(message.id);
        }
      } catch {
        // not JSON: ignore
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => void child.kill('SIGKILL'));
  const send = (message: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  const request = (method: string, params: object, ms = 20_000) =>
    new Promise<{ result?: unknown; error?: { message: string } }>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(
        () => reject(new Error(`app-server: no answer to ${method}; stderr: ${stderr.slice(-500)}`)),
        ms,
      );
      waiting.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      send({ id, method, params });
    });
  await request('initialize', { clientInfo: { name: 'codexguard-test', version: '1' } });
  send({ method: 'initialized' });
  return {
    pid: child.pid!,
    request,
    /** Starting a thread makes it log (rows in logs_2.sqlite). */
    startThread: () => request('thread/start', { cwd: home }),
    get stderr() {
      return stderr;
    },
    async close(): Promise<number | null> {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The highest log id and row count, read on the side (a read-only connection; Codex may be writing). */
export function logCount(path: string): { rows: number; maxId: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const row = db.prepare('SELECT count(*) AS rows, coalesce(max(id), 0) AS maxId FROM logs').get() as {
      rows: number;
      maxId: number;
    };
    return row;
  } finally {
    db.close();
  }
}

/**
 * A user home (its .codexguardrc path), a Codex home with a log DB of `rows` rows, and `codex` through the built shim
 * to the fake codex, run in the user's home with extra variables.
 */
export function shimOverHome(t: TestContext, rows = 10) {
  const root = tmp(t);
  const user = join(root, 'user');
  mkdirSync(user);
  const codexHome = codexHomeWithLogs(t, { rows });
  const shim = linkShim(join(root, 'shim'));
  fakeCodex(join(root, 'real'));
  const env = cleanEnv({
    HOME: user,
    CODEX_HOME: codexHome,
    PATH: [join(root, 'shim'), join(root, 'real'), NODE_BIN_DIR].join(':'),
  });
  return {
    user,
    rc: join(user, '.codexguardrc'),
    codexHome,
    log: join(codexHome, 'logs_2.sqlite'),
    env,
    shim,
    codex: (args: string[] = [], extra: Record<string, string> = {}) =>
      runSync(shim, args, { env: { ...env, ...extra }, cwd: user }),
  };
}
