// Rotation on real SQLite files built from the real 0.169.0 schema: both strategies, exact kept set, archives, restore, failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotateLogDb, type RotateOptions } from '../src/rotate/rotate.ts';
import { chooseStrategy } from '../src/rotate/strategy.ts';
import { openers } from '../src/codex/holders.ts';
import { listArchives, pruneArchives } from '../src/rotate/archives.ts';
import { compressArchives } from '../src/rotate/compress.ts';
import { restoreArchive } from '../src/rotate/restore.ts';
import { tryMaintenanceLock, MAINTENANCE_LOCK } from '../src/codex/maintenance-lock.ts';
import { progressLine } from '../src/rotate/progress.ts';
import { checkpointDb } from '../src/sqlite/checkpoint.ts';
import { scanInventory } from '../src/inventory/scan.ts';
import { decide } from '../src/inventory/decide.ts';
import { DEFAULT_LIMITS } from '../src/inventory/limits.ts';
import { runActions } from '../src/rotate/run.ts';
import { CLI, REPO, cleanEnv, runSync, tmp, waitFor } from './helpers/index.ts';
import {
  codexHomeWithLogs,
  expectedKept,
  fillLogs,
  holder,
  inspect,
  leaveInWal,
  logRows,
  makeCodexDb,
} from './helpers/codex-home.ts';

const NOW = Math.floor(Date.now() / 1000);
const DAY = 86_400;
const options = (extra: Partial<RotateOptions> = {}): RotateOptions => ({
  keepRows: 1000,
  keepDays: 14,
  now: NOW,
  archives: 3,
  ...extra,
});
const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** 3000 rows over 30 days (so both keepRows and keepDays matter), some of them only in the -wal. */
function logHome(t: Parameters<typeof tmp>[0], rows = 3000) {
  const dir = codexHomeWithLogs(t, { rows, now: NOW - 60, spreadSeconds: 30 * DAY, bodyBytes: 600 });
  const path = join(dir, 'logs_2.sqlite');
  leaveInWal(path, 200);
  return { dir, path };
}

test('exclusive: exactly the newest keepRows within keepDays survive, byte for byte, in a file like Codex makes', async (t) => {
  const { dir, path } = logHome(t);
  const before = inspect(path);
  const kept = expectedKept(path, 1000, 14, NOW);
  const originals = logRows(path, kept);
  assert.ok(statSync(`${path}-wal`).size > 100_000, 'some rows live only in the -wal');
  const result = await rotateLogDb(dir, 'logs_2.sqlite', options());
  assert.equal(result.code, 'OK', result.message);
  assert.equal(result.strategy, 'exclusive');
  assert.equal(result.keptRows, 1000);
  const after = inspect(path);
  assert.deepEqual(after.ids, kept);
  assert.deepEqual(logRows(path, kept), originals);
  assert.equal(after.integrity, 'ok');
  assert.deepEqual([after.journalMode, after.autoVacuum, after.pageSize], ['wal', 2, 4096]);
  assert.deepEqual(after.schema, before.schema);
  assert.deepEqual(after.migrations, before.migrations);
  assert.deepEqual(after.sequence, before.sequence);
  assert.ok(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0, 'no old -wal beside the new file');
  const [archive] = listArchives(dir);
  assert.ok(archive && !archive.compressed);
  assert.deepEqual(
    readdirSync(archive.path).sort(),
    ['logs_2.sqlite', 'logs_2.sqlite-wal'],
    'db and -wal archived together',
  );
  assert.deepEqual(inspect(join(archive.path, 'logs_2.sqlite')).ids, before.ids, 'the archive is the whole old DB');
  assert.deepEqual(scanInventory(dir).leftovers, []);
});

test('exclusive: keepDays binds when fewer rows are that recent', async (t) => {
  const { dir, path } = logHome(t);
  const kept = expectedKept(path, 100_000, 3, NOW);
  assert.ok(kept.length > 100 && kept.length < 1000);
  const result = await rotateLogDb(dir, 'logs_2.sqlite', options({ keepRows: 100_000, keepDays: 3 }));
  assert.equal(result.code, 'OK', result.message);
  assert.deepEqual(inspect(path).ids, kept);
});

test('shared: exactly the kept set remains, pruned in place (same file, pages given back)', async (t) => {
  const { dir, path } = logHome(t);
  const kept = expectedKept(path, 1000, 14, NOW);
  const inode = statSync(path).ino;
  const sizeBefore = statSync(path).size + statSync(`${path}-wal`).size;
  const result = await rotateLogDb(dir, 'logs_2.sqlite', options({ preferShared: true, prune: { batchRows: 250 } }));
  assert.equal(result.code, 'OK', result.message);
  assert.equal(result.strategy, 'shared');
  const after = inspect(path);
  assert.deepEqual(after.ids, kept);
  assert.equal(after.integrity, 'ok');
  assert.equal(statSync(path).ino, inode, 'never renamed');
  assert.ok(statSync(path).size < sizeBefore / 2, 'incremental_vacuum gave pages back');
  assert.deepEqual(listArchives(dir), []);
});

test('shared: another process writing the DB keeps working while it is pruned in place', async (t) => {
  const { dir, path } = logHome(t);
  const keptOld = expectedKept(path, 1_000_000, 14, NOW);
  const inode = statSync(path).ino;
  const writer = await holder(t, 'write', path);
  await waitFor(() => writer.lines.length > 3, 10_000, 'writer rows');
  // keepDays binds here, so the kept set is exact however many rows the writer adds meanwhile.
  const result = await rotateLogDb(dir, 'logs_2.sqlite', options({ keepRows: 1_000_000, prune: { batchRows: 300 } }));
  assert.equal(result.code, 'OK', result.message);
  assert.equal(result.strategy, 'shared');
  assert.match(result.reason!, new RegExp(`pid ${writer.pid}`));
  assert.ok(result.removedRows! > 1000);
  const count = writer.lines.length;
  await waitFor(() => writer.lines.length > count + 5, 10_000, 'writes after the prune');
  assert.equal(await writer.stop(), 0);
  assert.deepEqual(
    writer.lines.filter((line) => !line.startsWith('ok ')),
    [],
    'the writer never saw an error',
  );
  const written = writer.lines.map((line) => Number(line.split(' ')[1]));
  const after = inspect(path);
  assert.equal(after.integrity, 'ok');
  assert.deepEqual(
    after.ids,
    [...keptOld, ...written].sort((a, b) => a - b),
    'the kept rows and every row the writer added',
  );
  assert.equal(statSync(path).ino, inode, 'never renamed');
});

test('someone opens the DB during the copy: no swap, pruned in place instead; a symlinked DB is never swapped', async (t) => {
  const { dir, path } = logHome(t);
  const kept = expectedKept(path, 1000, 14, NOW);
  let calls = 0;
  const appearsLater = async () => (calls++ === 0 ? [] : [process.pid + 100_000]);
  const result = await rotateLogDb(dir, 'logs_2.sqlite', options({ openers: appearsLater }));
  assert.equal(result.code, 'OK', result.message);
  assert.equal(result.strategy, 'shared');
  assert.match(result.reason!, /was opened by pid/);
  assert.deepEqual(inspect(path).ids, kept);
  assert.deepEqual(listArchives(dir), []);
  assert.deepEqual(scanInventory(dir).leftovers, []);

  const other = logHome(t);
  const linked = tmp(t);
  spawnSync('ln', ['-s', other.path, join(linked, 'logs_2.sqlite')]);
  const viaLink = await rotateLogDb(linked, 'logs_2.sqlite', options());
  assert.equal(viaLink.strategy, 'shared', viaLink.message);
  assert.ok(lstatSync(join(linked, 'logs_2.sqlite')).isSymbolicLink(), 'the link is still a link');
  assert.deepEqual(inspect(other.path).ids, expectedKept(other.path, 1000, 14, NOW));
});

test('strategy: any opener, live session or doubt means shared', () => {
  assert.equal(chooseStrategy({ openers: [], liveSessions: 0 }).strategy, 'exclusive');
  assert.equal(chooseStrategy({ openers: [42], liveSessions: 0 }).strategy, 'shared');
  assert.equal(chooseStrategy({ openers: [], liveSessions: 1 }).strategy, 'shared');
  assert.equal(chooseStrategy({ openers: 'unknown', liveSessions: 0 }).strategy, 'shared');
  assert.equal(chooseStrategy({ openers: [], liveSessions: 0, preferShared: true }).strategy, 'shared');
});

test('openers: finds a process holding the DB (also through a symlinked folder), and forgets it once closed', async (t) => {
  const { dir, path } = logHome(t, 10);
  const link = join(tmp(t), 'link');
  spawnSync('ln', ['-s', dir, link]);
  const held = await holder(t, 'hold', path);
  assert.deepEqual(await openers([path]), [held.pid]);
  assert.deepEqual(await openers([join(link, 'logs_2.sqlite'), join(link, 'logs_2.sqlite-shm')]), [held.pid]);
  await held.stop();
  assert.deepEqual(await openers([path, `${path}-wal`, `${path}-shm`]), []);
});

test('archives: only the newest N are kept', async (t) => {
  const { dir } = logHome(t, 50);
  for (let i = 0; i < 4; i++) {
    const result = await rotateLogDb(
      dir,
      'logs_2.sqlite',
      options({ archives: 2, at: new Date(Date.UTC(2026, 0, 1 + i)) }),
    );
    assert.equal(result.code, 'OK', result.message);
  }
  const names = listArchives(dir).map((a) => a.name);
  assert.deepEqual(names, ['logs_2.sqlite.20260104T000000.000Z.archive', 'logs_2.sqlite.20260103T000000.000Z.archive']);
  assert.deepEqual(pruneArchives(dir, 'logs_2.sqlite', 1), [join(dir, names[1]!)]);
  assert.equal(listArchives(dir).length, 1);
});

test('compress, then restore a compressed and a plain archive: the current set becomes an archive each time', async (t) => {
  const { dir, path } = logHome(t, 400);
  const original = inspect(path).ids;
  await rotateLogDb(dir, 'logs_2.sqlite', options({ keepRows: 10, at: new Date(Date.UTC(2026, 0, 1)) }));
  const [compressed] = await compressArchives(dir);
  assert.equal(compressed!.code, 'OK', compressed!.message);
  assert.ok(compressed!.bytesAfter < compressed!.bytesBefore);
  assert.deepEqual(
    listArchives(dir).map((a) => [a.compressed, a.name]),
    [[true, 'logs_2.sqlite.20260101T000000.000Z.archive.tgz']],
  );
  const restored = await restoreArchive(dir, '20260101T000000.000Z', { at: new Date(Date.UTC(2026, 0, 2)) });
  assert.equal(restored.code, 'OK', restored.message);
  assert.deepEqual(inspect(path).ids, original);
  assert.equal(inspect(path).integrity, 'ok');
  assert.deepEqual(
    listArchives(dir).map((a) => a.name),
    ['logs_2.sqlite.20260102T000000.000Z.archive'],
    'the .tgz was consumed, the 10-row set archived',
  );
  const back = await restoreArchive(dir, 'logs_2.sqlite.20260102T000000.000Z.archive', {
    at: new Date(Date.UTC(2026, 0, 3)),
  });
  assert.equal(back.code, 'OK', back.message);
  assert.equal(inspect(path).ids.length, 10);
  assert.deepEqual(scanInventory(dir).leftovers, []);
});

test('restore refuses while another process has the DB open, and changes nothing', async (t) => {
  const { dir, path } = logHome(t, 100);
  await rotateLogDb(dir, 'logs_2.sqlite', options({ keepRows: 10 }));
  const [archive] = listArchives(dir);
  const held = await holder(t, 'hold', path);
  const before = hash(path);
  const result = await restoreArchive(dir, archive!.name);
  assert.equal(result.code, 'E_IN_USE');
  assert.match(result.message, new RegExp(String(held.pid)));
  assert.equal(hash(path), before);
  assert.equal(listArchives(dir).length, 1);
  await held.stop();
});

test('checkpoint: a large -wal beside a small state DB is folded in, not copied or moved', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'state_5.sqlite');
  makeCodexDb(path, 'state_5.sqlite');
  leaveInWal(path, 3000, true);
  const inventory = scanInventory(dir);
  const [db] = inventory.dbs;
  assert.ok(db!.walSize > 1_000_000 && db!.size < 300_000, `wal ${db!.walSize}, main ${db!.size}`);
  const limits = { ...DEFAULT_LIMITS, walMaxBytes: 500_000 };
  const actions = decide(inventory, limits);
  assert.deepEqual(
    actions.map((a) => a.kind),
    ['checkpoint'],
  );
  const [result] = await runActions(inventory, actions, { limits });
  assert.equal(result!.code, 'OK', result!.message);
  assert.equal(statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0, 0);
  assert.ok(statSync(path).size > 1_000_000, 'the rows are in the main file now');
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.includes('archive')),
    [],
  );
  assert.equal(inspect(path).integrity, 'ok');
});

test('checkpoint: blocked by a live reader it reports E_BUSY once, quickly, and loses nothing', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'state_5.sqlite');
  makeCodexDb(path, 'state_5.sqlite');
  const reader = await holder(t, 'read', path);
  leaveInWal(path, 1000, true);
  const started = Date.now();
  const result = checkpointDb(path, 200);
  assert.equal(result.code, 'E_BUSY', result.message);
  assert.ok(Date.now() - started < 2000);
  assert.ok(result.walAfter > 0);
  await reader.stop();
  const db = inspect(path);
  assert.equal(db.integrity, 'ok');
});

test('a non-SQLite or corrupt logs_2.sqlite is left exactly as it was', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'logs_2.sqlite');
  writeFileSync(path, Buffer.alloc(300_000, 'not a database, just text '));
  const text = hash(path);
  const notDb = await rotateLogDb(dir, 'logs_2.sqlite', options());
  assert.equal(notDb.ok, false);
  assert.equal(notDb.code, 'E_NOT_SQLITE', notDb.message);
  assert.ok(!notDb.message.includes('\n'));
  assert.equal(hash(path), text);
  const { path: good } = logHome(t, 500);
  const corrupt = join(dir, 'logs_3.sqlite');
  const bytes = readFileSync(good);
  bytes.fill(0xa5, 4096 * 2, bytes.length - 4096); // everything but the first pages is garbage
  writeFileSync(corrupt, bytes);
  const before = hash(corrupt);
  const result = await rotateLogDb(dir, 'logs_3.sqlite', options());
  assert.equal(result.ok, false);
  assert.match(result.code, /^E_(CORRUPT|NOT_SQLITE|IO)$/, result.message);
  assert.equal(hash(corrupt), before);
  assert.deepEqual(scanInventory(dir).leftovers, []);
});

test("Codex's maintenance lock held (as Codex holds it: flock) → not rotated; once free → rotated", async (t) => {
  const { dir, path } = logHome(t, 100);
  const lockFile = join(dir, MAINTENANCE_LOCK);
  writeFileSync(lockFile, '');
  // util-linux flock(1) takes flock(LOCK_EX) exactly as Rust's File::try_lock does.
  const codexLike = spawn('flock', ['-o', '-x', lockFile, 'sleep', '30'], { stdio: 'ignore' });
  t.after(() => codexLike.kill('SIGKILL'));
  for (let i = 0; (await tryMaintenanceLock(dir)).state !== 'busy'; i++) {
    assert.ok(i < 200, 'flock(1) never took the lock');
    await new Promise((r) => setTimeout(r, 25));
  }
  const before = hash(path);
  const result = await rotateLogDb(dir, 'logs_2.sqlite', options());
  assert.equal(result.code, 'W_DEFERRED', result.message);
  assert.equal(hash(path), before);
  codexLike.kill('SIGKILL');
  const later = await rotateLogDb(dir, 'logs_2.sqlite', options({ lockWaitMs: 5000 }));
  assert.equal(later.code, 'OK', later.message);
});

test('without perl or flock(1) (perl is marked for removal from macOS): a lock file Codex made means "cannot tell", so no rotation; none, and it goes on', async (t) => {
  const { dir, path } = logHome(t, 100);
  const saved = process.env.PATH;
  process.env.PATH = tmp(t);
  try {
    const free = await tryMaintenanceLock(dir);
    assert.equal(free.state, 'unsupported', 'no lock file: no Codex has owned maintenance here');
    writeFileSync(join(dir, MAINTENANCE_LOCK), '');
    const unknown = await tryMaintenanceLock(dir);
    assert.equal(unknown.state, 'busy');
    const before = hash(path);
    const result = await rotateLogDb(dir, 'logs_2.sqlite', options());
    assert.equal(result.code, 'W_DEFERRED', result.message);
    assert.match(
      result.message,
      /^cannot tell whether a running Codex holds \S+\.sqlite-maintenance\.lock: neither perl nor flock\(1\) is on PATH/,
    );
    assert.equal(hash(path), before);
  } finally {
    process.env.PATH = saved;
  }
});

test('read-only CODEX_HOME: one-line failure, nothing changed', async (t) => {
  const { dir } = logHome(t, 300);
  const ro = readOnlyCopy(t, dir);
  const before = hash(join(ro, 'logs_2.sqlite'));
  const result = await rotateLogDb(ro, 'logs_2.sqlite', options());
  assert.equal(result.ok, false);
  assert.equal(result.code, 'E_READONLY', result.message);
  assert.match(result.message, /is not writable/);
  assert.ok(!result.message.includes('\n'));
  assert.equal(hash(join(ro, 'logs_2.sqlite')), before);
  const checkpoint = checkpointDb(join(ro, 'logs_2.sqlite'));
  assert.equal(checkpoint.code, 'E_READONLY', checkpoint.message);
});

test('disk full: refused up front when it cannot fit, and a disk that fills up mid-copy leaves the original intact', async (t) => {
  const small = mount(t, 'size=4m');
  if (!small) return fileSizeLimited(t); // not root: the nearest thing, a file-size limit on the rotating process
  const dir = join(small, 'home');
  mkdirSync(dir);
  makeCodexDb(join(dir, 'logs_2.sqlite'));
  fillLogs(join(dir, 'logs_2.sqlite'), { rows: 2000, now: NOW, spreadSeconds: DAY, bodyBytes: 900 });
  const before = hash(join(dir, 'logs_2.sqlite'));
  const refused = await rotateLogDb(dir, 'logs_2.sqlite', options({ keepRows: 1900 }));
  assert.equal(refused.code, 'E_DISK_FULL', refused.message);
  assert.match(refused.message, / free, the new file needs about [\d.]+ MB; not rotated/);
  // Fits by the estimate, but something else fills the disk once the copy starts.
  const filled = await rotateLogDb(
    dir,
    'logs_2.sqlite',
    options({
      keepRows: 300,
      onProgress: (event) => {
        if (event.phase === 'copy')
          spawnSync('dd', ['if=/dev/zero', `of=${join(small, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
      },
    }),
  );
  assert.equal(filled.code, 'E_DISK_FULL', filled.message);
  assert.ok(!filled.message.includes('\n'));
  assert.equal(hash(join(dir, 'logs_2.sqlite')), before);
  assert.deepEqual(scanInventory(dir).leftovers, []);
  assert.equal(inspect(join(dir, 'logs_2.sqlite')).integrity, 'ok');
});

test('progress: silent when stderr is not a terminal or the work is short', () => {
  const written: string[] = [];
  const fake = (isTTY: boolean) => ({ isTTY, write: (s: string) => written.push(s) }) as unknown as NodeJS.WriteStream;
  const quiet = progressLine(fake(false), 0);
  quiet.update('x');
  quiet.done();
  const soon = progressLine(fake(true), 60_000);
  soon.update('y');
  assert.deepEqual(written, []);
  const shown = progressLine(fake(true), 0);
  shown.update('rotating');
  shown.done();
  assert.deepEqual(written, ['\r\x1b[Krotating', '\r\x1b[K']);
});

test('CLI: rotate --dry-run, rotate, archives --json, restore', async (t) => {
  const { dir, path } = logHome(t, 500);
  const env = cleanEnv({ CODEX_HOME: dir });
  const dry = runSync(process.execPath, [CLI, 'rotate', '--dry-run', '--force'], { env, cwd: dir });
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /would rotate logs_2\.sqlite \(forced\) by swapping in a fresh file/);
  assert.equal(inspect(path).ids.length, 700);
  const quiet = runSync(process.execPath, [CLI, 'rotate'], { env, cwd: dir });
  assert.match(quiet.stdout, /nothing over the limits/);
  const rotated = runSync(process.execPath, [CLI, 'rotate', '--force'], { env, cwd: dir });
  assert.equal(rotated.status, 0, rotated.stderr);
  assert.match(rotated.stdout, /kept \d+ of 700 rows/);
  assert.match(rotated.stdout, /compressed/, 'logs.compress: rotate gzips the archive at once');
  assert.equal(rotated.stderr, '', 'no progress output when stderr is not a terminal');
  const listed = runSync(process.execPath, [CLI, 'archives', '--json'], { env, cwd: dir });
  const archives = JSON.parse(listed.stdout) as Array<{ name: string; db: string }>;
  assert.equal(archives.length, 1);
  assert.equal(archives[0]!.db, 'logs_2.sqlite');
  const restored = runSync(process.execPath, [CLI, 'restore', archives[0]!.name], { env, cwd: dir });
  assert.equal(restored.status, 0, restored.stderr);
  assert.equal(inspect(path).ids.length, 700);
  const missing = runSync(process.execPath, [CLI, 'restore', 'nope'], { env, cwd: dir });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^codexguard: no archive nope .*\[E_MISSING\]\n$/);
  // The limits come from the user's config (a project file could not go below 1000 rows).
  writeFileSync(join(dir, 'user.yaml'), 'logs:\n  keepRows: 25\n');
  const configured = runSync(process.execPath, [CLI, 'rotate', '--force'], {
    env: { ...env, CODEXGUARD_CONFIG: join(dir, 'user.yaml') },
    cwd: dir,
  });
  assert.equal(configured.status, 0, configured.stderr);
  assert.equal(inspect(path).ids.length, 25);
});

/** A read-only copy of `dir`: a read-only tmpfs when we may mount (root), else a chmod 555 folder. */
function readOnlyCopy(t: Parameters<typeof tmp>[0], dir: string): string {
  const target = mount(t, 'size=64m');
  if (target) {
    spawnSync('cp', ['-a', `${dir}/.`, target]);
    if (spawnSync('mount', ['-o', 'remount,ro', target]).status === 0) return target;
  }
  const fallback = join(tmp(t), 'ro');
  mkdirSync(fallback);
  spawnSync('cp', ['-a', `${dir}/.`, fallback]);
  for (const name of readdirSync(fallback)) chmodSync(join(fallback, name), 0o444);
  chmodSync(fallback, 0o555);
  t.after(() => chmodSync(fallback, 0o755));
  return fallback;
}

/** Without root: a rotation in a child whose writes stop at 1 MB (prlimit --fsize, SIGXFSZ ignored) fails cleanly. */
function fileSizeLimited(t: Parameters<typeof tmp>[0]): void {
  const dir = codexHomeWithLogs(t, { rows: 2000, now: NOW, spreadSeconds: DAY, bodyBytes: 900 });
  const path = join(dir, 'logs_2.sqlite');
  const before = hash(path);
  const child = spawnSync(
    'prlimit',
    ['--fsize=1000000', process.execPath, '--import', 'tsx', join(REPO, 'test', 'fixtures', 'rotate-child.ts')],
    {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, ROTATE_DIR: dir, ROTATE_NOW: String(NOW), ROTATE_KEEP_ROWS: '1900' },
    },
  );
  assert.match(child.stdout, /^done E_(DISK_FULL|IO) /m, child.stdout + child.stderr);
  assert.equal(hash(path), before);
  assert.deepEqual(scanInventory(dir).leftovers, []);
  assert.equal(inspect(path).integrity, 'ok');
}

/** A fresh tmpfs mount (unmounted and removed after the test), or undefined when we may not mount. */
function mount(t: Parameters<typeof tmp>[0], opts: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const target = mkdtempSync(join(tmpdir(), 'cg-mnt-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', target]).status !== 0) {
    rmSync(target, { recursive: true, force: true });
    return undefined;
  }
  t.after(() => {
    spawnSync('umount', ['-l', target]);
    rmSync(target, { recursive: true, force: true });
  });
  return target;
}

test('lsof (macOS): only this user\'s processes (pgrep -U, then -a -p), -w, bounded; a slow one is "cannot tell"', async (t) => {
  const { dir, path } = logHome(t, 10);
  const bin = tmp(t);
  const argsFile = join(bin, 'lsof.args');
  // Fakes that behave as the real tools do: pgrep -U prints one pid per line; lsof -t prints the pids holding the files.
  writeFileSync(join(bin, 'pgrep'), '#!/bin/sh\n[ "$1" = -U ] && printf "101\\n202\\n303\\n"\n', { mode: 0o755 });
  writeFileSync(
    join(bin, 'lsof'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(argsFile)}.tmp && mv ${JSON.stringify(argsFile)}.tmp ${JSON.stringify(argsFile)}\n[ -n "$LSOF_SLEEP" ] && exec sleep "$LSOF_SLEEP"\necho 202\n`,
    { mode: 0o755 },
  );
  const saved = { PATH: process.env.PATH, LSOF_SLEEP: process.env.LSOF_SLEEP };
  process.env.PATH = `${bin}:/usr/bin:/bin`;
  t.after(() => Object.assign(process.env, saved));
  assert.deepEqual(await openers([path], { via: 'lsof' }), [202]);
  const args = readFileSync(argsFile, 'utf8').trim().split('\n');
  assert.deepEqual(args.slice(0, 5), ['-w', '-t', '-a', '-p', '101,202,303']);
  assert.equal(args.at(-1), realpathSync(path));
  // As macOS's lsof can take seconds: the launch path's bound makes it "cannot tell" (then shared), not a wait.
  process.env.LSOF_SLEEP = '3';
  await assert.rejects(
    openers([path], { via: 'lsof', timeoutMs: 300 }),
    (e: Error & { code?: string }) => e.code === 'E_OPENERS_UNKNOWN' && /no answer within 0\.3 s/.test(e.message),
  );
  delete process.env.LSOF_SLEEP;
  // Live sessions force a shared rotation: who has it open is then not asked at all.
  let asked = 0;
  const counting = async () => {
    asked++;
    return [];
  };
  const shared = await rotateLogDb(dir, 'logs_2.sqlite', options({ liveSessions: 1, openers: counting }));
  assert.equal(shared.strategy, 'shared', shared.message);
  assert.equal(asked, 0);
});
