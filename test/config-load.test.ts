// Config from real files through the built CLI: where files are found, errors and exit codes, and a hostile cloned repo.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { loadConfig } from '../src/config/load.ts';
import { cleanEnv, CLI, runSync, tmp } from './helpers/index.ts';

interface Shown {
  ok: boolean;
  files: { path: string; level: string }[];
  config: Record<string, unknown>;
  sources: Record<string, string>;
  issues: { severity: string; key?: string; file: string; line: string }[];
}

/** A temp HOME with files (paths relative to it), and a cwd inside it. */
function home(t: TestContext, files: Record<string, string> = {}) {
  const root = tmp(t, 'cg-config-');
  const dir = join(root, 'home');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  mkdirSync(join(dir, 'src', 'repo', 'deep'), { recursive: true });
  return { root, home: dir, repo: join(dir, 'src', 'repo') };
}

/** Runs `codexguard config [--json]` from the built bin. */
function config(cwd: string, homeDir: string, extra: Record<string, string> = {}, json = true) {
  const r = runSync(process.execPath, [CLI, 'config', ...(json ? ['--json'] : [])], {
    cwd,
    env: cleanEnv({ HOME: homeDir, ...extra }),
  });
  return {
    status: r.status,
    stderr: r.stderr,
    stdout: r.stdout,
    shown: (json && r.stdout ? JSON.parse(r.stdout) : undefined) as Shown,
  };
}

test('no config file anywhere: every value is the default, no output on stderr, exit 0', (t) => {
  const h = home(t);
  const { status, stderr, shown } = config(join(h.repo, 'deep'), h.home);
  assert.equal(status, 0, stderr);
  assert.equal(stderr, '');
  assert.deepEqual(shown.files, []);
  assert.equal(shown.ok, true);
  assert.equal(shown.config['logs.maxSize'], 100_000_000);
  assert.ok(Object.values(shown.sources).every((s) => s === 'default'));
});

test('user YAML + project JSON: values, sources, a warning for a loosening value, exit 0', (t) => {
  const h = home(t, {
    '.codexguardrc':
      '# mine\nlogs:\n  maxSize: 200MB\n  keepRows: 5000\nwal:\n  maxSize: 50 MiB\nrestart: { mode: always }\n',
    'src/repo/.codexguardrc.json': JSON.stringify({
      logs: { maxSize: '150MB', keepRows: 9000 },
      restart: { mode: 'never' },
    }),
  });
  const { status, stderr, shown } = config(join(h.repo, 'deep'), h.home);
  assert.equal(status, 0, stderr);
  assert.deepEqual(shown.files, [
    { path: join(h.home, '.codexguardrc'), level: 'user' },
    { path: join(h.repo, '.codexguardrc.json'), level: 'project' },
  ]);
  assert.equal(shown.config['logs.maxSize'], 150_000_000);
  assert.equal(shown.sources['logs.maxSize'], join(h.repo, '.codexguardrc.json'));
  assert.equal(shown.config['logs.keepRows'], 5000);
  assert.equal(shown.sources['logs.keepRows'], join(h.home, '.codexguardrc'));
  assert.equal(shown.config['wal.maxSize'], 50 * 2 ** 20);
  assert.equal(shown.config['restart.mode'], 'never');
  assert.equal(
    stderr,
    'codexguard: ~/src/repo/.codexguardrc.json: logs.keepRows: ignored: 9000 is looser than 5000 from the user-level config; a project file may only tighten limits [W_CONFIG]\n',
  );
});

test('a bad value: one line naming file, key and form; that key falls back, the rest of the file applies; exit 1', (t) => {
  const h = home(t, { '.codexguardrc': 'logs:\n  maxSize: lots\n  keepDays: 7\n' });
  const { status, stderr, shown } = config(h.repo, h.home);
  assert.equal(status, 1);
  assert.equal(
    stderr,
    'codexguard: ~/.codexguardrc: logs.maxSize: expected a size like "100MB" or "50 MiB", got "lots" [E_CONFIG]\n',
  );
  assert.equal(shown.ok, false);
  assert.equal(shown.config['logs.maxSize'], 100_000_000);
  assert.equal(shown.config['logs.keepDays'], 7);
  assert.equal(shown.issues[0]!.line, stderr.trim());
  const table = config(h.repo, h.home, {}, false);
  assert.equal(table.status, 1);
  assert.match(table.stdout, /^logs\.keepDays +7 +~\/\.codexguardrc$/m);
  assert.match(table.stdout, /^logs\.maxSize +100MB +default$/m);
});

test('syntax errors: one line with the place, the whole file falls back', (t) => {
  const yaml = home(t, { '.codexguardrc.yaml': 'logs:\n  maxSize: 1MB\n   keepRows: [\n' });
  const y = config(yaml.repo, yaml.home);
  assert.equal(y.status, 1);
  assert.match(
    y.stderr,
    /^codexguard: ~\/\.codexguardrc\.yaml: not valid YAML: .+ \(\d+:\d+\); using the defaults \[E_CONFIG\]\n$/,
  );
  assert.equal(y.shown.config['logs.maxSize'], 100_000_000);
  const json = home(t, { '.codexguardrc.json': '{"logs": {"maxSize": "1MB",}}' });
  const j = config(json.repo, json.home);
  assert.equal(j.status, 1);
  assert.match(
    j.stderr,
    /^codexguard: ~\/\.codexguardrc\.json: not valid JSON: .+; using the defaults \[E_CONFIG\]\n$/,
  );
});

test('XDG_CONFIG_HOME/codexguard/config.yaml is user-level; ~/.codexguardrc shadows it with a warning', (t) => {
  const h = home(t, { 'xdg/codexguard/config.yaml': 'logs: {keepDays: 3}\n' });
  const xdg = join(h.home, 'xdg');
  const only = config(h.repo, h.home, { XDG_CONFIG_HOME: xdg });
  assert.equal(only.status, 0, only.stderr);
  assert.equal(only.shown.config['logs.keepDays'], 3);
  assert.deepEqual(
    only.shown.files.map((f) => f.level),
    ['user'],
  );
  const dflt = home(t, { '.config/codexguard/config.json': '{"logs": {"keepDays": 4}}' });
  assert.equal(
    config(dflt.repo, dflt.home).shown.config['logs.keepDays'],
    4,
    '~/.config when XDG_CONFIG_HOME is unset',
  );
  writeFileSync(join(h.home, '.codexguardrc.yml'), 'logs: {keepDays: 5}\n');
  const both = config(h.repo, h.home, { XDG_CONFIG_HOME: xdg });
  assert.equal(both.shown.config['logs.keepDays'], 5);
  assert.equal(
    both.stderr,
    `codexguard: ~/xdg/codexguard/config.yaml: ignored: ${join(h.home, '.codexguardrc.yml')} is read instead (only one user-level file is used) [W_CONFIG]\n`,
  );
});

test('$CODEXGUARD_CONFIG replaces the user-level search; a missing or JS file is an error, never run', (t) => {
  const h = home(t, { '.codexguardrc': 'logs: {keepDays: 5}\n', 'etc/cg.yml': 'logs: {keepDays: 2}\n' });
  const set = config(h.repo, h.home, { CODEXGUARD_CONFIG: join(h.home, 'etc/cg.yml') });
  assert.equal(set.shown.config['logs.keepDays'], 2);
  assert.deepEqual(set.shown.files, [{ path: join(h.home, 'etc/cg.yml'), level: 'user' }]);
  const missing = config(h.repo, h.home, { CODEXGUARD_CONFIG: join(h.home, 'nope.json') });
  assert.equal(missing.status, 1);
  assert.equal(
    missing.stderr,
    'codexguard: ~/nope.json: not found (named by $CODEXGUARD_CONFIG); using the defaults [E_CONFIG]\n',
  );
  assert.equal(missing.shown.config['logs.keepDays'], 14);
  const marker = join(h.root, 'RAN');
  writeFileSync(
    join(h.home, 'cg.cjs'),
    `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); module.exports = { logs: { keepDays: 1 } };`,
  );
  const js = config(h.repo, h.home, { CODEXGUARD_CONFIG: join(h.home, 'cg.cjs') });
  assert.equal(js.status, 1);
  assert.match(
    js.stderr,
    /cg\.cjs: JS\/TS config files are never loaded: use JSON or YAML; using the defaults \[E_CONFIG\]/,
  );
  assert.equal(existsSync(marker), false);
});

test('a file at HOME is user-level only, even when cwd is HOME or reached through a symlinked HOME', (t) => {
  const h = home(t, { '.codexguardrc': 'logs: {keepDays: 5}\n' });
  for (const cwd of [h.home, h.repo]) {
    const { shown } = config(cwd, h.home);
    assert.deepEqual(
      shown.files.map((f) => f.level),
      ['user'],
      cwd,
    );
  }
  const link = join(h.root, 'home-link');
  symlinkSync(h.home, link);
  const viaLink = config(h.repo, link);
  assert.deepEqual(viaLink.shown.files, [{ path: join(link, '.codexguardrc'), level: 'user' }]);
});

/** Every place cosmiconfig (or a careless loader) would run code from, each writing a marker file if it ever runs. */
function plantCode(dir: string, markers: string): string[] {
  const planted = [
    '.codexguardrc.js',
    '.codexguardrc.cjs',
    '.codexguardrc.mjs',
    '.codexguardrc.ts',
    'codexguard.config.js',
    'codexguard.config.cjs',
    'codexguard.config.mjs',
    'codexguard.config.ts',
    '.config/codexguardrc.js',
    '.config/codexguardrc.cjs',
    '.config/config.js',
    '.config/config.cjs',
    '.config/config.mjs',
    '.config/config.ts',
  ];
  mkdirSync(join(dir, '.config'), { recursive: true });
  for (const name of planted) {
    const marker = JSON.stringify(join(markers, name.replace(/\//g, '_')));
    const code =
      name.endsWith('.mjs') || name.endsWith('.ts')
        ? `import { writeFileSync } from 'node:fs'; writeFileSync(${marker}, 'x'); export default { codexPath: '/evil' };`
        : `require('fs').writeFileSync(${marker}, 'x'); module.exports = { codexPath: '/evil' };`;
    writeFileSync(join(dir, name), code);
  }
  // package.json / package.yaml: a "codexguard" key, and cosmiconfig's meta-config pointing at the JS files.
  const pkg = {
    name: 'evil',
    codexguard: { codexPath: '/evil', logs: { maxSize: '1TB' } },
    cosmiconfig: { searchPlaces: ['.codexguardrc.cjs', '.config/config.cjs'] },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  writeFileSync(join(dir, 'package.yaml'), 'codexguard:\n  codexPath: /evil\n');
  return planted;
}

test('a cloned repo with JS/TS configs, package.json keys and cosmiconfig meta-config: nothing runs, nothing is read', async (t) => {
  const h = home(t);
  const markers = join(h.root, 'markers');
  mkdirSync(markers);
  plantCode(h.repo, markers);
  for (const cwd of [h.repo, join(h.repo, 'deep')]) {
    const { status, stderr, shown } = config(cwd, h.home);
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '');
    assert.deepEqual(shown.files, []);
    assert.equal(shown.config.codexPath, null);
  }
  const direct = await loadConfig({ cwd: h.repo, env: { HOME: h.home }, home: h.home });
  assert.deepEqual(direct.files, []);
  await new Promise((r) => setTimeout(r, 200)); // an async import() would have run by now
  assert.deepEqual(existsSync(markers) && (await import('node:fs')).readdirSync(markers), []);
});

test('a hostile project .codexguardrc: program and directory keys and loosening values are ignored with warnings', (t) => {
  const h = home(t, {
    '.codexguardrc': 'logs: {keepRows: 5000}\n',
    'src/repo/.codexguardrc': [
      'codexPath: /tmp/evil/codex',
      'crash: {dir: /tmp/evil}',
      'logs:',
      '  maxSize: 10GB',
      '  keepRows: 100000',
      '  keepDays: 2',
      'restart: {mode: always, maxRestarts: 100}',
      'lock: {timeout: 1d}',
      '',
    ].join('\n'),
  });
  const { status, stderr, shown } = config(join(h.repo, 'deep'), h.home);
  assert.equal(status, 0, stderr);
  assert.equal(shown.config.codexPath, null);
  assert.equal(shown.config['crash.dir'], null);
  assert.equal(shown.config['logs.maxSize'], 100_000_000);
  assert.equal(shown.config['logs.keepRows'], 5000);
  assert.equal(shown.config['restart.mode'], 'ask');
  assert.equal(shown.config['restart.maxRestarts'], 3);
  assert.equal(shown.config['lock.timeout'], 10_000);
  assert.equal(shown.config['logs.keepDays'], 2, 'tightening applies');
  assert.equal(shown.sources['logs.keepDays'], join(h.repo, '.codexguardrc'));
  const warned = shown.issues.map((i) => i.key).sort();
  assert.deepEqual(warned, [
    'codexPath',
    'crash.dir',
    'lock.timeout',
    'logs.keepRows',
    'logs.maxSize',
    'restart.maxRestarts',
    'restart.mode',
  ]);
  assert.ok(shown.issues.every((i) => i.severity === 'warning'));
  assert.equal(stderr.trim().split('\n').length, 7);
});

test('YAML with JS tags or $import is refused or rejected, never followed', (t) => {
  const marker = join(tmp(t), 'RAN');
  const h = home(t, {
    '.codexguardrc': `logs:\n  maxSize: !!js/function "function () { require('fs').writeFileSync('${marker}', 'x') }"\n`,
    'src/repo/.codexguardrc.yml': `$import: ${join('..', '..', '.codexguardrc')}\nlogs: {keepDays: 1}\n`,
  });
  const { status, stderr, shown } = config(h.repo, h.home);
  assert.equal(status, 1);
  assert.match(stderr, /~\/\.codexguardrc: not valid YAML: unknown tag/);
  assert.match(stderr, /~\/src\/repo\/\.codexguardrc\.yml: \$import: unknown key \[E_CONFIG\]/);
  assert.equal(shown.config['logs.keepDays'], 1);
  assert.equal(existsSync(marker), false);
});

test('an oversized file is refused unread', (t) => {
  const h = home(t, { '.codexguardrc.json': `{"logs": {"keepDays": 3}, "pad": "${'x'.repeat(70 * 1024)}"}` });
  const { status, stderr, shown } = config(h.repo, h.home);
  assert.equal(status, 1);
  assert.equal(stderr, 'codexguard: ~/.codexguardrc.json: is larger than 64 KiB; using the defaults [E_CONFIG]\n');
  assert.equal(shown.config['logs.keepDays'], 14);
});

test('a deleted cwd: the user-level file still applies, no project file, no crash', (t) => {
  const h = home(t, { '.codexguardrc': 'logs: {keepDays: 5}\n' });
  const script = `mkdir gone && cd gone && rmdir ../gone && exec "${process.execPath}" "${CLI}" config --json`;
  const r = runSync('/bin/sh', ['-c', script], { cwd: h.repo, env: cleanEnv({ HOME: h.home }) });
  assert.equal(r.status, 0, r.stderr);
  const shown = JSON.parse(r.stdout) as Shown;
  assert.equal(shown.config['logs.keepDays'], 5);
  assert.deepEqual(
    shown.files.map((f) => f.level),
    ['user'],
  );
});
