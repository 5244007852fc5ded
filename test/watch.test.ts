// The whole session, not just the launch: while codex runs, the shim stats the DBs every wal.watchEvery and checkpoints
// a WAL that grows over wal.maxSize; the session's figures (sizes at start and end, bytes codex wrote) land in the history.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { historyFile } from '../src/registry/session.ts';
import { codexHomeWithLogs } from './helpers/codex-home.ts';
import { cleanEnv, fakeCodex, linkShim, NODE_BIN_DIR, REPO, runSync, tmp } from './helpers/index.ts';

const GROWER = join(REPO, 'test', 'fixtures', 'wal-grower.mjs');

/** Runs the shim in front of a codex that writes `mb` MB into logs_2's WAL, then waits up to `waitMs` for it to shrink. */
function session(t: TestContext, watchEvery: string, waitMs: number) {
  const root = tmp(t);
  const home = codexHomeWithLogs(t, { rows: 100 });
  const user = join(root, 'user');
  mkdirSync(user);
  writeFileSync(join(user, '.codexguardrc'), JSON.stringify({ wal: { maxSize: '1MB', watchEvery } }));
  const shimDir = join(root, 'shim');
  linkShim(shimDir);
  const realDir = join(root, 'real');
  mkdirSync(realDir);
  // A link, so the fixture finds better-sqlite3 from the repository.
  symlinkSync(GROWER, join(realDir, 'codex'));
  const result = join(root, 'result.json');
  const env = cleanEnv({
    HOME: user,
    CODEX_HOME: home,
    PATH: [shimDir, realDir, NODE_BIN_DIR].join(':'),
    GROW_DB: join(home, 'logs_2.sqlite'),
    GROW_MB: '6',
    GROW_UNDER: '1000000',
    GROW_WAIT_MS: String(waitMs),
    GROW_RESULT: result,
  });
  const r = runSync(join(shimDir, 'codex'), [], { env, cwd: user, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'the watch never prints: codex owns the terminal');
  return {
    home,
    result: JSON.parse(readFileSync(result, 'utf8')) as { walGrown: number; walAfter: number; waitedMs: number },
  };
}

test('a WAL that grows over wal.maxSize during the session is checkpointed within wal.watchEvery', (t) => {
  const { home, result } = session(t, '1s', 20_000);
  assert.ok(result.walGrown > 5e6, `codex grew the WAL to ${result.walGrown} bytes`);
  assert.ok(result.walAfter < 1e6, `the WAL went back under wal.maxSize: ${result.walAfter} bytes`);
  assert.ok(result.waitedMs < 20_000, `checkpointed after ${result.waitedMs} ms`);

  // The session's figures, in the history once it ended.
  const lines = readFileSync(historyFile(home), 'utf8').trim().split('\n');
  const last = JSON.parse(lines.at(-1)!);
  assert.equal(last.code, 0);
  const log = (snap: { dbs: Array<{ name: string; size: number; walSize: number }> }) =>
    snap.dbs.find((d) => d.name === 'logs_2.sqlite')!;
  assert.ok(
    log(last.figures.last).size + log(last.figures.last).walSize >
      log(last.figures.start).size + log(last.figures.start).walSize + 5e6,
    'the log DB grew by what codex wrote',
  );
  assert.ok(last.figures.codexWroteBytes > 5e6, `codex wrote ${last.figures.codexWroteBytes} bytes`);
});

test('without a look in time (wal.watchEvery 1h), the same WAL stays as codex left it', (t) => {
  const { result } = session(t, '1h', 2_000);
  assert.ok(result.walGrown > 5e6);
  assert.ok(result.walAfter > 5e6, `nothing checkpointed it: ${result.walAfter} bytes`);
});

test("a crash bundle carries the session's last in-session looks (sizes and WALs), and REPORT.md shows them", (t) => {
  const root = tmp(t);
  const home = codexHomeWithLogs(t, { rows: 100 });
  const user = join(root, 'user');
  mkdirSync(user);
  writeFileSync(join(user, '.codexguardrc'), JSON.stringify({ wal: { watchEvery: '1s' }, restart: { mode: 'never' } }));
  const shimDir = join(root, 'shim');
  linkShim(shimDir);
  fakeCodex(join(root, 'real'));
  // Alive for 3.5 s, so that the 1 s watch looks at least twice before it dies.
  const env = cleanEnv({
    HOME: user,
    CODEX_HOME: home,
    PATH: [shimDir, join(root, 'real'), NODE_BIN_DIR].join(':'),
    FAKE_CODEX_SLEEP_MS: '3500',
    FAKE_CODEX_SIGNAL: 'SIGTRAP',
  });
  const r = runSync(join(shimDir, 'codex'), [], { env, cwd: user, timeout: 60_000 });
  assert.equal(r.signal, 'SIGTRAP', r.stderr);
  const crashes = join(home, 'codexguard', 'crashes');
  const [bundle] = readdirSync(crashes);
  const manifest = JSON.parse(readFileSync(join(crashes, bundle!, 'manifest.json'), 'utf8')) as {
    looks: Array<{ at: number; dbs: Array<{ name: string }> }>;
  };
  assert.ok(manifest.looks.length >= 2, `looks: ${manifest.looks.length}`);
  assert.ok(manifest.looks.every((l) => l.dbs.some((d) => d.name === 'logs_2.sqlite')));
  assert.match(
    readFileSync(join(crashes, bundle!, 'REPORT.md'), 'utf8'),
    /WAL sizes at the in-session checks and at the crash:\n\n\| Time \| logs_2\.sqlite WAL \|/,
  );
});
