// `codexguard doctor`: the built CLI on healthy, over-limit and broken homes (real bash, real SQLite, the real pinned codex), and its pure judgments.
import assert from 'node:assert/strict';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { judgePath, judgeRealCodex, splitAdvice, type PathFacts } from '../src/doctor/judge-activation.ts';
import { judgeConfig, judgeDbs, type DbFacts } from '../src/doctor/judge-home.ts';
import { judgeArchives, judgeCrashes, judgeLock, judgeSessions, STUCK_MS } from '../src/doctor/judge-state.ts';
import { judgeDropLevels, judgeSchedule } from '../src/doctor/extras.ts';
import { buildReport, guarded, type Check, type DoctorReport } from '../src/doctor/report.ts';
import { applyDropLevels } from '../src/droplevels/apply.ts';
import { acquirePreflightLock } from '../src/lock/preflight-lock.ts';
import { stamp } from '../src/registry/process-stamp.ts';
import { codexHomeWithLogs, makeCodexDb, PINNED_CODEX_VERSION, REAL_CODEX } from './helpers/codex-home.ts';
import { CLI, cleanEnv, NODE_BIN_DIR, runSync, tmp } from './helpers/index.ts';
import { inTmux, sq } from './helpers/tmux.ts';

// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's ${VAR:+…}, written into ~/.profile as it is.
const PROFILE = '# ~/.profile\nexport PATH="${CG_REAL_DIR:+$CG_REAL_DIR:}$PATH"\n';

// One HOME where `codexguard install --shell bash` ran, shared by the CLI tests; each test brings its own CODEX_HOME.
let root: string;
let home: string;
let realDir: string;
let linksDir: string;
const basePath = () => [realDir, NODE_BIN_DIR, '/usr/bin', '/bin'].join(':');

before(() => {
  root = mkdtempSync(join(tmpdir(), 'cg-doctor-'));
  home = join(root, 'home');
  realDir = join(root, 'real-bin');
  mkdirSync(home);
  mkdirSync(realDir);
  // The real pinned codex, as a native binary found on PATH behind the shim.
  symlinkSync(REAL_CODEX, join(realDir, 'codex'));
  writeFileSync(join(home, '.bashrc'), '# ~/.bashrc\n');
  // Login shells start over from /etc/profile's PATH; like a user's ~/.profile, this one adds where codex lives.
  writeFileSync(join(home, '.profile'), PROFILE);
  linksDir = join(home, '.local', 'share', 'codexguard', 'bin');
  const r = runSync(process.execPath, [CLI, 'install', '--shell', 'bash', '--no-verify'], {
    env: cleanEnv({ HOME: home, SHELL: '/bin/bash', PATH: basePath() }),
    cwd: home,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the built `codexguard doctor --json` as a user whose shell has the shim first; returns the exit status and the report. */
function doctor(
  codexHome: string,
  args: string[] = [],
  extra: Record<string, string | undefined> = {},
): { status: number | null; report: DoctorReport; stdout: string } {
  const env = cleanEnv({
    HOME: home,
    SHELL: '/bin/bash',
    CODEX_HOME: codexHome,
    PATH: `${linksDir}:${basePath()}`,
    CG_REAL_DIR: realDir,
    ...extra,
  });
  const r = runSync(process.execPath, [CLI, 'doctor', ...args], { env, cwd: home });
  assert.equal(r.stderr, '', 'doctor prints nothing on stderr');
  return {
    status: r.status,
    report: args.includes('--json') ? (JSON.parse(r.stdout) as DoctorReport) : (undefined as never),
    stdout: r.stdout,
  };
}

const byId = (report: DoctorReport, id: string): Check => {
  const check = report.checks.find((c) => c.id === id);
  assert.ok(check, `check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return check;
};
/** The checks that are not ok, leaving out the schedule: these test homes never install one (doctor warns; tested below). */
const notOkIds = (report: DoctorReport) =>
  report.checks.filter((c) => c.level !== 'ok' && c.id !== 'schedule').map((c) => `${c.id}:${c.level}`);

/** A CODEX_HOME with a small logs_2.sqlite (real schema, a few rows) and a state_5.sqlite. */
function smallHome(t: TestContext, rows = 50): string {
  const codexHome = codexHomeWithLogs(t, { rows, bodyBytes: 500 });
  makeCodexDb(join(codexHome, 'state_5.sqlite'), 'state_5.sqlite');
  return codexHome;
}

/**
 * name → size and mtime of every file in `dir` but SQLite's -wal/-shm: a read-only connection (drop-levels,
 * --deep) makes those when a DB was closed cleanly, as any reader does (Codex leaves them there itself).
 */
const files = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((n) => !/-(wal|shm)$/.test(n))
      .map((n) => [n, `${statSync(join(dir, n)).size}@${statSync(join(dir, n)).mtimeMs}`]),
  );

test('a healthy home: every check ok, exit 0, the real codex and its version named, nothing changed', (t) => {
  const codexHome = smallHome(t);
  const before = files(codexHome);
  const { status, report } = doctor(codexHome, ['--json']);
  assert.equal(status, 0, JSON.stringify(report, null, 2));
  assert.equal(report.version, 1);
  assert.equal(report.ok, true);
  assert.deepEqual(notOkIds(report), []);
  assert.deepEqual(
    report.checks.map((c) => c.id),
    [
      'path',
      'real-codex',
      'config',
      'dbs',
      'db:logs_2.sqlite',
      'db:state_5.sqlite',
      'codex',
      'lock',
      'sessions',
      'growth',
      'archives',
      'crashes',
      'schedule',
      'drop-levels',
      'sqlite',
    ],
  );
  for (const c of report.checks) if (c.level === 'ok') assert.equal(c.fix, undefined, `${c.id} has no fix when ok`);
  const schedule = byId(report, 'schedule');
  assert.equal(schedule.level, 'warn', 'no scheduled maintain in a fresh home: a warning, not a failure');
  assert.equal(schedule.fix, 'codexguard schedule install');
  assert.match(byId(report, 'path').summary, /the shim in bash \(interactive\), bash \(login\)/);
  const real = byId(report, 'real-codex');
  assert.equal(real.details?.version, `codex-cli ${PINNED_CODEX_VERSION}`);
  assert.equal(real.details?.found, join(realDir, 'codex'));
  assert.ok(real.summary.startsWith(`codex-cli ${PINNED_CODEX_VERSION} at `), real.summary);
  assert.match(byId(report, 'db:logs_2.sqlite').summary, /^log DB, .* under 100\.0 MB/);
  assert.deepEqual(files(codexHome), before, 'doctor changes nothing in CODEX_HOME');

  const human = doctor(codexHome);
  assert.equal(human.status, 0);
  assert.match(human.stdout, /^ok +path +`codex` is the shim in bash/m);
  assert.match(human.stdout, /0 failures, 1 warning \(of 15 checks\)\.\n$/);
});

test('an over-limit log DB fails with the rotate fix (exit 1); --deep adds quick_check ok', (t) => {
  const codexHome = smallHome(t, 1500);
  const rc = join(root, `over-${process.pid}.yaml`);
  writeFileSync(rc, 'logs:\n  maxSize: 200KB\n');
  const { status, report } = doctor(codexHome, ['--json', '--deep'], { CODEXGUARD_CONFIG: rc });
  assert.equal(status, 1);
  assert.equal(report.ok, false);
  assert.deepEqual(notOkIds(report), ['db:logs_2.sqlite:fail']);
  const log = byId(report, 'db:logs_2.sqlite');
  assert.equal(log.fix, 'codexguard rotate');
  assert.match(log.summary, /MB is over 200\.0 kB \(logs\.maxSize\)/);
  assert.deepEqual(log.details?.quickCheck, { result: 'ok' });
  assert.match(byId(report, 'db:state_5.sqlite').summary, /quick_check ok$/);

  const human = doctor(codexHome, [], { CODEXGUARD_CONFIG: rc });
  assert.equal(human.status, 1);
  assert.match(human.stdout, /^fail +db:logs_2\.sqlite +.*\n +fix: codexguard rotate$/m);
  assert.match(human.stdout, /1 failure, 1 warning \(of 15 checks\)\.\n$/);
});

test('a config typo fails the config check, naming the file and key', (t) => {
  const rc = join(root, `typo-${process.pid}.yaml`);
  writeFileSync(rc, 'logs:\n  maxSzie: 1MB\n');
  const { status, report } = doctor(smallHome(t), ['--json'], { CODEXGUARD_CONFIG: rc });
  assert.equal(status, 1);
  assert.deepEqual(notOkIds(report), ['config:fail']);
  const config = byId(report, 'config');
  assert.match(
    config.summary,
    /typo-\d+\.yaml: logs\.maxSzie: unknown key \(did you mean logs\.maxSize\?\) \[E_CONFIG\]/,
  );
  assert.match(config.fix!, /^edit logs\.maxSzie in .*typo-\d+\.yaml; `codexguard config` lists every problem$/);
});

test('--deep fails a corrupt DB; without --deep sizes alone look fine', (t) => {
  const codexHome = smallHome(t, 400);
  const file = join(codexHome, 'logs_2.sqlite');
  // Garbage over a run of b-tree pages in the middle of the file.
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4096 * 8, 0xa5), 0, 4096 * 8, 4096 * 10);
  closeSync(fd);
  const shallow = doctor(codexHome, ['--json']);
  assert.equal(shallow.status, 0);
  const deep = doctor(codexHome, ['--json', '--deep']);
  assert.equal(deep.status, 1);
  assert.deepEqual(notOkIds(deep.report), ['db:logs_2.sqlite:fail']);
  const log = byId(deep.report, 'db:logs_2.sqlite');
  assert.match(log.summary, /^(quick_check: |cannot be read: )/);
  assert.match(log.fix!, /^quit codex, then move .*logs_2\.sqlite \(and its -wal, -shm\) aside/);
});

test('no real codex behind the shim fails real-codex (the shells warn the same)', (t) => {
  const { status, report } = doctor(smallHome(t), ['--json'], {
    PATH: `${linksDir}:${NODE_BIN_DIR}:/usr/bin:/bin`,
    CG_REAL_DIR: undefined,
  });
  assert.equal(status, 1);
  const real = byId(report, 'real-codex');
  assert.equal(real.level, 'fail');
  assert.match(real.summary, /^nothing behind the shim: no real codex found on PATH/);
  assert.match(real.fix!, /npm install -g @openai\/codex/);
  assert.equal(byId(report, 'path').level, 'warn');
});

test('a shell whose PATH lacks the shim, and a home without install: path warns, then fails', (t) => {
  const stale = doctor(smallHome(t), ['--json'], { PATH: basePath() });
  assert.equal(byId(stale.report, 'path').level, 'warn');
  assert.match(byId(stale.report, 'path').fix!, /exec "\$SHELL" -l/);
  const bare = tmp(t);
  const r = runSync(process.execPath, [CLI, 'doctor', '--json'], {
    env: cleanEnv({ HOME: bare, CODEX_HOME: join(bare, 'codex'), PATH: basePath() }),
    cwd: bare,
  });
  assert.equal(r.status, 1);
  const path = byId(JSON.parse(r.stdout) as DoctorReport, 'path');
  assert.equal(path.level, 'fail');
  assert.equal(path.fix, 'codexguard install');
  assert.match(path.summary, new RegExp(`the shim is not installed: \`codex\` runs ${join(realDir, 'codex')}`));
});

test('a lock left by a dead pre-flight is a warn; one held by a live process is ok; doctor leaves both alone', async (t) => {
  const codexHome = smallHome(t);
  const guard = join(codexHome, 'codexguard');
  const lockDir = join(guard, 'preflight.lock');
  mkdirSync(lockDir, { recursive: true });
  const dead = runSync(process.execPath, ['-e', '']).pid;
  writeFileSync(
    join(lockDir, 'owner.json'),
    JSON.stringify({ ...stamp(dead, Date.now() - 60_000), token: 'feedfacefeedface' }),
  );
  const stale = doctor(codexHome, ['--json']);
  assert.equal(stale.status, 0, 'a stale lock is a warning, not a failure');
  const lock = byId(stale.report, 'lock');
  assert.deepEqual([lock.level, lock.fix], ['warn', 'codexguard maintain']);
  assert.match(lock.summary, new RegExp(`^stale: left by pid ${dead}, which is gone`));
  assert.ok(statSync(lockDir).isDirectory(), 'doctor did not take the lock over');

  rmSync(guard, { recursive: true });
  const held = await acquirePreflightLock(codexHome, 1_000);
  assert.ok(held.acquired);
  t.after(() => held.lock.release());
  const live = byId(doctor(codexHome, ['--json']).report, 'lock');
  assert.equal(live.level, 'ok');
  assert.equal(live.summary, `held by pid ${process.pid}: a pre-flight is running`);
});

test('a recent crash bundle is a warn pointing at its report, with count and size', (t) => {
  const codexHome = smallHome(t);
  const id = `${new Date(Date.now() - 3_600_000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-SIGTRAP-4242`;
  const bundle = join(codexHome, 'codexguard', 'crashes', id);
  mkdirSync(bundle, { recursive: true });
  writeFileSync(
    join(bundle, 'manifest.json'),
    JSON.stringify({ likelyCause: { id: 'wal-growth', title: 'SQLite WAL growth', confidence: 'high' } }),
  );
  writeFileSync(join(bundle, 'logs-tail.jsonl'), 'x'.repeat(10_000));
  const { status, report } = doctor(codexHome, ['--json']);
  assert.equal(status, 0);
  const crashes = byId(report, 'crashes');
  assert.equal(crashes.level, 'warn');
  assert.equal(crashes.fix, 'codexguard crashes report latest');
  assert.match(
    crashes.summary,
    new RegExp(
      `^codex crashed recently: 1 crash bundle, [0-9.]+ kB; newest ${id} \\(SIGTRAP, SQLite WAL growth, 60 min ago\\)`,
    ),
  );
  assert.ok((crashes.details?.bytes as number) > 10_000);
});

test('logs.dropLevels without its trigger warns (fix: maintain); once applied it is ok', (t) => {
  const codexHome = smallHome(t);
  const rc = join(root, `drop-${process.pid}.yaml`);
  writeFileSync(rc, 'logs:\n  dropLevels: [TRACE]\n');
  const missing = byId(doctor(codexHome, ['--json'], { CODEXGUARD_CONFIG: rc }).report, 'drop-levels');
  assert.deepEqual(
    [missing.level, missing.summary, missing.fix],
    ['warn', 'config drops TRACE rows, but logs_2.sqlite has no trigger', 'codexguard maintain'],
  );
  assert.equal(applyDropLevels(join(codexHome, 'logs_2.sqlite'), { levels: ['TRACE'] }).changed, true);
  const { status, report } = doctor(codexHome, ['--json'], { CODEXGUARD_CONFIG: rc });
  assert.equal(status, 0);
  assert.deepEqual(
    [byId(report, 'drop-levels').level, byId(report, 'drop-levels').summary],
    ['ok', 'logs_2.sqlite: drops TRACE rows on insert'],
  );
  const removed = byId(doctor(codexHome, ['--json']).report, 'drop-levels');
  assert.deepEqual(
    [removed.level, removed.summary],
    ['warn', 'logs.dropLevels and logs.filter are not set, but logs_2.sqlite drops TRACE rows'],
  );
});

// ---- pure judgments ----

const probe = (level: 'ok' | 'warn' | 'problem', text = 'fine', shell = 'bash', mode = 'interactive') => ({
  shell,
  mode,
  level,
  text,
});
const installed = { shells: ['bash'], linksDir: '/h/.local/share/codexguard/bin' };
const shimHere = { codex: '/h/.local/share/codexguard/bin/codex', isShim: true };

test('judgePath: install verdicts become ok / warn / fail with the fix taken from their advice', () => {
  const at = (f: Partial<PathFacts>) =>
    judgePath({ installed, probes: [probe('ok'), probe('ok', 'fine', 'bash', 'login')], current: shimHere, ...f });
  assert.equal(at({}).level, 'ok');
  const moved = at({
    probes: [
      probe('ok'),
      probe(
        'problem',
        '`codex` runs /usr/bin/codex, not the shim: something puts /usr/bin first; move the block below it',
        'bash',
        'login',
      ),
    ],
  });
  assert.deepEqual(
    [moved.level, moved.summary, moved.fix],
    [
      'fail',
      'bash (login): `codex` runs /usr/bin/codex, not the shim: something puts /usr/bin first',
      'move the block below it',
    ],
  );
  const two = at({ probes: [probe('warn', 'zsh is not on PATH, so it was not checked'), probe('warn', 'x; y')] });
  assert.deepEqual([two.level, two.fix], ['warn', 'codexguard install --shell bash']);
  assert.match(two.summary, /\(and 1 more shell start\)$/);
  assert.equal(at({ current: { codex: '/usr/bin/codex', isShim: false } }).level, 'warn');
  assert.deepEqual(
    [at({ installed: { error: 'bad record' } }).level, at({ installed: { error: 'bad record' } }).fix],
    ['fail', 'codexguard install'],
  );
  assert.equal(at({ installed: undefined, probes: [] }).level, 'ok', 'the shim first on PATH without install is fine');
  assert.equal(
    at({ installed: undefined, probes: [], current: { codex: undefined, isShim: false } }).summary,
    'the shim is not installed: there is no `codex` on this PATH',
  );
  assert.deepEqual(splitAdvice('no semicolon', 'fb'), { summary: 'no semicolon', fix: 'fb' });
});

test('judgeRealCodex: not found, a loop, no version, and the version named', () => {
  const resolved = {
    found: '/usr/bin/codex',
    file: '/usr/lib/codex/native',
    kind: 'npm-native' as const,
    source: 'PATH',
  };
  const missing = judgeRealCodex({
    resolved: {
      error: 'no real codex found on PATH (searched /usr/bin); install Codex or set CODEXGUARD_REAL_CODEX',
      code: 'E_NOT_FOUND',
    },
  });
  assert.deepEqual(
    [missing.level, missing.summary],
    ['fail', 'nothing behind the shim: no real codex found on PATH (searched /usr/bin)'],
  );
  assert.match(judgeRealCodex({ resolved: { error: 'loop', code: 'E_LOOP' } }).fix!, /codexPath/);
  const mute = judgeRealCodex({ resolved, version: { error: 'no answer within 5 s' } });
  assert.deepEqual([mute.level, mute.fix], ['warn', 'run `/usr/lib/codex/native --version` to see why']);
  const good = judgeRealCodex({ resolved, version: { text: 'codex-cli 0.169.0' } });
  assert.equal(good.level, 'ok');
  assert.equal(
    good.summary,
    "codex-cli 0.169.0 at /usr/bin/codex (the npm launcher's binary /usr/lib/codex/native, started directly)",
  );
  // Volta's shim (~/.volta/bin/codex links to volta-shim) reports codex's death by a signal as exit 1.
  const volta = judgeRealCodex({
    resolved: {
      found: '/Users/me/.volta/bin/codex',
      file: '/Users/me/.volta/bin/codex',
      kind: 'native',
      source: 'PATH',
      realpath: '/Users/me/.volta/bin/volta-shim',
    },
    version: { text: 'codex-cli 0.171.0' },
  });
  assert.equal(volta.level, 'warn');
  assert.match(volta.summary, /Volta's shim: it reports a crash of codex as exit 1/);
  assert.match(volta.fix!, /volta which codex/);
  // Seen through to Volta's package image: fine, and doctor says where the binary came from.
  const image = judgeRealCodex({
    resolved: {
      found: '/Users/me/.volta/bin/codex',
      file: '/Users/me/.volta/tools/image/packages/@openai/codex/lib/node_modules/@openai/codex-darwin-arm64/vendor/aarch64-apple-darwin/bin/codex',
      kind: 'npm-native',
      source: 'PATH',
      realpath:
        '/Users/me/.volta/tools/image/packages/@openai/codex/lib/node_modules/@openai/codex-darwin-arm64/vendor/aarch64-apple-darwin/bin/codex',
      volta: '/Users/me/.volta/tools/image/packages/@openai/codex/bin/codex',
    },
    version: { text: 'codex-cli 0.171.0' },
  });
  assert.equal(image.level, 'ok');
  assert.match(
    image.summary,
    /at \/Users\/me\/\.volta\/bin\/codex \(Volta's package image, the npm launcher's binary .*aarch64-apple-darwin\/bin\/codex, started directly\)/,
  );
});

test('judgeConfig: errors fail, warnings warn, a broken sqlite_home warns, valid files are listed', () => {
  const file = '/h/.codexguardrc';
  const err = judgeConfig({
    files: [{ level: 'user', path: file }],
    issues: [
      { severity: 'error', file, key: 'wal.maxSize', message: 'expected a size' },
      { severity: 'warning', file, message: 'ignored' },
    ],
    home: '/h',
  });
  assert.deepEqual(
    [err.level, err.summary, err.fix],
    [
      'fail',
      '~/.codexguardrc: wal.maxSize: expected a size [E_CONFIG] (and 1 more)',
      'edit wal.maxSize in ~/.codexguardrc; `codexguard config` lists every problem',
    ],
  );
  assert.equal(judgeConfig({ files: [], issues: [{ severity: 'warning', file, message: 'ignored' }] }).level, 'warn');
  assert.equal(judgeConfig({ files: [], issues: [], sqliteHomeWarning: 'cannot read sqlite_home' }).level, 'warn');
  assert.equal(
    judgeConfig({ files: [{ level: 'user', path: file }], issues: [], home: '/h' }).summary,
    '~/.codexguardrc (user): valid',
  );
});

test('judgeDbs: rotate and checkpoint due fail, leftovers and orphan WALs warn, quick_check results count', () => {
  const limits = { logMaxBytes: 100e6, walMaxBytes: 32e6, keepRows: 20000, keepDays: 14, archives: 3 };
  const db = (name: string, kind: 'log' | 'state', size: number, walSize = 0) => ({
    name,
    kind,
    exists: true,
    size,
    walSize,
    shmSize: 0,
    due: null,
  });
  const facts: DbFacts = {
    status: {
      limits,
      sqliteHome: { dir: '/c', source: 'codex-home' },
      dbs: [
        db('logs_2.sqlite', 'log', 150e6),
        db('state_5.sqlite', 'state', 1e6, 40e6),
        db('goals_1.sqlite', 'state', 1e5),
        { ...db('queue_1.sqlite', 'state', 0, 40e6), exists: false },
      ],
      due: [
        { action: 'recover', db: 'memories_1.sqlite', reason: 'an interrupted rotation left files behind' },
        { action: 'rotate', db: 'logs_2.sqlite', reason: '150.0 MB is over 100.0 MB' },
        { action: 'checkpoint', db: 'state_5.sqlite', reason: '-wal 40.0 MB is over 32.0 MB' },
        {
          action: 'orphan-wal',
          db: 'queue_1.sqlite',
          reason: 'queue_1.sqlite-wal is 40.0 MB but queue_1.sqlite is missing',
        },
      ],
    },
    deep: {
      'goals_1.sqlite': { result: 'corrupt', problems: ['Tree 3 page 4: btreeInitPage() returns error code 11', 'x'] },
      'logs_2.sqlite': { result: 'busy', message: 'database is locked' },
    },
  };
  const checks = judgeDbs(facts);
  const got = Object.fromEntries(checks.map((c) => [c.id, [c.level, c.fix]]));
  assert.deepEqual(got, {
    dbs: ['ok', undefined],
    'db:goals_1.sqlite': [
      'fail',
      'quit codex, copy /c/goals_1.sqlite (and its -wal, -shm) aside, then rebuild it with `sqlite3 /c/goals_1.sqlite .recover`',
    ],
    'db:logs_2.sqlite': ['fail', 'codexguard rotate'],
    'db:memories_1.sqlite': ['warn', 'codexguard maintain'],
    'db:queue_1.sqlite': ['warn', 'once no codex runs, move /c/queue_1.sqlite-wal aside (its main file is gone)'],
    'db:state_5.sqlite': ['fail', 'codexguard maintain'],
  });
  assert.equal(
    checks.find((c) => c.id === 'db:logs_2.sqlite')!.summary,
    '150.0 MB is over 100.0 MB (logs.maxSize); quick_check could not run: database is locked',
  );
  assert.equal(
    checks.find((c) => c.id === 'db:goals_1.sqlite')!.summary,
    'quick_check: Tree 3 page 4: btreeInitPage() returns error code 11 (and 1 more)',
  );
  assert.equal(checks[0]!.summary, '4 Codex databases in /c (from CODEX_HOME)');
});

test('judgeLock: free and live holders are ok; dead, stuck and stale holders warn', () => {
  const held = { state: 'held' as const, lockDir: '/l', idleMs: 1_000, staleMs: 15_000 };
  assert.equal(judgeLock({ state: 'free', lockDir: '/l' }).level, 'ok');
  assert.equal(judgeLock({ ...held, owner: { pid: 7, alive: true, foreign: false, heldMs: 2_000 } }).level, 'ok');
  const dead = judgeLock({ ...held, owner: { pid: 7, alive: false, foreign: false, heldMs: 2_000 } });
  assert.deepEqual([dead.level, dead.fix], ['warn', 'codexguard maintain']);
  const stuck = judgeLock({ ...held, owner: { pid: 7, alive: true, foreign: false, heldMs: STUCK_MS + 1 } });
  assert.deepEqual([stuck.level, stuck.fix], ['warn', 'kill 7']);
  assert.equal(judgeLock({ ...held, idleMs: 20_000 }).level, 'warn', 'no owner record, untouched past staleMs');
  assert.equal(
    judgeLock({ ...held, owner: { pid: 7, alive: true, foreign: true, heldMs: STUCK_MS + 1 } }).level,
    'ok',
    'a foreign holder that keeps its lock fresh',
  );
});

test('judgeSessions, judgeArchives, judgeCrashes: counts, sizes, an unreadable registry, a recent crash', () => {
  assert.equal(
    judgeSessions({ dir: '/s', sessions: [{ pid: 5, codexPid: 6, startedAt: 0 }] }).summary,
    '1 running: pid 5 (codex 6)',
  );
  assert.equal(judgeSessions({ dir: '/s', sessions: null }).level, 'warn');
  const archives = judgeArchives({
    archives: [
      { db: 'logs_2.sqlite', name: 'a.tgz', bytes: 3e6, compressed: true, date: '' },
      { db: 'logs_2.sqlite', name: 'b', bytes: 1e6, compressed: false, date: '' },
    ],
  });
  assert.equal(archives.summary, '2 archives, 4.0 MB; newest a.tgz');
  const now = Date.UTC(2026, 0, 2);
  const bundle = { id: 'B', signal: 'SIGTRAP', bytes: 2e6, pending: false };
  assert.equal(judgeCrashes({ dir: '/c', now, bundles: [] }).level, 'ok');
  assert.equal(
    judgeCrashes({ dir: '/c', now, bundles: [{ ...bundle, at: now - 2 * 86_400_000 }] }).summary,
    '1 crash bundle, 2.0 MB; newest B (SIGTRAP, 2 d ago)',
  );
  assert.equal(judgeCrashes({ dir: '/c', now, bundles: [{ ...bundle, at: now - 60_000 }] }).level, 'warn');
});

test('judgeSchedule and judgeDropLevels: not wired, missing, installed, drifted', () => {
  const now = Date.UTC(2026, 0, 1, 12);
  assert.equal(judgeSchedule(undefined).level, 'ok');
  const job = {
    kind: 'systemd',
    installed: true,
    files: ['/u/codexguard-maintain.timer'],
    problems: [],
    everyMs: 3_600_000,
    lastRun: new Date(now - 600_000).toISOString(),
  };
  assert.equal(judgeSchedule(job, now).summary, 'systemd runs `codexguard maintain` every 60 min; last run 10 min ago');
  const none = judgeSchedule({ ...job, installed: false, kind: null, files: [], everyMs: null, lastRun: null }, now);
  assert.deepEqual([none.level, none.fix], ['warn', 'codexguard schedule install']);
  const broken = judgeSchedule({ ...job, problems: ['timer not loaded', 'every 2h, config says 1h'] }, now);
  assert.deepEqual(
    [broken.level, broken.summary, broken.fix],
    ['warn', 'systemd job: timer not loaded; every 2h, config says 1h', 'codexguard schedule install'],
  );

  assert.equal(judgeDropLevels(undefined).level, 'ok');
  const want = (levels: string[], filter: string | null = null) => ({ levels, filter });
  const rule = (levels: string[], filter: string | null = null) => ({ levels, filter });
  assert.equal(
    judgeDropLevels({ wanted: want([]), dbs: [{ name: 'logs_2.sqlite', rule: undefined }] }).summary,
    'off (logs.dropLevels and logs.filter are not set)',
  );
  assert.equal(
    judgeDropLevels({
      wanted: want(['trace', 'DEBUG']),
      dbs: [{ name: 'logs_2.sqlite', rule: rule(['TRACE', 'DEBUG']) }],
    }).summary,
    'logs_2.sqlite: drops TRACE, DEBUG rows on insert',
  );
  const filtered = judgeDropLevels({
    wanted: want([], 'info,codex_otel=off'),
    dbs: [{ name: 'logs_2.sqlite', rule: rule([], 'info,codex_otel=off') }],
  });
  assert.equal(
    filtered.summary,
    'logs_2.sqlite: drops rows that logs.filter "info,codex_otel=off" does not keep on insert',
  );
  const stale = judgeDropLevels({ wanted: want([], 'warn'), dbs: [{ name: 'logs_2.sqlite', rule: rule([], 'info') }] });
  assert.deepEqual(
    [stale.level, stale.summary],
    [
      'warn',
      'config drops rows that logs.filter "warn" does not keep, but logs_2.sqlite drops rows that logs.filter "info" does not keep',
    ],
  );
  const missing = judgeDropLevels({ wanted: want(['TRACE']), dbs: [{ name: 'logs_2.sqlite', rule: undefined }] });
  assert.deepEqual(
    [missing.level, missing.summary, missing.fix],
    ['warn', 'config drops TRACE rows, but logs_2.sqlite has no trigger', 'codexguard maintain'],
  );
  assert.equal(
    judgeDropLevels({ wanted: want([]), dbs: [{ name: 'logs_2.sqlite', rule: rule(['DEBUG']) }] }).level,
    'warn',
    'a trigger left after the key was removed',
  );
  assert.match(
    judgeDropLevels({ wanted: want(['TRACE']), dbs: [{ name: 'logs_2.sqlite', rule: null }] }).summary,
    /a trigger of that name codexguard did not write/,
  );
  assert.match(
    judgeDropLevels({
      wanted: want(['TRACE']),
      dbs: [{ name: 'logs_2.sqlite', rule: undefined, error: 'file is not a database' }],
    }).summary,
    /cannot be checked \(file is not a database\)/,
  );
  const configError = judgeDropLevels({
    wanted: want([]),
    broken: true,
    dbs: [{ name: 'logs_2.sqlite', rule: rule([], 'info') }],
  });
  assert.deepEqual(
    [configError.level, configError.fix],
    ['warn', 'codexguard config'],
    'a config error leaves the trigger, and doctor says why',
  );
});

test('a report is ok unless a check fails; an error inside a check becomes its fail', async () => {
  const checks = await guarded('lock', () => {
    throw new Error('EACCES: permission denied\nstack');
  });
  assert.deepEqual(
    checks.map((c) => [c.id, c.level, c.summary]),
    [['lock', 'fail', 'could not check: EACCES: permission denied']],
  );
  assert.equal(buildReport(checks).ok, false);
  assert.equal(buildReport([{ id: 'x', level: 'warn', summary: 's', fix: 'f' }]).ok, true);
});

test('judgeDbs: a rotation deferred because Codex is in use is a warn whose fix works then; an idle daemon keeps `codexguard rotate`', () => {
  const limits = { logMaxBytes: 100e6, walMaxBytes: 32e6, keepRows: 20_000, keepDays: 14, archives: 3 };
  const db = {
    name: 'logs_2.sqlite',
    kind: 'log' as const,
    exists: true,
    size: 150e6,
    walSize: 0,
    shmSize: 0,
    due: 'rotate',
  };
  const facts = (due: DbFacts['status']['due']): DbFacts => ({
    status: { limits, sqliteHome: { dir: '/c', source: 'codex-home' }, dbs: [db], due },
  });
  const why = "Codex's app-server daemon (pid 4242) is in use: 1 client (pid 4250)";
  const [, deferred] = judgeDbs(
    facts([{ action: 'rotate', db: 'logs_2.sqlite', reason: '150.0 MB is over 100.0 MB', plan: 'defer', why }]),
  );
  assert.equal(deferred!.level, 'warn');
  assert.equal(deferred!.summary, `150.0 MB is over 100.0 MB (logs.maxSize); deferred, since ${why}`);
  assert.match(deferred!.fix!, /codexguard rotate --stop-daemon/);
  const [, idle] = judgeDbs(
    facts([{ action: 'rotate', db: 'logs_2.sqlite', reason: '150.0 MB is over 100.0 MB', plan: 'stop-daemon' }]),
  );
  assert.deepEqual([idle!.level, idle!.fix], ['fail', 'codexguard rotate']);
  assert.match(idle!.summary, /Codex's daemon is idle, so a rotation stops it and starts it again/);
});

test('doctor in an interactive bash on a real terminal, 10 times in a row: never stopped by the terminal (its shell probes have none)', {
  timeout: 240_000,
}, async (t) => {
  const codexHome = smallHome(t);
  const dir = tmp(t);
  const results = join(dir, 'results');
  // A HOME where the shim is installed for every shell, so each doctor probes bash -i, bash -l, zsh -i and fish -i at once.
  const user = join(dir, 'home');
  mkdirSync(user);
  writeFileSync(join(user, '.profile'), PROFILE);
  const installed = runSync(
    process.execPath,
    [CLI, 'install', '--shell', 'bash', 'zsh', 'fish', '--no-verify', '--no-schedule'],
    { env: cleanEnv({ HOME: user, SHELL: '/bin/bash', PATH: basePath() }), cwd: user },
  );
  assert.equal(installed.status, 0, installed.stdout + installed.stderr);
  // An interactive bash with job control, as a user types in it.
  const env = cleanEnv({
    HOME: user,
    SHELL: '/bin/bash',
    CODEX_HOME: codexHome,
    PATH: `${join(user, '.local', 'share', 'codexguard', 'bin')}:${basePath()}`,
    CG_REAL_DIR: realDir,
    PS1: '$ ',
  });
  const pane = inTmux(t, dir, ['bash', '--norc', '-i'], env);
  await pane.waitScreen(/\$ $/m);
  // Its report goes to the terminal, as when a user types it.
  pane.keys(
    `for i in 1 2 3 4 5 6 7 8 9 10; do ${sq(process.execPath)} ${sq(CLI)} doctor; echo "$?" >> ${sq(results)}.tmp; done; mv ${sq(results)}.tmp ${sq(results)}; exit`,
    'Enter',
  );
  const done = await pane.done(220_000);
  const statuses = readFileSync(results, 'utf8').trim().split('\n').map(Number);
  t.diagnostic(`statuses ${statuses.join(' ')}`);
  assert.equal(statuses.length, 10);
  assert.ok(
    statuses.every((s) => s === statuses[0] && s < 128),
    `statuses ${statuses.join(' ')} (149: stopped by SIGTTIN)`,
  );
  assert.doesNotMatch(pane.screen(), /Stopped/);
  assert.equal(done.status, 0);
});
