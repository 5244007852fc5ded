// A hostile world: programs planted where relative PATH entries find them, config files that are not files or not yours.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquirePreflightLock, lockPaths } from '../src/lock/preflight-lock.ts';
import { codexHomeWithLogs, fillLogs, holder, leaveInWal } from './helpers/codex-home.ts';
import { CLI, cleanEnv, fakeCodex, linkShim, NODE_BIN_DIR, readRecord, runSync, tmp } from './helpers/index.ts';

const PLANTED = [
  'stty',
  'perl',
  'flock',
  'lsof',
  'coredumpctl',
  'systemctl',
  'crontab',
  'launchctl',
  'bash',
  'zsh',
  'fish',
  'sh',
  'cat',
];

/** A repository whose `bin/` and top folder hold a program of every name codexguard starts, each leaving a mark when run. */
function plantedRepo(root: string): { repo: string; marks: string } {
  const repo = join(root, 'repo');
  const marks = join(root, 'marks');
  mkdirSync(join(repo, 'bin'), { recursive: true });
  mkdirSync(marks);
  for (const dir of [repo, join(repo, 'bin')]) {
    for (const name of PLANTED) {
      const file = join(dir, name);
      writeFileSync(file, `#!/bin/sh\necho ran > '${join(marks, name)}'\nexit 0\n`);
      chmodSync(file, 0o755);
    }
  }
  return { repo, marks };
}

test('relative and empty PATH entries never run a planted stty, perl, flock or lsof: on a terminal, with a rotation due', (t) => {
  const root = tmp(t);
  const { repo, marks } = plantedRepo(root);
  const home = join(root, 'user');
  mkdirSync(home);
  writeFileSync(join(home, '.codexguardrc'), JSON.stringify({ logs: { maxSize: '1MB', keepRows: 300 } }));
  const codexHome = codexHomeWithLogs(t, { rows: 3000, bodyBytes: 1500 });
  const shimDir = join(root, 'shim');
  linkShim(shimDir);
  fakeCodex(join(root, 'real'));
  const record = join(root, 'record.json');
  // `bin`, `.` and an empty entry first: what a careless `PATH=bin:$PATH` or a trailing colon gives.
  const PATH = ['bin', '.', '', shimDir, join(root, 'real'), NODE_BIN_DIR, '/usr/bin', '/bin'].join(':');
  const env = cleanEnv({ HOME: home, CODEX_HOME: codexHome, PATH, FAKE_CODEX_RECORD: record });
  // A real pseudo-terminal, so the shim saves the terminal with stty before codex starts.
  const r = runSync('/usr/bin/script', ['-qec', `${join(shimDir, 'codex')} hi`, '/dev/null'], { env, cwd: repo });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.deepEqual(readRecord(record).argv, ['hi'], 'codex ran');
  assert.match(
    r.stdout,
    /kept 300 of 3000 rows/,
    'the rotation ran (it takes Codex maintenance lock with perl or flock)',
  );
  const m = runSync(process.execPath, [CLI, 'maintain'], { env, cwd: repo });
  assert.equal(m.status, 0, m.stdout + m.stderr);
  const s = runSync(process.execPath, [CLI, 'schedule', 'status'], { env, cwd: repo });
  assert.equal(s.status, 0, s.stdout + s.stderr);
  assert.deepEqual(readdirSync(marks), [], 'no planted program ran');
  assert.equal(existsSync(join(marks, 'stty')), false);
});

/** A user, a Codex home with a small log DB, the shim and a fake codex; `cwd` is a repository under a shared parent. */
function world(t: Parameters<typeof tmp>[0]) {
  const root = tmp(t);
  const home = join(root, 'user');
  const repo = join(root, 'shared', 'repo');
  mkdirSync(home);
  mkdirSync(repo, { recursive: true });
  chmodSync(join(root, 'shared'), 0o1777);
  const codexHome = codexHomeWithLogs(t, { rows: 100 });
  const shimDir = join(root, 'shim');
  linkShim(shimDir);
  fakeCodex(join(root, 'real'));
  const record = join(root, 'record.json');
  const env = (extra: Record<string, string> = {}) =>
    cleanEnv({
      HOME: home,
      CODEX_HOME: codexHome,
      PATH: [shimDir, join(root, 'real'), NODE_BIN_DIR, '/usr/bin', '/bin'].join(':'),
      FAKE_CODEX_RECORD: record,
      ...extra,
    });
  return { root, home, repo, codexHome, shim: join(shimDir, 'codex'), record, env };
}

test('config files that are not files: a project symlink to /proc/self/pagemap, a user config at it, a FIFO and /dev/zero as config.toml', (t) => {
  const w = world(t);
  symlinkSync('/proc/self/pagemap', join(w.repo, '.codexguardrc'));
  const project = runSync(w.shim, ['a'], { env: w.env(), cwd: w.repo, timeout: 20_000 });
  assert.equal(project.status, 0, project.stderr);
  assert.deepEqual(readRecord(w.record).argv, ['a'], 'codex started');
  assert.match(
    project.stderr,
    /\.codexguardrc: ignored: a project-level config file may not be a symlink \[W_CONFIG\]/,
  );
  assert.equal(project.stderr.trim().split('\n').length, 1, project.stderr);

  const user = runSync(w.shim, ['b'], {
    env: w.env({ CODEXGUARD_CONFIG: '/proc/self/pagemap' }),
    cwd: w.home,
    timeout: 20_000,
  });
  assert.equal(user.status, 0, user.stderr);
  assert.deepEqual(readRecord(w.record).argv, ['b']);
  assert.match(
    user.stderr,
    /pagemap: is larger than 64 KiB; using the defaults \[E_CONFIG\]/,
    'the bytes are counted, st_size (0) is not trusted',
  );

  spawnSync('/usr/bin/mkfifo', [join(w.codexHome, 'config.toml')]);
  const fifo = runSync(w.shim, ['c'], { env: w.env(), cwd: w.home, timeout: 20_000 });
  assert.equal(fifo.status, 0, `a FIFO as config.toml does not hang the shim: ${fifo.error?.message ?? fifo.stderr}`);
  assert.deepEqual(readRecord(w.record).argv, ['c']);
  rmSync(join(w.codexHome, 'config.toml'));
  symlinkSync('/dev/zero', join(w.codexHome, 'config.toml'));
  const zero = runSync(w.shim, ['d'], { env: w.env(), cwd: w.home, timeout: 20_000 });
  assert.equal(
    zero.status,
    0,
    `/dev/zero as config.toml does not hang the shim: ${zero.error?.message ?? zero.stderr}`,
  );
  assert.deepEqual(readRecord(w.record).argv, ['d']);
});

test("another user's .codexguardrc in a shared parent (mode 1777) is ignored with one warning; root's and yours are obeyed", (t) => {
  assert.equal(process.getuid?.(), 0, 'this test makes a file owned by another user: it runs as root, as CI does');
  const w = world(t);
  const rc = join(w.root, 'shared', '.codexguardrc');
  writeFileSync(
    rc,
    JSON.stringify({
      logs: { keepRows: 1000 },
      crash: { keep: 1 },
      restart: { mode: 'never' },
      lock: { timeout: '0s' },
    }),
  );
  chownSync(rc, 12345, 12345);
  const shown = runSync(process.execPath, [CLI, 'config', '--json'], { env: w.env(), cwd: w.repo });
  const c = JSON.parse(shown.stdout) as { config: Record<string, unknown>; issues: Array<{ line: string }> };
  assert.deepEqual(
    [c.config['logs.keepRows'], c.config['crash.keep'], c.config['restart.mode'], c.config['lock.timeout']],
    [20_000, 20, 'ask', 10_000],
    'nothing of it applies',
  );
  assert.deepEqual(
    c.issues.map((i) => i.line),
    [`codexguard: ${rc}: ignored: it belongs to uid 12345, not to you (nor to root) [W_CONFIG]`],
  );
  const launch = runSync(w.shim, [], { env: w.env(), cwd: w.repo });
  assert.equal(launch.status, 0);
  assert.equal(launch.stderr.trim().split('\n').length, 1, launch.stderr);
  // Owned by root (this user here), the same file is a project file like any other.
  chownSync(rc, 0, 0);
  const ours = JSON.parse(
    runSync(process.execPath, [CLI, 'config', '--json'], { env: w.env(), cwd: w.repo }).stdout,
  ) as { config: Record<string, unknown> };
  assert.equal(ours.config['logs.keepRows'], 1000);
});

test("the shim never creates Codex's home: a CODEX_HOME with a typo, and ~/.codex where Codex never ran", (t) => {
  const w = world(t);
  const typo = join(w.root, 'no-such-codex-home');
  const r = runSync(w.shim, ['x'], { env: w.env({ CODEX_HOME: typo }), cwd: w.home });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readRecord(w.record).argv, ['x'], 'codex started (it says itself what it thinks of that home)');
  assert.equal(r.stderr, '', 'nothing to say: there is nothing to guard');
  assert.equal(existsSync(typo), false, 'the typo did not become a home');
  const env = w.env();
  delete env.CODEX_HOME;
  const fresh = runSync(w.shim, ['y'], { env, cwd: w.home });
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.equal(existsSync(join(w.home, '.codex')), false, '~/.codex was not made');
});

for (const mode of ['immediate', 'exclusive'] as const) {
  test(`a writer holding BEGIN ${mode.toUpperCase()} on the over-limit log DB costs the launch at most about 1 s of waiting, then codex starts with one line`, async (t) => {
    const w = world(t);
    writeFileSync(join(w.home, '.codexguardrc'), JSON.stringify({ logs: { maxSize: '1MB', keepRows: 300 } }));
    fillLogs(join(w.codexHome, 'logs_2.sqlite'), { rows: 3000, bodyBytes: 1500 });
    await holder(t, mode, join(w.codexHome, 'logs_2.sqlite'));
    // Without the bound the prune waits out its 30 s deadline; 10 s is the test's limit, not a timing.
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(w.shim, ['go'], { env: w.env(), cwd: w.home, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stderr });
      });
    });
    assert.equal(r.status, 0, `the shim ended on its own: ${r.stderr}`);
    assert.deepEqual(readRecord(w.record).argv, ['go'], 'codex started');
    assert.match(
      r.stderr,
      /logs_2\.sqlite: pruned in place .*stopped part-way \(Codex kept it busy\); the rest next time \[E_BUSY\]\n$/,
    );
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
}

test('a gzip of an archive under way never holds up a launch; a dead one is tidied by the next maintain', async (t) => {
  const w = world(t);
  const stamp = '20260101T000000.000Z';
  const folder = join(w.codexHome, `logs_2.sqlite.${stamp}.archive`);
  mkdirSync(folder);
  writeFileSync(join(folder, 'logs_2.sqlite'), 'old rows');
  const partial = join(w.codexHome, `logs_2.sqlite.${stamp}.archive.tgz.partial`);
  writeFileSync(partial, 'half a gzip');
  // A compressor is alive: it holds the compress lock (here, this test process does).
  const held = await acquirePreflightLock(w.codexHome, 0, {}, 'compress');
  assert.equal(held.acquired, true);
  const r = runSync(w.shim, ['now'], { env: w.env(), cwd: w.home });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'nothing to wait for, nothing to say');
  assert.deepEqual(readRecord(w.record).argv, ['now']);
  assert.equal(existsSync(partial), true, "the live compressor's file is left alone");
  assert.equal(existsSync(lockPaths(w.codexHome).lockDir), false, 'the launch did not even take the pre-flight lock');
  // The compressor dies (its lock goes with it); the next maintain drops its partial file and compresses the folder.
  if (held.acquired) await held.lock.release();
  const m = runSync(process.execPath, [CLI, 'maintain'], { env: w.env(), cwd: w.home });
  assert.equal(m.status, 0, m.stdout + m.stderr);
  assert.equal(existsSync(partial), false);
  assert.equal(existsSync(folder), false);
  assert.equal(existsSync(`${folder}.tgz`), true);
});

test('a project file of 3,000 unknown keys is four lines at launch, not 3,000', (t) => {
  const w = world(t);
  writeFileSync(
    join(w.repo, '.codexguardrc'),
    JSON.stringify(Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i]))),
  );
  const r = runSync(w.shim, [], { env: w.env(), cwd: w.repo });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 4, r.stderr.slice(0, 500));
  assert.match(lines[0]!, /\.codexguardrc: k0: unknown key/);
  assert.equal(lines[3], 'codexguard: and 2997 more config problems: `codexguard config` lists them all [E_CONFIG]');
  const all = runSync(process.execPath, [CLI, 'config', '--json'], { env: w.env(), cwd: w.repo });
  assert.equal(
    (JSON.parse(all.stdout) as { issues: unknown[] }).issues.length,
    3_000,
    '`codexguard config` lists every one',
  );
});

test('a logs_N.sqlite that is no log DB (no logs table) is said to be one once, not an E_IO at every launch', (t) => {
  const w = world(t);
  writeFileSync(join(w.home, '.codexguardrc'), JSON.stringify({ logs: { maxSize: '1MB' } }));
  const path = join(w.codexHome, 'logs_7.sqlite');
  const db = new Database(path);
  db.exec('CREATE TABLE other (x)');
  const insert = db.prepare('INSERT INTO other VALUES (?)');
  for (let i = 0; i < 1000; i++) insert.run('x'.repeat(2000));
  db.close();
  const first = runSync(w.shim, [], { env: w.env(), cwd: w.home });
  assert.equal(first.status, 0);
  assert.equal(
    first.stderr,
    'codexguard: logs_7.sqlite has no logs table: it is not a Codex log DB, so it is left alone [E_NOT_LOG_DB]\n',
  );
  const second = runSync(w.shim, [], { env: w.env(), cwd: w.home });
  assert.equal(second.stderr, '', 'said once (a day), not at every launch');
  assert.equal(statSync(path).size > 1e6, true, 'left alone');
});

test('a checkpoint a live reader keeps out is said once a day at launch, not by every shim that comes after', async (t) => {
  const w = world(t);
  writeFileSync(join(w.home, '.codexguardrc'), JSON.stringify({ wal: { maxSize: '1MB' } }));
  const path = join(w.codexHome, 'logs_2.sqlite');
  leaveInWal(path, 4_000);
  await holder(t, 'read', path);
  const lines = [0, 1, 2].map(() => runSync(w.shim, [], { env: w.env(), cwd: w.home }).stderr);
  assert.match(lines[0]!, /checkpoint blocked by another connection .* \[E_BUSY\]\n$/);
  assert.deepEqual(lines.slice(1), ['', ''], 'the next launches say nothing more about it today');
  const m = runSync(process.execPath, [CLI, 'maintain'], { env: w.env(), cwd: w.home });
  assert.match(m.stdout, /checkpoint blocked by another connection/, 'maintain always says it');
});
