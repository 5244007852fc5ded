// Config, pure parts: every key's bad forms, unknown keys, tighten-only project values, user-only keys, discovery order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectDirs, userCandidates } from '../src/config/discover.ts';
import { formatDuration, formatSize, formatValue } from '../src/config/format.ts';
import { formatIssue, hasErrors } from '../src/config/issues.ts';
import { defaults, KEY_NAMES, KEYS, type Config, type Key } from '../src/config/keys.ts';
import { looser, merge } from '../src/config/merge.ts';
import { validate } from '../src/config/validate.ts';

const HOME = '/home/u';
const USER = '/home/u/.codexguardrc';
const PROJECT = '/home/u/src/repo/.codexguardrc';

/** Validates `{ section: { leaf: value } }` (or a top-level key) and returns the one key's value and issue messages. */
function one(key: Key, value: unknown) {
  const [section, leaf] = key.split('.') as [string, string | undefined];
  const raw = leaf === undefined ? { [section]: value } : { [section]: { [leaf]: value } };
  const { values, issues } = validate(raw, USER, HOME);
  return { value: values[key], issues: issues.map((i) => formatIssue(i, HOME)) };
}

test('good forms of every key type parse to bytes, ms, normalised names and absolute paths', () => {
  const cases: [Key, unknown, unknown][] = [
    ['logs.maxSize', '200MB', 200_000_000],
    ['logs.maxSize', '50 MiB', 50 * 2 ** 20],
    ['logs.maxSize', 1234, 1234],
    ['logs.maxSize', '1024', 1024],
    ['wal.maxSize', '1.5GB', 1_500_000_000],
    ['lock.timeout', '10s', 10_000],
    ['lock.timeout', '0s', 0],
    ['restart.window', '1h', 3_600_000],
    ['schedule.every', '14d', 14 * 86_400_000],
    ['logs.keepRows', 0, 0],
    ['logs.keepDays', 30, 30],
    ['logs.compress', false, false],
    ['restart.mode', 'Never', 'never'],
    ['daemon.restart', 'Never', 'never'],
    ['wal.watchEvery', '5s', 5_000],
    ['crash.signals', ['trap', 'SIGSEGV', 'SIGTRAP', 'fpe'], ['SIGTRAP', 'SIGSEGV', 'SIGFPE']],
    ['logs.dropLevels', ['trace', 'DEBUG'], ['TRACE', 'DEBUG']],
    [
      'logs.filter',
      ' INFO, codex_core::session=Debug,codex_otel=off,',
      'info,codex_core::session=debug,codex_otel=off',
    ],
    ['codexPath', '~/bin/codex', '/home/u/bin/codex'],
    ['crash.dir', '/var/tmp/../crashes/', '/var/crashes/'],
  ];
  for (const [key, input, expected] of cases) {
    const { value, issues } = one(key, input);
    assert.deepEqual(issues, [], `${key} = ${JSON.stringify(input)}`);
    assert.deepEqual(value, expected, `${key} = ${JSON.stringify(input)}`);
  }
});

test('every key has bad forms that are one error line naming the file, the dotted key and the expected form', () => {
  const bad: Record<Key, unknown[]> = {
    'logs.maxSize': ['lots', '-5MB', '5 M', true, [], {}],
    'logs.keepRows': ['20000', 1.5, -1, null],
    'logs.keepDays': ['14d', -3],
    'logs.archives': [true, 2.5],
    'logs.compress': ['yes', 1],
    'logs.dropLevels': ['TRACE', ['WARN'], ['TRACE', 1]],
    'logs.filter': [
      '',
      'info,codex_core=verbose',
      "codex'; DROP TABLE logs; --=off",
      'codex_core[turn]=debug',
      ['info'],
      3,
    ],
    'wal.maxSize': ['big', -1],
    'wal.watchEvery': ['30', '500ms', 30],
    'daemon.restart': ['always', false],
    'lock.timeout': [10, '10', 'soon', '-1s'],
    codexPath: ['bin/codex', './codex', false],
    'crash.signals': ['SIGTRAP', ['SIGINT'], ['SIGTERM'], ['SIGNOPE']],
    'crash.dir': ['crashes'],
    'crash.logRows': ['500'],
    'crash.keep': [0],
    'restart.mode': ['sometimes', true],
    'restart.resume': ['no'],
    'restart.maxRestarts': [-1, 'three'],
    'restart.window': ['10', '500ms'],
    'schedule.every': ['10s', 3600],
  };
  assert.deepEqual(Object.keys(bad).sort(), [...KEY_NAMES].sort(), 'a bad-form case for every key');
  for (const [key, inputs] of Object.entries(bad) as [Key, unknown[]][]) {
    for (const input of inputs) {
      const { value, issues } = one(key, input);
      assert.equal(value, undefined, `${key} = ${JSON.stringify(input)} must not be used`);
      assert.equal(issues.length, 1, `${key} = ${JSON.stringify(input)}: ${issues.join('\n')}`);
      assert.match(
        issues[0]!,
        new RegExp(`^codexguard: ~/\\.codexguardrc: ${key.replace('.', '\\.')}: expected .+, got .+ \\[E_CONFIG\\]$`),
      );
      assert.doesNotMatch(issues[0]!, /\n/);
    }
  }
});

test('the error line reads as documented', () => {
  assert.deepEqual(one('logs.maxSize', 'lots').issues, [
    'codexguard: ~/.codexguardrc: logs.maxSize: expected a size like "100MB" or "50 MiB", got "lots" [E_CONFIG]',
  ]);
  assert.deepEqual(one('lock.timeout', 10).issues, [
    'codexguard: ~/.codexguardrc: lock.timeout: expected a duration with a unit like "10s", "10m" or "14d", got 10 [E_CONFIG]',
  ]);
});

test('unknown keys and sections are errors (with a suggestion); broken keys fall back alone', () => {
  const { values, issues } = validate(
    { logs: { maxsize: '1MB', keepRows: 5, colour: 1 }, wal: 'big', colour: 'red', $schema: 'x', 'lock.timeout': '2s' },
    USER,
    HOME,
  );
  assert.deepEqual(values, { 'logs.keepRows': 5, 'lock.timeout': 2000 });
  assert.deepEqual(
    issues.map((i) => [i.key, i.message]),
    [
      ['logs.maxsize', 'unknown key (did you mean logs.maxSize?)'],
      ['logs.colour', 'unknown key'],
      ['wal', 'expected a mapping of wal.* keys, got "big"'],
      ['colour', 'unknown key'],
    ],
  );
  assert.ok(hasErrors(issues));
});

test('a file that is not a mapping is one error; an empty file or section is fine', () => {
  assert.equal(validate(['logs'], USER, HOME).issues.length, 1);
  assert.equal(validate('logs: 1', USER, HOME).issues.length, 1);
  assert.deepEqual(validate(undefined, USER, HOME), { values: {}, issues: [] });
  assert.deepEqual(validate({ logs: null }, USER, HOME), { values: {}, issues: [] });
});

test('what the file said is shown briefly, never expanded', () => {
  const deep: Record<string, unknown> = {};
  let node = deep;
  for (let i = 0; i < 50; i++) {
    const next: Record<string, unknown> = {};
    node.x = next;
    node = next;
  }
  const { issues } = validate({ logs: { maxSize: deep, keepRows: 'x'.repeat(500) } }, USER, HOME);
  assert.match(issues[0]!.message, /got a mapping$/);
  assert.ok(issues[1]!.message.length < 120, issues[1]!.message);
});

const layer = (file: string, values: Partial<Config>) => ({ file, values });

test('merge: user values apply; sources name the file or "default"', () => {
  const { config, sources, issues } = merge(
    defaults(),
    layer(USER, { 'logs.maxSize': 500_000_000, codexPath: '/opt/codex' }),
  );
  assert.equal(config['logs.maxSize'], 500_000_000);
  assert.equal(config.codexPath, '/opt/codex');
  assert.equal(sources['logs.maxSize'], USER);
  assert.equal(sources['wal.maxSize'], 'default');
  assert.deepEqual(issues, []);
});

test('merge: a project may tighten every tightenable key, in its own direction', () => {
  const tighter: Partial<Config> = {
    'logs.maxSize': 10_000_000,
    'logs.keepRows': 1_000,
    'logs.keepDays': 1,
    'logs.archives': 1,
    'wal.maxSize': 1_000_000,
    'lock.timeout': 1,
    'crash.logRows': 1,
    'crash.keep': 1,
    'restart.mode': 'never',
    'restart.maxRestarts': 0,
    'restart.window': 86_400_000,
    'logs.compress': true,
  };
  const user = layer(USER, { 'logs.compress': false });
  const { config, sources, issues } = merge(defaults(), user, layer(PROJECT, tighter));
  assert.deepEqual(issues, []);
  for (const [key, value] of Object.entries(tighter)) {
    assert.deepEqual(config[key as Key], value, key);
    assert.equal(sources[key as Key], PROJECT, key);
  }
  const tightenable = KEY_NAMES.filter((k) => 'tighten' in KEYS[k]);
  assert.deepEqual(tightenable.sort(), Object.keys(tighter).sort(), 'the test covers every tightenable key');
});

test('merge: a project cannot tighten below the floors that protect the log history (rows, days, archives, sizes)', () => {
  const wipe: Partial<Config> = {
    'logs.maxSize': 0,
    'logs.keepRows': 0,
    'logs.keepDays': 0,
    'logs.archives': 0,
    'wal.maxSize': 0,
  };
  const { config, issues } = merge(defaults(), undefined, layer(PROJECT, wipe));
  assert.deepEqual(config, defaults());
  assert.deepEqual(issues.map((i) => i.key).sort(), Object.keys(wipe).sort());
  assert.match(
    formatIssue(issues.find((i) => i.key === 'logs.keepRows')!, HOME),
    /logs\.keepRows: ignored: a project file may tighten it down to 1000, not to 0 \[W_CONFIG\]$/,
  );
  // The user may go as low as they like.
  assert.equal(merge(defaults(), layer(USER, { 'logs.archives': 0 })).config['logs.archives'], 0);
});

test('merge: a looser project value is ignored with one warning; the user or default value stays', () => {
  const user = layer(USER, { 'logs.keepRows': 5000, 'restart.mode': 'ask' });
  const project = layer(PROJECT, {
    'logs.keepRows': 9000,
    'logs.maxSize': 500_000_000,
    'restart.mode': 'always',
    'restart.window': 60_000,
    'logs.compress': false,
    'restart.maxRestarts': 3,
  });
  const { config, sources, issues } = merge(defaults(), user, project);
  assert.equal(config['logs.keepRows'], 5000);
  assert.equal(sources['logs.keepRows'], USER);
  assert.equal(config['logs.maxSize'], 100_000_000);
  assert.equal(config['restart.mode'], 'ask');
  assert.equal(config['restart.window'], 600_000);
  assert.equal(config['logs.compress'], true);
  assert.equal(sources['restart.maxRestarts'], 'default', 'an equal value changes nothing');
  assert.deepEqual(
    issues.map((i) => i.key),
    ['logs.maxSize', 'logs.keepRows', 'logs.compress', 'restart.mode', 'restart.window'],
  );
  assert.ok(issues.every((i) => i.severity === 'warning' && i.file === PROJECT));
  const line = formatIssue(issues[1]!, HOME);
  assert.equal(
    line,
    'codexguard: ~/src/repo/.codexguardrc: logs.keepRows: ignored: 9000 is looser than 5000 from the user-level config; a project file may only tighten limits [W_CONFIG]',
  );
});

test('merge: programs, directories and preferences are honoured only from user-level config', () => {
  const userOnly: Partial<Config> = {
    codexPath: '/tmp/evil',
    'crash.dir': '/tmp/x',
    'logs.dropLevels': ['TRACE'],
    'logs.filter': 'off',
    'crash.signals': [],
    'restart.resume': false,
    'schedule.every': 60_000,
    'daemon.restart': 'never',
    'wal.watchEvery': 5_000,
  };
  const { config, sources, issues } = merge(defaults(), undefined, layer(PROJECT, userOnly));
  assert.deepEqual(config, defaults());
  assert.ok(Object.values(sources).every((s) => s === 'default'));
  assert.deepEqual(issues.map((i) => i.key).sort(), Object.keys(userOnly).sort());
  assert.match(
    formatIssue(issues[0]!, HOME),
    /: logs\.dropLevels: ignored: only a user-level config .* may set it \[W_CONFIG\]$/,
  );
  const notTightenable = KEY_NAMES.filter((k) => !('tighten' in KEYS[k]));
  assert.deepEqual(notTightenable.sort(), Object.keys(userOnly).sort(), 'the test covers every user-only key');
});

test('looser: the direction of each rule', () => {
  assert.equal(looser('lower', 2, 1), true);
  assert.equal(looser('lower', 1, 1), false);
  assert.equal(looser('higher', 1, 2), true);
  assert.equal(looser('true', false, true), true);
  assert.equal(looser('true', true, false), false);
  assert.equal(looser(['always', 'ask', 'never'], 'always', 'ask'), true);
  assert.equal(looser(['always', 'ask', 'never'], 'never', 'always'), false);
});

test('defaults are the documented ones, and fresh copies', () => {
  const d = defaults();
  assert.equal(d['logs.maxSize'], 100_000_000);
  assert.equal(d['wal.maxSize'], 32_000_000);
  assert.equal(d['lock.timeout'], 10_000);
  assert.equal(d['restart.window'], 600_000);
  assert.equal(d['schedule.every'], 900_000);
  assert.equal(d['daemon.restart'], 'idle');
  assert.equal(d['wal.watchEvery'], 30_000);
  assert.deepEqual(d['crash.signals'], ['SIGTRAP', 'SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL']);
  d['crash.signals'].push('SIGFPE');
  assert.equal(defaults()['crash.signals'].length, 5);
});

test('display forms: exact sizes and durations', () => {
  assert.equal(formatSize(100_000_000), '100MB');
  assert.equal(formatSize(50 * 2 ** 20), '50MiB');
  assert.equal(formatSize(1234567), '1234567B');
  assert.equal(formatDuration(600_000), '10m');
  assert.equal(formatDuration(90_000), '90s');
  assert.equal(formatDuration(1500), '1500ms');
  assert.equal(formatDuration(0), '0ms');
  assert.equal(formatValue('crash.dir', null), '(CODEX_HOME/codexguard/crashes)');
  assert.equal(formatValue('logs.dropLevels', []), '(none)');
});

test('discovery order: ~/.codexguardrc variants, then XDG; project dirs stop below home or at /', () => {
  assert.deepEqual(userCandidates({ XDG_CONFIG_HOME: '/xdg' }, HOME), [
    '/home/u/.codexguardrc',
    '/home/u/.codexguardrc.json',
    '/home/u/.codexguardrc.yaml',
    '/home/u/.codexguardrc.yml',
    '/xdg/codexguard/config.json',
    '/xdg/codexguard/config.yaml',
    '/xdg/codexguard/config.yml',
  ]);
  assert.equal(userCandidates({ XDG_CONFIG_HOME: 'relative' }, HOME)[4], '/home/u/.config/codexguard/config.json');
  assert.deepEqual(projectDirs('/home/u/src/repo', [HOME]), ['/home/u/src/repo', '/home/u/src']);
  assert.deepEqual(projectDirs(HOME, [HOME]), []);
  assert.deepEqual(projectDirs('/work/a', [HOME]), ['/work/a', '/work', '/']);
});
