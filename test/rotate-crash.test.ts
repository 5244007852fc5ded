// kill -9 during a rotation, many times, at random moments and at every step: never a missing or corrupt DB, never a lost kept row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recoverDb } from '../src/rotate/recover.ts';
import { rotateLogDb } from '../src/rotate/rotate.ts';
import { rotateExclusive } from '../src/rotate/exclusive.ts';
import { lockOld, releaseWhenFree } from '../src/rotate/old-lock.ts';
import { holdsSettled } from '../src/rotate/holds.ts';
import { listArchives } from '../src/rotate/archives.ts';
import { markReady, paths, stageArchive } from '../src/rotate/swap.ts';
import { copyKept } from '../src/sqlite/copy-kept.ts';
import { scanInventory } from '../src/inventory/scan.ts';
import { REPO, seededRandom, tmp } from './helpers/index.ts';
import { expectedKept, fillLogs, inspect, leaveInWal, logRows, makeCodexDb } from './helpers/codex-home.ts';

const NOW = Math.floor(Date.now() / 1000);
const NAME = 'logs_2.sqlite';
const CHILD = join(REPO, 'test', 'fixtures', 'rotate-child.ts');
const STEPS = ['estimate', 'copy', 'lock', 'fsync', 'recheck', 'stage', 'ready', 'swap', 'archive', 'release'];

/** One template home for the whole file: ~9 MB of rows over 30 days, 300 of them only in the -wal. */
const template = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-crash-template-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, NAME);
  makeCodexDb(path);
  fillLogs(path, { rows: 6000, now: NOW - 60, spreadSeconds: 30 * 86_400, bodyBytes: 1200 });
  leaveInWal(path, 300);
  const all = inspect(path).ids;
  const kept = expectedKept(path, 1000, 14, NOW);
  if (kept.length !== 1000 || all.length !== 6300) throw new Error('template home is not as intended');
  return { dir, all, kept, rows: logRows(path, kept) };
})();

function freshHome(t: Parameters<typeof tmp>[0]): string {
  const dir = join(tmp(t, 'cg-crash-'), 'home');
  cpSync(template.dir, dir, { recursive: true });
  return dir;
}

/** Starts the rotation child and SIGKILLs it at `pauseAt` (exactly) or `delayMs` after it starts; resolves with what it printed. */
function rotateAndKill(dir: string, when: { pauseAt: string } | { delayMs: number }): Promise<string> {
  return new Promise((resolve) => {
    const env = {
      ...process.env,
      ROTATE_DIR: dir,
      ROTATE_NOW: String(NOW),
      ROTATE_PAUSE_AT: 'pauseAt' in when ? when.pauseAt : '',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      const before = out.includes('start\n');
      out += chunk;
      if ('pauseAt' in when && out.includes(`step ${when.pauseAt}\n`)) child.kill('SIGKILL');
      if ('delayMs' in when && !before && out.includes('start\n'))
        timer = setTimeout(() => child.kill('SIGKILL'), when.delayMs);
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** The invariants after a kill, before and after the next run's recovery. */
async function checkAfterKill(t: Parameters<typeof tmp>[0], dir: string, label: string): Promise<'old' | 'new'> {
  const p = paths(dir, NAME);
  assert.ok(existsSync(p.main), `${label}: the DB is never missing`);
  // What a codex started right now would open: a copy of the live db (+ -wal), checked on the side.
  const look = tmp(t, 'cg-look-');
  copyFileSync(p.main, join(look, NAME));
  if (existsSync(p.wal)) copyFileSync(p.wal, join(look, `${NAME}-wal`));
  assert.equal(inspect(join(look, NAME)).integrity, 'ok', `${label}: never corrupt, even before recovery`);

  await recoverDb(dir, NAME);
  const live = inspect(p.main);
  assert.equal(live.integrity, 'ok', `${label}: integrity after recovery`);
  assert.deepEqual(scanInventory(dir).leftovers, [], `${label}: no leftovers after recovery`);
  const state = live.ids.length === template.all.length ? 'old' : 'new';
  assert.deepEqual(
    live.ids,
    state === 'old' ? template.all : template.kept,
    `${label}: old DB whole, or new DB with exactly the kept rows`,
  );
  assert.deepEqual(logRows(p.main, template.kept), template.rows, `${label}: every kept row intact`);
  const archives = listArchives(dir);
  if (state === 'new') {
    assert.equal(archives.length, 1, `${label}: the old set is archived`);
    assert.deepEqual(
      inspect(join(archives[0]!.path, NAME)).ids,
      template.all,
      `${label}: the archive holds the whole old DB`,
    );
  } else {
    assert.deepEqual(archives, [], `${label}: no half archive`);
  }
  return state;
}

test('kill -9 at every step of an exclusive rotation (twice each), then the next run recovers and finishes', async (t) => {
  for (const step of [...STEPS, ...STEPS]) {
    const dir = freshHome(t);
    const out = await rotateAndKill(dir, { pauseAt: step });
    assert.match(out, new RegExp(`step ${step}\\n$`), `killed at ${step}`);
    const state = await checkAfterKill(t, dir, `killed before ${step}`);
    assert.equal(
      state,
      STEPS.indexOf(step) >= STEPS.indexOf('swap') ? 'new' : 'old',
      `a kill after 'ready' rolls forward (${step})`,
    );
    const again = await rotateLogDb(dir, NAME, {
      keepRows: 1000,
      keepDays: 14,
      now: NOW,
      archives: 3,
      lockWaitMs: 3000,
    });
    assert.equal(again.code, 'OK', again.message);
    assert.deepEqual(inspect(paths(dir, NAME).main).ids, template.kept);
  }
});

test('kill -9 at random moments of a rotation, 26 times: never missing, never corrupt, never a lost kept row', async (t) => {
  // How long one rotation takes here, to spread the kills over it.
  const probe = freshHome(t);
  const started = Date.now();
  const full = await rotateAndKill(probe, { delayMs: 60_000 });
  assert.match(full, /done OK/);
  const span = Math.max(50, Date.now() - started - 300);
  const { random, seed } = seededRandom(t);
  const states = { old: 0, new: 0 };
  for (let round = 0; round < 26; round++) {
    const dir = freshHome(t);
    const delayMs = Math.floor(random() * span * 1.2);
    await rotateAndKill(dir, { delayMs });
    states[
      await checkAfterKill(t, dir, `seed ${seed}, round ${round}, killed after ${delayMs} ms of a ${span} ms rotation`)
    ]++;
  }
  t.diagnostic(`after recovery: ${states.old} old DB, ${states.new} new DB`);
});

test('writers around the swap: a row written between the copy and the lock comes along; one that opened the old file too late waits on SQLite, and never writes to it', async (t) => {
  const dir = freshHome(t);
  const p = paths(dir, NAME);
  const insert = (db: InstanceType<typeof Database>, body: string) =>
    db
      .prepare(
        "INSERT INTO logs (ts, ts_nanos, level, target, feedback_log_body, estimated_bytes) VALUES (?, 0, 'INFO', 'late', ?, 1)",
      )
      .run(NOW, body);
  let late: InstanceType<typeof Database> | undefined;
  let lateError = '';
  const result = await rotateExclusive(dir, NAME, {
    keepRows: 1000,
    keepDays: 14,
    now: NOW,
    openers: async () => [],
    onStep: (step) => {
      if (step === 'lock') {
        const db = new Database(p.main); // after the copy, before the lock
        insert(db, 'between-copy-and-lock');
        db.close();
      }
      if (step === 'ready') late = new Database(p.main, { timeout: 50 }); // opened after the last check: nobody saw it
      if (step === 'release') {
        // Swapped, and this connection still has the old file: without the lock it would read it and then open the new -wal.
        try {
          insert(late!, 'too-late');
        } catch (error) {
          lateError = (error as { code?: string }).code ?? String(error);
        }
        late!.close();
      }
    },
  });
  assert.equal(result.ok, true, result.message);
  assert.match(result.message, /1 rows written meanwhile came along/);
  assert.equal(lateError, 'SQLITE_BUSY', 'the late opener waited on the old DB and gave up, as with any busy DB');
  const bodies = (path: string) =>
    new Database(path, { readonly: true })
      .prepare("SELECT feedback_log_body FROM logs WHERE target = 'late'")
      .pluck()
      .all() as string[];
  assert.deepEqual(bodies(p.main), ['between-copy-and-lock']);
  assert.deepEqual(
    bodies(join(result.archive!, NAME)),
    ['between-copy-and-lock'],
    'the archive has nothing the live DB lacks',
  );
  assert.deepEqual(inspect(p.main).ids.slice(0, template.kept.length), template.kept);
  const after = new Database(p.main);
  insert(after, 'after');
  after.close();
  assert.equal(inspect(p.main).integrity, 'ok', 'the new DB is whole, and takes writes');
});

test('a writer opening a connection per row throughout 8 rotations: no row of it is only in an archive', async (t) => {
  const dir = freshHome(t);
  const p = paths(dir, NAME);
  const result = join(dir, '..', 'writer.json');
  const writer = spawn(process.execPath, [join(REPO, 'test', 'fixtures', 'row-writer.mjs')], {
    cwd: REPO,
    env: { ...process.env, ROW_DB: p.main, ROW_RESULT: result, ROW_PAUSE_MS: '6', ROW_BUSY_MS: '500' },
    stdio: 'ignore',
  });
  const ended = new Promise((resolve) => writer.once('exit', resolve));
  t.after(() => writer.kill('SIGKILL'));
  const strategies: string[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await rotateLogDb(dir, NAME, { keepRows: 1000, keepDays: 14, now: NOW, archives: 20, lockWaitMs: 3000 });
    // A prune that the writer keeps busy stops part-way (E_BUSY) and is done next time; nothing else may go wrong.
    assert.ok(r.code === 'OK' || r.code === 'E_BUSY', `${r.code}: ${r.message}`);
    strategies.push(`${r.strategy ?? '?'}${r.code === 'OK' ? '' : `(${r.code})`}`);
  }
  writer.kill('SIGTERM');
  await ended;
  // A rotation may still hold an old DB that the writer had open (it lets go within 100 ms of the writer's end).
  await holdsSettled();
  const written = JSON.parse(readFileSync(result, 'utf8')) as string[];
  const bodies = (path: string) =>
    new Database(path, { readonly: true })
      .prepare("SELECT feedback_log_body FROM logs WHERE target = 'row-writer'")
      .pluck()
      .all() as string[];
  const live = new Set(bodies(p.main));
  const archived = listArchives(dir).flatMap((a) => bodies(join(a.path, NAME)));
  t.diagnostic(
    `strategies ${strategies.join(' ')}; ${written.length} rows written, ${archived.length} also in archives`,
  );
  // A row it wrote while it had the old file open is refused (SQLITE_BUSY) rather than written there: it may write few.
  assert.deepEqual(
    archived.filter((b) => !live.has(b)),
    [],
    'rows found only in an archive',
  );
  assert.deepEqual(
    written.filter((b) => !live.has(b)),
    [],
    'every row written is live',
  );
});

/** A home stopped right after `ready`: new file complete, old set linked into a partial archive. */
function readyToSwap(t: Parameters<typeof tmp>[0]) {
  const dir = freshHome(t);
  const p = paths(dir, NAME);
  copyKept(p.main, p.build, { keepRows: 1000, keepDays: 14, now: NOW });
  stageArchive(dir, NAME, new Date());
  markReady(dir, NAME);
  return { dir, p };
}

test('a kill inside the swap (old -wal gone, new file not yet renamed in) rolls forward with every kept row', async (t) => {
  const { dir, p } = readyToSwap(t);
  unlinkSync(p.wal); // finishSwap's first syscall, then "kill -9"
  assert.ok(existsSync(p.main) && existsSync(p.ready));
  assert.equal((await recoverDb(dir, NAME)).action, 'rolled-forward');
  await checkAfterKill(t, dir, 'killed inside the swap');
});

for (const after of ['opened', 'written'] as const) {
  test(`a kill inside the swap, then a codex ${after === 'opened' ? 'opens' : 'writes to'} the DB before the next run: no row exists nowhere`, async (t) => {
    const { dir, p } = readyToSwap(t);
    unlinkSync(p.wal); // finishSwap's first syscall, then "kill -9": the old -wal's rows are now only in the ready file and the partial archive
    let users = async (): Promise<number[]> => [4242]; // a codex has the live DB open at the next run
    if (after === 'written') {
      // A codex wrote to the old main file and ended without its last checkpoint: a new -wal in place of the staged one.
      const db = new Database(p.main);
      db.prepare(
        "INSERT INTO logs (ts, ts_nanos, level, target, estimated_bytes) VALUES (?, 0, 'INFO', 'late', 1)",
      ).run(NOW);
      copyFileSync(p.wal, `${p.wal}.keep`);
      db.close();
      renameSync(`${p.wal}.keep`, p.wal);
      users = async () => [];
    }
    const outcome = await recoverDb(dir, NAME, users);
    assert.equal(outcome.action, 'rolled-back');
    const archives = listArchives(dir);
    const everywhere = new Set([...inspect(p.main).ids, ...archives.flatMap((a) => inspect(join(a.path, NAME)).ids)]);
    assert.deepEqual(
      template.all.filter((id) => !everywhere.has(id)),
      [],
      'every row is in the live DB or an archive',
    );
    assert.equal(archives.length, 1, 'the ready file became the archive of the rows it alone held');
    assert.deepEqual(scanInventory(dir).leftovers, []);
    assert.equal(inspect(p.main).integrity, 'ok');
  });
}

test('a leftover ready file is not swapped in while a process has the live DB open', async (t) => {
  const { dir, p } = readyToSwap(t);
  const outcome = await recoverDb(dir, NAME, async () => [4242]);
  assert.equal(outcome.action, 'rolled-back');
  assert.deepEqual(inspect(p.main).ids, template.all);
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.includes('codexguard') || n.includes('archive')),
    [],
  );
});

test('a hold on the old DB ends once nobody else has it open, and a codexguard command waits for that before it exits', async (t) => {
  const dir = freshHome(t);
  const p = paths(dir, NAME);
  const old = lockOld(p.main, 250);
  const started = Date.now();
  const late = await releaseWhenFree(old, async () => (Date.now() - started < 400 ? [4242] : []), 6_000);
  assert.deepEqual(late, [4242], 'a late opener is named');
  assert.equal(old.open, true, 'still held while it has the file open');
  await holdsSettled();
  assert.equal(old.open, false, 'let go once it is gone');
  assert.ok(Date.now() - started >= 400);
  const free = lockOld(p.main, 250);
  assert.deepEqual(await releaseWhenFree(free, async () => [], 6_000), [], 'nobody: let go at once');
  assert.equal(free.open, false);
});
