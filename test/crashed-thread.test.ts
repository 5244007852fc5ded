// Resuming the conversation that crashed, not `--last`: the pure pick, the evidence read from a home made by the
// real codex, and the restart through the built shim.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { pickThread, readThreadEvidence, resumeWith, type ThreadEvidence } from '../src/crash/crashed-thread.ts';
import { goldenHomeWithThread } from './helpers/codex-home.ts';
import { cleanEnv, REPO, runSync, SHIM, tmp } from './helpers/index.ts';

const evidence = (over: Partial<ThreadEvidence>): ThreadEvidence => ({
  fromLogs: [],
  changed: [],
  known: new Set(),
  ...over,
});

test('pickThread: the process’s own log rows first, else the one conversation that changed in the folder, else why not', () => {
  const cases: Array<[Partial<ThreadEvidence>, ReturnType<typeof pickThread>]> = [
    [
      { fromLogs: ['a'], changed: ['b', 'a'], known: new Set(['a', 'b']) },
      { id: 'a', from: 'logs' },
    ],
    [
      { fromLogs: ['gone'], changed: ['b'], known: new Set(['b']) },
      { id: 'b', from: 'state' },
    ],
    [
      { changed: ['b'], known: new Set(['b']) },
      { id: 'b', from: 'state' },
    ],
    [
      { changed: ['b', 'c'], known: new Set(['b', 'c']) },
      { why: '2 conversations in this folder changed during the session' },
    ],
    [{}, { why: 'no conversation in this folder changed during the session' }],
    [
      { fromLogs: ['a'], unreadable: 'state_5.sqlite could not be read (SQLITE_BUSY)' },
      { why: 'state_5.sqlite could not be read (SQLITE_BUSY)' },
    ],
  ];
  for (const [e, want] of cases) assert.deepEqual(pickThread(evidence(e)), want, JSON.stringify(e));
});

test('resumeWith: --last becomes the id; a resumed id stays unless the logs name another; --last with a reason otherwise', () => {
  assert.deepEqual(resumeWith(['resume', '--last', '-m', 'o3'], { id: 'T', from: 'state' }), {
    args: ['resume', 'T', '-m', 'o3'],
  });
  assert.deepEqual(resumeWith(['resume', 'U', '-m', 'o3'], { id: 'T', from: 'state' }), {
    args: ['resume', 'U', '-m', 'o3'],
  });
  assert.deepEqual(resumeWith(['resume', 'U'], { id: 'T', from: 'logs' }), { args: ['resume', 'T'] });
  assert.deepEqual(resumeWith(['resume', 'U'], { why: 'x' }), { args: ['resume', 'U'] });
  assert.deepEqual(resumeWith(['exec', 'hi'], { id: 'T', from: 'logs' }), { args: ['exec', 'hi'] });
  const fallback = resumeWith(['resume', '--last'], {
    why: '2 conversations in this folder changed during the session',
  });
  assert.deepEqual(fallback.args, ['resume', '--last']);
  assert.equal(
    fallback.line,
    'codexguard: could not tell which conversation crashed (2 conversations in this folder changed during the session); resuming the newest one here (--last)',
  );
});

/**
 * A home made by the real codex, plus conversations made from the thread row that codex wrote itself (`codex exec`):
 * `mine` and `other` are interactive ones in `cwd`, `elsewhere` is in another folder, `sub` is a sub-agent's.
 */
async function homeWithThreads(t: TestContext, cwd: string) {
  const home = await goldenHomeWithThread(t);
  const db = new Database(join(home, 'state_5.sqlite'));
  const row = db.prepare('SELECT * FROM threads ORDER BY created_at_ms LIMIT 1').get() as Record<string, unknown>;
  assert.ok(row, 'the real codex wrote a thread row');
  const columns = Object.keys(row);
  const insert = db.prepare(
    `INSERT INTO threads (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
  );
  const ids = {
    mine: '01a30000-0000-7000-8000-00000000000a',
    other: '01a30000-0000-7000-8000-00000000000b',
    elsewhere: '01a30000-0000-7000-8000-00000000000c',
    sub: '01a30000-0000-7000-8000-00000000000d',
  };
  const old = Date.now() - 86_400_000;
  for (const [name, id] of Object.entries(ids)) {
    insert.run({
      ...row,
      id,
      cwd: name === 'elsewhere' ? '/somewhere/else' : cwd,
      source: name === 'sub' ? '{"subagent":"review"}' : 'vscode',
      updated_at_ms: old,
      updated_at: Math.floor(old / 1000),
      rollout_path: join(home, `${id}.jsonl`),
    });
  }
  db.close();
  return { home, ids };
}

function touch(home: string, ids: string[], at: number): void {
  const db = new Database(join(home, 'state_5.sqlite'));
  for (const id of ids) db.prepare('UPDATE threads SET updated_at_ms = ? WHERE id = ?').run(at, id);
  db.close();
}

test('readThreadEvidence on DBs the real codex made: only interactive conversations of the folder that changed during the session count', async (t) => {
  const cwd = tmp(t);
  const { home, ids } = await homeWithThreads(t, cwd);
  const startedAt = Date.now() - 60_000;
  touch(home, [ids.mine, ids.elsewhere, ids.sub], Date.now() - 1_000);
  const e = await readThreadEvidence(home, { pid: 4242, cwd, startedAt, endedAt: Date.now() });
  assert.equal(e.unreadable, undefined);
  assert.deepEqual(e.changed, [ids.mine]);
  assert.deepEqual(pickThread(e), { id: ids.mine, from: 'state' });
  const missing = await readThreadEvidence(tmp(t), { pid: 4242, cwd, startedAt, endedAt: Date.now() });
  const none = pickThread(missing);
  assert.match(none.id === undefined ? none.why : '', /^there is no state_5\.sqlite in /);
});

type Ids = Awaited<ReturnType<typeof homeWithThreads>>['ids'];

/** The TUI fake as the real codex on a home made by the real codex, crashing once under `restart.mode: always`. */
async function crashOnce(t: TestContext, fakeEnv: (ids: Ids) => Record<string, string>) {
  const root = realpathSync(tmp(t));
  mkdirSync(join(root, 'home'));
  const { home, ids } = await homeWithThreads(t, root);
  const rc = join(root, 'codexguard.json');
  writeFileSync(rc, JSON.stringify({ restart: { mode: 'always' } }));
  const log = join(root, 'runs.jsonl');
  const TUI = join(REPO, 'test', 'fixtures', 'fake-codex-tui.mjs');
  const env = cleanEnv({
    HOME: join(root, 'home'),
    CODEX_HOME: home,
    CODEXGUARD_CONFIG: rc,
    CODEXGUARD_REAL_CODEX: TUI,
    FAKE_TUI_LOG: log,
    FAKE_TUI_CRASH_RUNS: '1',
    ...fakeEnv(ids),
  });
  const r = runSync(SHIM, ['-m', 'o3'], { env, cwd: root });
  assert.equal(r.status, 0, r.stderr);
  const runs = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv);
  return { runs, stderr: r.stderr, ids };
}

test('a crashed session whose conversation changed (as under the 0.171 daemon) comes back as `codex resume <that id>`', async (t) => {
  const { runs, stderr, ids } = await crashOnce(t, (i) => ({ FAKE_TUI_THREADS: i.mine }));
  assert.deepEqual(runs, [
    ['-m', 'o3'],
    ['resume', ids.mine, '-m', 'o3'],
  ]);
  assert.match(stderr, new RegExp(`resuming codex \\(codex resume ${ids.mine}\\)`));
});

test('two conversations of the folder changed: the one the process’s own log rows name (as the 0.141 TUI writes them) wins', async (t) => {
  const { runs, ids } = await crashOnce(t, (i) => ({
    FAKE_TUI_THREADS: `${i.mine},${i.other}`,
    FAKE_TUI_LOG_THREAD: i.other,
  }));
  assert.deepEqual(runs[1], ['resume', ids.other, '-m', 'o3']);
});

test('two changed and no log row to tell them apart: `resume --last`, with one line saying why', async (t) => {
  const { runs, stderr } = await crashOnce(t, (i) => ({ FAKE_TUI_THREADS: `${i.mine},${i.other}` }));
  assert.deepEqual(runs[1], ['resume', '--last', '-m', 'o3']);
  assert.match(
    stderr,
    /^codexguard: could not tell which conversation crashed \(2 conversations in this folder changed during the session\); resuming the newest one here \(--last\)$/m,
  );
});
