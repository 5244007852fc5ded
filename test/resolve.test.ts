// Finding the real codex: PATH order, skipping the shim, never the cwd, overrides, loops, and the npm launcher.
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, linkSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PINNED_CODEX_VERSION } from './helpers/codex-home.ts';
import {
  bunGlobal,
  LAUNCHER_VERSIONS,
  LAUNCHERS_DIR,
  npmGlobal,
  pnpmGlobal,
  voltaGlobal,
} from './helpers/launcher-tree.ts';
import {
  CODEX_BIN_DIR,
  cleanEnv,
  fakeCodex,
  linkShim,
  NODE_BIN_DIR,
  readRecord,
  REAL_LAUNCHER,
  REPO,
  runSync,
  SHIM,
  tmp,
} from './helpers/index.ts';
import { pathEntries, walkPath } from '../src/resolve/path-walk.ts';
import { launcherRules, managedEnv } from '../src/resolve/npm-launcher.ts';

test('pathEntries keeps absolute entries in order, once, and drops empty and relative ones', () => {
  assert.deepEqual(pathEntries('/a::.:/b:bin:/a:/c/:'), ['/a', '/b', '/c/']);
  assert.deepEqual(pathEntries(undefined), []);
});

test('walkPath skips the shim (by realpath), non-executables and directories', (t) => {
  const root = tmp(t);
  const shimLink = linkShim(join(root, 's1'));
  linkShim(join(root, 's2'));
  mkdirSync(join(root, 'dir', 'codex'), { recursive: true });
  mkdirSync(join(root, 'noexec'));
  writeFileSync(join(root, 'noexec', 'codex'), '#!/bin/sh\n');
  const real = fakeCodex(join(root, 'real'));
  const PATH = ['s1', 's2', 'dir', 'noexec', 'real'].map((d) => join(root, d)).join(':');
  const walk = walkPath('codex', PATH, new Set([realpathSync(shimLink)]));
  assert.equal(walk.found?.path, real);
  assert.equal(walk.searched.length, 5);
});

test('launcherRules: the launcher generations at their published boundaries (0.144 adds pnpm, 0.153 vite-plus); unknown is newest', () => {
  const detects = (v: string | undefined) => launcherRules(v).detects.join(' ');
  assert.deepEqual(
    ['0.141.0', '0.143.0', '0.144.0', '0.152.1', '0.153.0', '0.171.0', '1.0.0-alpha.2', undefined, 'garbage'].map(
      detects,
    ),
    [
      'bun npm',
      'bun npm',
      'pnpm bun npm',
      'pnpm bun npm',
      'vite-plus pnpm bun npm',
      'vite-plus pnpm bun npm',
      'vite-plus pnpm bun npm',
      'vite-plus pnpm bun npm',
      'vite-plus pnpm bun npm',
    ],
  );
  assert.deepEqual(launcherRules('0.141.0').clears, []);
  assert.deepEqual(managedEnv({ CODEX_MANAGED_BY_PNPM: '1' }, '/pkg', 'npm', launcherRules('0.141.0')), {
    CODEX_MANAGED_BY_PNPM: '1',
    CODEX_MANAGED_BY_NPM: '1',
    CODEX_MANAGED_PACKAGE_ROOT: '/pkg',
  });
});

test('managedEnv sets the package root and exactly one CODEX_MANAGED_BY_* flag', () => {
  const env = managedEnv({ CODEX_MANAGED_BY_BUN: '1', KEEP: 'x' }, '/pkg', 'npm');
  assert.equal(env.CODEX_MANAGED_PACKAGE_ROOT, '/pkg');
  assert.equal(env.CODEX_MANAGED_BY_NPM, '1');
  assert.equal(env.CODEX_MANAGED_BY_BUN, undefined);
  assert.equal(env.KEEP, 'x');
});

function shimIn(t: Parameters<typeof tmp>[0]) {
  const root = tmp(t);
  const record = join(root, 'record.json');
  return {
    root,
    record,
    env: (PATH: string, extra: Record<string, string | undefined> = {}) =>
      cleanEnv({ PATH, CODEX_HOME: join(root, 'home'), FAKE_CODEX_RECORD: record, ...extra }),
  };
}

test('a PATH with the shim twice, ".", empty and relative entries, and a codex planted in the cwd: the real one runs', (t) => {
  const { root, record, env } = shimIn(t);
  const s1 = join(root, 'shim1');
  const s2 = join(root, 'shim2');
  const shim = linkShim(s1);
  linkShim(s2);
  const cwd = join(root, 'cloned-repo');
  const planted = fakeCodex(cwd);
  fakeCodex(join(cwd, 'bin'));
  const real = fakeCodex(join(root, 'real'));
  const PATH = ['', s1, '.', s2, '', 'bin', './bin', join(root, 'real'), NODE_BIN_DIR].join(':');
  const r = runSync(shim, ['x'], { env: env(PATH), cwd });
  assert.equal(r.status, 0, r.stderr);
  const rec = readRecord(record);
  assert.equal(rec.self, real);
  assert.notEqual(rec.self, planted);
});

test('the shim under another name of the same file (a hard link; on APFS, another spelling of its case) is skipped as itself', (t) => {
  const { root, record, env } = shimIn(t);
  // A copy of the package, so that its bin file can be hard-linked within one file system.
  const pkg = join(root, 'pkg');
  cpSync(join(REPO, 'bin'), join(pkg, 'bin'), { recursive: true });
  cpSync(join(REPO, 'dist'), join(pkg, 'dist'), { recursive: true });
  const s1 = join(root, 's1');
  const s2 = join(root, 's2');
  mkdirSync(s1);
  mkdirSync(s2);
  symlinkSync(join(pkg, 'bin', 'codex.js'), join(s1, 'codex'));
  linkSync(join(pkg, 'bin', 'codex.js'), join(s2, 'codex'));
  const real = fakeCodex(join(root, 'real'));
  const r = runSync(join(s1, 'codex'), ['x'], { env: env([s1, s2, join(root, 'real'), NODE_BIN_DIR].join(':')) });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readRecord(record).self, real);
});

test('no real codex anywhere: one line saying what was searched, exit 127', (t) => {
  const { root, env } = shimIn(t);
  const shimDir = join(root, 'shim');
  const shim = linkShim(shimDir);
  const r = runSync(shim, [], { env: env([shimDir, NODE_BIN_DIR, '.'].join(':')) });
  assert.equal(r.status, 127);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(
    r.stderr,
    /^codexguard: no real codex found on PATH \(searched .*shim:\/usr\/bin\).*CODEXGUARD_REAL_CODEX.*\[E_NOT_FOUND\]$/m,
  );
});

test('CODEXGUARD_REAL_CODEX wins over PATH; a bad value is one line and 126', (t) => {
  const { root, record, env } = shimIn(t);
  const shimDir = join(root, 'shim');
  const shim = linkShim(shimDir);
  fakeCodex(join(root, 'on-path'));
  const chosen = fakeCodex(join(root, 'elsewhere'), 'my-codex');
  const PATH = [shimDir, join(root, 'on-path'), NODE_BIN_DIR].join(':');
  assert.equal(runSync(shim, [], { env: env(PATH, { CODEXGUARD_REAL_CODEX: chosen }) }).status, 0);
  assert.equal(readRecord(record).self, chosen);
  const missing = runSync(shim, [], { env: env(PATH, { CODEXGUARD_REAL_CODEX: join(root, 'nope') }) });
  assert.equal(missing.status, 126);
  assert.match(
    missing.stderr,
    /CODEXGUARD_REAL_CODEX points at .*nope, which is not an executable file \[E_NOT_EXECUTABLE\]/,
  );
  const self = runSync(shim, [], { env: env(PATH, { CODEXGUARD_REAL_CODEX: shim }) });
  assert.equal(self.status, 126);
  assert.match(self.stderr, /\[E_LOOP\]/);
});

test('a loop through a wrapper that calls the shim again stops with one line and 126', (t) => {
  const { root, env } = shimIn(t);
  const shimDir = join(root, 'shim');
  const shim = linkShim(shimDir);
  const wrapperDir = join(root, 'wrapper');
  mkdirSync(wrapperDir);
  // A "real codex" that is really a script going back to the shim: the classic loop.
  writeFileSync(join(wrapperDir, 'codex'), `#!/bin/sh\nexec "${shim}" "$@"\n`);
  chmodSync(join(wrapperDir, 'codex'), 0o755);
  const r = runSync(shim, [], { env: env([shimDir, wrapperDir, NODE_BIN_DIR].join(':')), timeout: 30_000 });
  assert.equal(r.status, 126, r.stderr);
  assert.match(r.stderr, /shims are nested \(CODEXGUARD_SHIM\); stopping a loop.*\[E_LOOP\]/);
});

test('inside a Codex session (CODEX_THREAD_ID) or under another shim, codex passes straight through to the real one', (t) => {
  const { root, record, env } = shimIn(t);
  const shimDir = join(root, 'shim');
  const shim = linkShim(shimDir);
  const real = fakeCodex(join(root, 'real'));
  const PATH = [shimDir, join(root, 'real'), NODE_BIN_DIR].join(':');
  for (const extra of [{ CODEX_THREAD_ID: 'thread-1' }, { CODEXGUARD_SHIM: realpathSync(SHIM) }]) {
    const r = runSync(shim, ['nested'], { env: env(PATH, extra) });
    assert.equal(r.status, 0, r.stderr);
    const rec = readRecord(record);
    assert.equal(rec.self, real);
    assert.ok(rec.env.CODEXGUARD_SHIM?.split(':').includes(realpathSync(SHIM)), 'the marker is set on the child');
  }
});

for (const [name, build, manager] of [
  ['npm global', (root: string) => npmGlobal(join(root, 'prefix')), 'CODEX_MANAGED_BY_NPM'],
  ['bun global', (root: string) => bunGlobal(join(root, 'home')), 'CODEX_MANAGED_BY_BUN'],
  ['pnpm global', (root: string) => pnpmGlobal(join(root, 'pnpm')), 'CODEX_MANAGED_BY_PNPM'],
] as const) {
  test(`the official launcher (${name}) is skipped: its native binary starts directly, with the launcher's env`, (t) => {
    const { root, record, env } = shimIn(t);
    const shimDir = join(root, 'shim');
    const shim = linkShim(shimDir);
    const tree = build(root);
    const r = runSync(shim, ['--version'], {
      env: env([shimDir, tree.binDir, NODE_BIN_DIR].join(':'), {
        CODEX_MANAGED_BY_BUN: name === 'bun global' ? '' : '1',
      }),
    });
    assert.equal(r.status, 0, r.stderr);
    const rec = readRecord(record);
    assert.equal(rec.self, realpathSync(tree.native!));
    assert.deepEqual(rec.argv, ['--version']);
    assert.equal(rec.env.CODEX_MANAGED_PACKAGE_ROOT, realpathSync(tree.packageRoot));
    assert.equal(rec.env[manager], '1');
    const flags = Object.keys(rec.env).filter((k) => k.startsWith('CODEX_MANAGED_BY_'));
    assert.deepEqual(flags, [manager]);
  });
}

for (const version of LAUNCHER_VERSIONS) {
  test(`the native binary gets exactly the env that the real ${version} launcher gives it, in every layout, with flags inherited or not`, (t) => {
    const { root, record, env } = shimIn(t);
    const shimDir = join(root, 'shim');
    const shim = linkShim(shimDir);
    const launcher = join(LAUNCHERS_DIR, version, 'codex.js');
    const layouts = {
      npm: npmGlobal(join(root, 'npm'), true, { version, launcher }),
      bun: bunGlobal(join(root, 'bun'), { version, launcher }),
      pnpm: pnpmGlobal(join(root, 'pnpm'), { version, launcher }),
    };
    const managed = (e: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(e)
          .filter(([k]) => k.startsWith('CODEX_MANAGED_'))
          .sort(),
      );
    const seen: Record<string, Record<string, string>> = {};
    for (const [layout, tree] of Object.entries(layouts)) {
      for (const inherited of [
        {},
        { CODEX_MANAGED_BY_PNPM: '1', CODEX_MANAGED_BY_VITE_PLUS: '1', CODEX_MANAGED_BY_NPM: '1' },
      ]) {
        // PWD as the user's shell sets it (pnpm's sh wrapper would set it otherwise).
        const e = env([shimDir, tree.binDir, NODE_BIN_DIR].join(':'), { PWD: process.cwd(), ...inherited });
        const direct = runSync(join(tree.binDir, 'codex'), ['x'], { env: e });
        assert.equal(direct.status, 0, direct.stderr);
        const byLauncher = readRecord(record);
        assert.equal(byLauncher.self, realpathSync(tree.native!), 'the real launcher ran the fake native binary');
        const viaShim = runSync(shim, ['x'], { env: e });
        assert.equal(viaShim.status, 0, viaShim.stderr);
        const byShim = readRecord(record);
        assert.equal(byShim.self, byLauncher.self);
        const { CODEXGUARD_SHIM: marker, ...shimEnv } = byShim.env;
        assert.ok(marker, 'the shim adds only its recursion marker');
        assert.deepEqual(shimEnv, byLauncher.env, `${layout}, inherited ${JSON.stringify(inherited)}`);
        seen[`${layout} ${Object.keys(inherited).length ? 'inherited' : 'clean'}`] = managed(byShim.env);
      }
    }
    // What the launchers themselves do differ by version (a change in a new launcher shows here first).
    const flags = (k: string) =>
      Object.keys(seen[k]!)
        .filter((n) => n.startsWith('CODEX_MANAGED_BY_'))
        .sort()
        .join(' ');
    const old = version < '0.144.0';
    assert.equal(flags('pnpm clean'), old ? 'CODEX_MANAGED_BY_NPM' : 'CODEX_MANAGED_BY_PNPM');
    assert.equal(
      flags('bun inherited'),
      old
        ? 'CODEX_MANAGED_BY_BUN CODEX_MANAGED_BY_NPM CODEX_MANAGED_BY_PNPM CODEX_MANAGED_BY_VITE_PLUS'
        : version < '0.153.0'
          ? 'CODEX_MANAGED_BY_BUN CODEX_MANAGED_BY_VITE_PLUS'
          : 'CODEX_MANAGED_BY_BUN',
    );
  });
}

/** The shim first on PATH, then a Volta install whose codex is a package image (test/helpers/launcher-tree.ts). */
function voltaWorld(t: Parameters<typeof shimIn>[0]) {
  const w = shimIn(t);
  const shimDir = join(w.root, 'shim');
  const volta = voltaGlobal(join(w.root, '.volta'));
  return { ...w, shimDir, shim: linkShim(shimDir), volta, PATH: [shimDir, volta.binDir, NODE_BIN_DIR].join(':') };
}

test("Volta's shim is seen through to the package image's native binary, so a crash of codex is seen as a crash", (t) => {
  const { root, record, env, shim, volta, PATH } = voltaWorld(t);
  const direct = runSync(join(volta.binDir, 'codex'), [], { env: env(PATH, { FAKE_CODEX_SIGNAL: 'SIGSEGV' }) });
  assert.equal(direct.status, 1, "the stand-in reports codex's SIGSEGV as exit 1, as Volta's shim does");
  // Run outside this repository: it has codex in its own node_modules/.bin, and there Volta runs that one.
  const r = runSync(shim, ['--version'], { env: env(PATH), cwd: root });
  assert.equal(r.status, 0, r.stderr);
  const rec = readRecord(record);
  assert.equal(rec.self, realpathSync(volta.native!));
  assert.equal(rec.env.VOLTA_SHIM_RAN, undefined, "Volta's shim did not run");
  assert.equal(rec.env.CODEX_MANAGED_BY_NPM, '1');
  assert.equal(rec.env.CODEX_MANAGED_PACKAGE_ROOT, realpathSync(volta.packageRoot));
  const crash = runSync(shim, [], { env: env(PATH, { FAKE_CODEX_SIGNAL: 'SIGSEGV' }), cwd: root });
  assert.equal(crash.signal, 'SIGSEGV', `the shim dies of codex's signal (status ${crash.status}, ${crash.stderr})`);
  assert.match(crash.stderr, /SIGSEGV/);
});

test("Volta's shim stays in charge where Volta would not run the package image: a project's own codex, another package's bin", (t) => {
  const { root, record, env, shimDir, shim, volta, PATH } = voltaWorld(t);
  const project = join(root, 'project');
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(project, 'package.json'), '{"devDependencies":{"@openai/codex":"*"}}');
  symlinkSync(volta.launcher, join(project, 'node_modules', '.bin', 'codex'));
  mkdirSync(join(project, 'src'));
  assert.equal(runSync(shim, ['a'], { env: env(PATH), cwd: join(project, 'src') }).status, 0);
  assert.equal(readRecord(record).env.VOLTA_SHIM_RAN, '1', "in a project with its own codex, Volta's shim decides");
  const other = voltaGlobal(join(root, 'other-volta'), {
    binConfig: {
      name: 'codex',
      package: 'codex-wrapper',
      version: '1.0.0',
      platform: { node: '22.12.0' },
      manager: 'Npm',
    },
  });
  assert.equal(
    runSync(shim, ['a'], { env: env([shimDir, other.binDir, NODE_BIN_DIR].join(':')), cwd: root }).status,
    0,
  );
  assert.equal(
    readRecord(record).env.VOLTA_SHIM_RAN,
    '1',
    'a codex Volta installed from another package is left alone',
  );
});

test('a launcher whose platform package is missing is run as it is', (t) => {
  const { root, record, env } = shimIn(t);
  const shimDir = join(root, 'shim');
  const shim = linkShim(shimDir);
  const tree = npmGlobal(join(root, 'prefix'), false);
  const r = runSync(shim, ['a'], { env: env([shimDir, tree.binDir, NODE_BIN_DIR].join(':')) });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readRecord(record).self, realpathSync(tree.launcher));
});

test('the real pinned codex answers --version and --help through the shim exactly as it does directly', (t) => {
  const { root, env } = shimIn(t);
  const shimDir = join(root, 'shim');
  const shim = linkShim(shimDir);
  const npmBin = CODEX_BIN_DIR;
  assert.ok(existsSync(REAL_LAUNCHER));
  const PATH = [shimDir, npmBin, NODE_BIN_DIR].join(':');
  for (const args of [['--version'], ['--help']]) {
    const viaShim = runSync(shim, args, { env: env(PATH) });
    const direct = runSync(join(npmBin, 'codex'), args, { env: env(PATH) });
    assert.equal(viaShim.status, 0, viaShim.stderr);
    assert.equal(viaShim.stdout, direct.stdout);
    assert.equal(viaShim.stderr, direct.stderr);
  }
  assert.equal(runSync(shim, ['--version'], { env: env(PATH) }).stdout.trim(), `codex-cli ${PINNED_CODEX_VERSION}`);
});
