// Inventory: where Codex's SQLite home is, what is in it, and the pure pre-flight decision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveSqliteHome, sourceLabel, sqliteHomeOverride } from '../src/inventory/sqlite-home.ts';
import { scanInventory, type DbFiles, type Inventory } from '../src/inventory/scan.ts';
import { decide } from '../src/inventory/decide.ts';
import { DEFAULT_LIMITS } from '../src/inventory/limits.ts';
import { REPO, runSync, tmp } from './helpers/index.ts';
import { CODEX_DBS, goldenHome, makeCodexDb } from './helpers/codex-home.ts';

test('sqlite home: config.toml sqlite_home wins over $CODEX_SQLITE_HOME, which wins over CODEX_HOME', async (t) => {
  const home = tmp(t);
  const env = { CODEX_HOME: home, CODEX_SQLITE_HOME: join(home, 'from-env') };
  assert.deepEqual(await resolveSqliteHome({ CODEX_HOME: home }), {
    dir: home,
    codexHome: home,
    source: 'codex-home',
    warning: undefined,
  });
  assert.equal((await resolveSqliteHome(env)).dir, join(home, 'from-env'));
  assert.equal((await resolveSqliteHome(env)).source, 'env');
  writeFileSync(join(home, 'config.toml'), 'model = "o3"\nsqlite_home = "/var/tmp/dbs"\n[tui]\nx = 1\n');
  assert.deepEqual(await resolveSqliteHome(env), { dir: '/var/tmp/dbs', codexHome: home, source: 'config' });
  writeFileSync(join(home, 'config.toml'), 'sqlite_home = "rel/dbs"\n');
  assert.equal((await resolveSqliteHome(env)).dir, join(home, 'rel/dbs'), 'relative to CODEX_HOME');
  writeFileSync(join(home, 'config.toml'), "sqlite_home = '~/dbs'\n");
  assert.equal((await resolveSqliteHome(env)).dir, join(homedir(), 'dbs'));
  writeFileSync(join(home, 'config.toml'), 'model = "o3"\n# no sqlite home here\n');
  assert.equal((await resolveSqliteHome(env)).source, 'env');
  // CODEX_HOME unset: ~/.codex, said as the default it is ("default ~/.codex", not "from CODEX_HOME").
  const unset = await resolveSqliteHome({});
  assert.deepEqual(
    [unset.dir, unset.source, sourceLabel(unset.source)],
    [join(homedir(), '.codex'), 'default', 'default ~/.codex'],
  );
  assert.equal(sourceLabel('codex-home'), 'from CODEX_HOME');
});

test('sqlite home: a broken config.toml falls back with one warning line', async (t) => {
  const home = tmp(t);
  writeFileSync(join(home, 'config.toml'), 'sqlite_home = "/x\nmodel = [\n');
  const result = await resolveSqliteHome({ CODEX_HOME: home });
  assert.equal(result.dir, home);
  assert.equal(result.source, 'codex-home');
  assert.match(result.warning!, /config\.toml/);
  assert.ok(!result.warning!.includes('\n'));
});

test('scan: a home made by the real codex lists every DB with its -wal and -shm', async (t) => {
  const home = await goldenHome(t);
  const inventory = scanInventory(home);
  const names = inventory.dbs.map((db) => db.name);
  for (const name of CODEX_DBS) assert.ok(names.includes(name), name);
  const logs = inventory.dbs.find((db) => db.name === 'logs_2.sqlite')!;
  assert.equal(logs.kind, 'log');
  assert.ok(logs.exists && logs.size >= 4096);
  assert.ok(inventory.dbs.filter((db) => db.name !== 'logs_2.sqlite').every((db) => db.kind === 'state'));
  assert.ok(
    inventory.dbs.some((db) => db.walSize > 0 && db.shmSize > 0),
    'codex leaves -wal and -shm behind',
  );
});

test('scan: orphan -wal, rotation leftovers, archives, unrelated files', (t) => {
  const dir = tmp(t);
  makeCodexDb(join(dir, 'logs_2.sqlite'));
  writeFileSync(join(dir, 'state_9.sqlite-wal'), Buffer.alloc(5000));
  writeFileSync(join(dir, 'mystuff.sqlite'), '');
  writeFileSync(join(dir, 'logs_2.sqlite.codexguard-ready'), 'x');
  mkdirSync(join(dir, 'logs_2.sqlite.20260101T000000.000Z.archive'));
  writeFileSync(join(dir, 'logs_2.sqlite.20260102T000000.000Z.archive.tgz'), 'x');
  mkdirSync(join(dir, 'state_5.sqlite.20260101T000000.000Z.archive.partial'));
  writeFileSync(join(dir, 'notes.txt'), 'x');
  const inventory = scanInventory(dir);
  const orphan = inventory.dbs.find((db) => db.name === 'state_9.sqlite')!;
  assert.deepEqual([orphan.exists, orphan.walSize, orphan.kind], [false, 5000, 'state']);
  assert.equal(inventory.dbs.find((db) => db.name === 'mystuff.sqlite')!.kind, 'state');
  assert.deepEqual(inventory.leftovers, ['logs_2.sqlite', 'state_5.sqlite']);
  assert.deepEqual(inventory.archives.sort(), [
    'logs_2.sqlite.20260101T000000.000Z.archive',
    'logs_2.sqlite.20260102T000000.000Z.archive.tgz',
  ]);
  assert.deepEqual(inventory.compressing, []);
  assert.deepEqual(scanInventory(join(dir, 'missing')), {
    dir: join(dir, 'missing'),
    dbs: [],
    leftovers: [],
    compressing: [],
    archives: [],
  });
  // A gzip under way (or cut short) is the compressor's to tidy, never a launch's leftover.
  writeFileSync(join(dir, 'goals_1.sqlite.20260101T000000.000Z.archive.tgz.partial'), 'x');
  writeFileSync(join(dir, 'queue_1.sqlite.20260103T000000.000Z.archive.tgz'), 'x');
  mkdirSync(join(dir, 'queue_1.sqlite.20260103T000000.000Z.archive'));
  const again = scanInventory(dir);
  assert.deepEqual(again.compressing, ['goals_1.sqlite', 'queue_1.sqlite']);
  assert.deepEqual(again.leftovers, ['logs_2.sqlite', 'state_5.sqlite'], 'the rotation leftovers as before, no more');
});

function db(name: string, size: number, walSize = 0, exists = true): DbFiles {
  return {
    name,
    kind: name.startsWith('logs_') ? 'log' : 'state',
    path: `/h/${name}`,
    exists,
    size,
    identity: exists ? '1:1' : '',
    walSize,
    shmSize: 32768,
    journal: false,
  };
}
const inv = (dbs: DbFiles[], leftovers: string[] = []): Inventory => ({
  dir: '/h',
  dbs,
  leftovers,
  compressing: [],
  archives: [],
});
const MB = 1_000_000;

test('decide: nothing over a limit → no action at all', () => {
  assert.deepEqual(
    decide(inv([db('logs_2.sqlite', 99 * MB, MB - 1), db('state_5.sqlite', 5 * MB, 32 * MB)]), DEFAULT_LIMITS),
    [],
  );
});

test('decide: a log DB over the limit (main + -wal) is rotated, not also checkpointed', () => {
  const actions = decide(inv([db('logs_2.sqlite', 90 * MB, 40 * MB)]), DEFAULT_LIMITS);
  assert.deepEqual(
    actions.map((a) => [a.kind, (a as { db: DbFiles }).db.name]),
    [['rotate', 'logs_2.sqlite']],
  );
});

test('decide: state DBs are only ever checkpointed, however big', () => {
  const actions = decide(
    inv([db('state_5.sqlite', 900 * MB, 33 * MB), db('thread_history_1.sqlite', 900 * MB)]),
    DEFAULT_LIMITS,
  );
  assert.deepEqual(
    actions.map((a) => a.kind),
    ['checkpoint'],
  );
});

test('decide: a large -wal beside a small main file is checkpointed; a -wal with no main file only reported', () => {
  const actions = decide(
    inv([db('state_5.sqlite', 4096, 40 * MB), db('goals_1.sqlite', 0, 40 * MB, false)]),
    DEFAULT_LIMITS,
  );
  assert.deepEqual(
    actions.map((a) => a.kind),
    ['checkpoint', 'orphan-wal'],
  );
});

test('decide: leftovers are recovered first, and that is the run for their DB; --force rotates every other log DB', () => {
  const actions = decide(
    inv([db('logs_2.sqlite', 10), db('logs_3.sqlite', 10), db('state_5.sqlite', 10)], ['logs_2.sqlite']),
    DEFAULT_LIMITS,
    { force: true },
  );
  assert.deepEqual(
    actions.map((a) => [a.kind, typeof a.db === 'string' ? a.db : a.db.name]),
    [
      ['recover', 'logs_2.sqlite'],
      ['rotate', 'logs_3.sqlite'],
    ],
  );
  // Over its limit, with a big -wal: still only the recovery (rotating the file it rolls forward to would archive the kept rows again).
  const big = decide(inv([db('logs_2.sqlite', 300 * MB, 40 * MB)], ['logs_2.sqlite']), DEFAULT_LIMITS);
  assert.deepEqual(
    big.map((a) => a.kind),
    ['recover'],
  );
});

test('the no-action pre-flight opens no SQLite: better-sqlite3 is never loaded', (t) => {
  const home = tmp(t);
  makeCodexDb(join(home, 'logs_2.sqlite'));
  const script = `
    import { resolveSqliteHome } from './src/inventory/sqlite-home.ts';
    import { scanInventory } from './src/inventory/scan.ts';
    import { decide } from './src/inventory/decide.ts';
    import { DEFAULT_LIMITS } from './src/inventory/limits.ts';
    import { readFileSync } from 'node:fs';
    const home = await resolveSqliteHome(process.env);
    const actions = decide(scanInventory(home.dir), DEFAULT_LIMITS);
    const maps = readFileSync('/proc/self/maps', 'utf8');
    console.log(JSON.stringify({ actions: actions.length, sqlite: /better_sqlite3|libsqlite/.test(maps) }));`;
  const result = runSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    env: { ...process.env, CODEX_HOME: home },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { actions: 0, sqlite: false });
});

test("sqlite home: `-c sqlite_home=…` among codex's arguments wins, the last one of them, in every spelling; nothing after `--`", async (t) => {
  const home = tmp(t);
  writeFileSync(join(home, 'config.toml'), 'sqlite_home = "/from/config"\n');
  const cases: Array<[string[], string | undefined]> = [
    [['-c', 'sqlite_home=/a'], '/a'],
    [['--config', 'sqlite_home="/b c"'], '/b c'],
    [["--config=sqlite_home='/c'"], '/c'],
    [['-csqlite_home=/d'], '/d'],
    [['exec', '-c', 'sqlite_home=/e', '-m', 'o3', '-c', 'sqlite_home = "/f"', 'a prompt'], '/f'],
    [['-c', 'model="o3"', 'run -c sqlite_home=/g'], undefined], // a prompt that mentions it is not an override
    [['--', '-c', 'sqlite_home=/h'], undefined],
    [['-c', 'sqlite_home='], undefined],
  ];
  for (const [args, want] of cases) assert.equal(sqliteHomeOverride(args), want, args.join(' '));
  assert.deepEqual(await resolveSqliteHome({ CODEX_HOME: home }, ['-c', 'sqlite_home=/x/dbs']), {
    dir: '/x/dbs',
    codexHome: home,
    source: 'cli',
  });
  assert.equal(
    (await resolveSqliteHome({ CODEX_HOME: home }, ['-c', 'sqlite_home=rel'])).dir,
    join(process.cwd(), 'rel'),
    'relative to the cwd',
  );
  assert.equal((await resolveSqliteHome({ CODEX_HOME: home }, ['exec'])).source, 'config');
});
