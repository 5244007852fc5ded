// The pre-flight lock, with real processes and real files: contention, stale takeover, compromise, permissions, read-only homes.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { acquirePreflightLock, lockPaths, withPreflightLock } from '../src/lock/preflight-lock.ts';
import { readOwner } from '../src/lock/owner.ts';
import { startWorker, unwritableHome, type Worker } from './fixtures/lock-registry-client.ts';
import { seededRandom, tmp } from './helpers/index.ts';

/** Starts `n` contenders on one home and lets them go at once. */
async function contenders(t: TestContext, n: number, timeoutMs: number, holdMs: number): Promise<Worker[]> {
  const root = tmp(t);
  const home = join(root, 'home');
  mkdirSync(home); // a Codex home exists wherever a pre-flight takes the lock
  const state = join(root, 'state');
  const go = join(root, 'go');
  writeFileSync(state, 'over');
  const workers = Array.from({ length: n }, () =>
    startWorker(['contend', home, String(timeoutMs), String(holdMs), state, go]),
  );
  // Every worker loaded (tsx takes a while) before the start signal, so that they really contend.
  for (const w of workers) await w.line((l) => l.ready === true);
  writeFileSync(go, '');
  for (const w of workers) assert.deepEqual(await w.ended, { code: 0, signal: null }, w.stderr());
  assert.equal(readFileSync(state, 'utf8'), 'ok');
  assert.equal(existsSync(lockPaths(home).lockDir), false, 'the lock is released at the end');
  return workers;
}

const did = (ws: Worker[]) => ws.map((w) => w.lines[1]?.did).sort();

test('N shims at once: exactly one rotates, the others wait, then find nothing to do', async (t) => {
  const ws = await contenders(t, 6, 10_000, 300);
  assert.deepEqual(did(ws), ['nothing', 'nothing', 'nothing', 'nothing', 'nothing', 'rotated']);
});

test('with a short lock.timeout the waiters give up and launch while the one rotates', async (t) => {
  const ws = await contenders(t, 6, 250, 2_500);
  assert.deepEqual(did(ws), [
    'launched-without-lock',
    'launched-without-lock',
    'launched-without-lock',
    'launched-without-lock',
    'launched-without-lock',
    'rotated',
  ]);
  for (const w of ws.filter((x) => x.lines[1]?.did !== 'rotated')) {
    assert.equal(w.lines[1]?.reason, 'timeout');
    const waited = Number(w.lines[1]?.waitedMs);
    assert.ok(waited >= 250 && waited < 2_500, `waited ${waited} ms`);
  }
});

/** A holder started on a fresh home and killed with -9 once it holds the lock. */
async function killedHolder(t: TestContext, staleMs: number, updateMs: number) {
  const home = join(tmp(t), 'home');
  mkdirSync(home);
  const holder = startWorker(['hold', home, String(staleMs), String(updateMs)]);
  await holder.line((l) => l.held === true);
  assert.equal(readOwner(lockPaths(home).ownerFile)?.pid, holder.pid);
  holder.proc.kill('SIGKILL');
  await holder.ended;
  assert.ok(existsSync(lockPaths(home).lockDir), 'SIGKILL leaves the lock dir behind');
  return { home, p: lockPaths(home) };
}

test('a lock left by a SIGKILLed shim is taken over at once: its pid is gone', async (t) => {
  const { home } = await killedHolder(t, 15_000, 2_000);
  const got = await acquirePreflightLock(home, 5_000);
  assert.ok(got.acquired, JSON.stringify(got));
  assert.equal(got.tookOverFromDead, true);
  assert.ok(got.waitedMs < 1_000, `took ${got.waitedMs} ms, well within the 15 s stale window`);
  assert.equal(readOwner(lockPaths(home).ownerFile)?.pid, process.pid);
  await got.lock.release();
  assert.equal(existsSync(lockPaths(home).lockDir), false);
  assert.equal(existsSync(lockPaths(home).ownerFile), false);
});

test('a dead holder that cannot be judged by pid (another host) is taken over by mtime staleness', async (t) => {
  const { home, p } = await killedHolder(t, 2_000, 1_000);
  const owner = readOwner(p.ownerFile)!;
  writeFileSync(p.ownerFile, JSON.stringify({ ...owner, where: 'another-host/pid:[1]' }));
  const now = await acquirePreflightLock(home, 0, { staleMs: 2_000 });
  assert.equal(now.acquired, false, 'not broken by pid: its pid means nothing here');
  const got = await acquirePreflightLock(home, 6_000, { staleMs: 2_000 });
  assert.ok(got.acquired, JSON.stringify(got));
  assert.equal(got.tookOverFromDead, false);
  assert.ok(got.waitedMs < 3_500, `stale after ${got.waitedMs} ms`);
  await got.lock.release();
});

test('a lock dir without a record (an older codexguard) is waited for, never broken by pid', async (t) => {
  const home = join(tmp(t), 'home');
  mkdirSync(home);
  const p = lockPaths(home);
  mkdirSync(p.lockDir, { recursive: true });
  const got = await acquirePreflightLock(home, 300);
  assert.equal(got.acquired === false && got.reason, 'timeout');
  assert.ok(existsSync(p.lockDir), 'left alone until its mtime says stale');
});

test('a shim killed at any moment of taking or dropping the lock never leaves it for the next one to wait on', async (t) => {
  // The lock dir is born with its record inside and removed in one rename, so no kill leaves a dir without its record.
  const { random, seed } = seededRandom(t);
  const home = join(tmp(t), 'home');
  mkdirSync(home);
  const p = lockPaths(home);
  const waits: number[] = [];
  let seen = 0;
  for (let i = 0; i < 16; i++) {
    const churn = startWorker(['churn', home]);
    t.after(() => churn.proc.kill('SIGKILL'));
    await churn.line((l) => l.churning === true);
    // Until the kill, every look at a lock dir that stayed in place while it was listed finds its record in it.
    const until = Date.now() + 1 + Math.floor(random() * 40);
    while (Date.now() < until) {
      const id = () => {
        const st = statSync(p.lockDir, { throwIfNoEntry: false });
        return st && `${st.ino}/${st.birthtimeMs}`;
      };
      const before = id();
      const names = (() => {
        try {
          return readdirSync(p.lockDir);
        } catch {
          return undefined;
        }
      })();
      if (names && before && before === id()) {
        seen++;
        assert.deepEqual(names, ['owner.json'], `a lock dir without its record (seed ${seed})`);
      }
      await new Promise((r) => setImmediate(r));
    }
    churn.proc.kill('SIGKILL');
    await churn.ended;
    const got = await acquirePreflightLock(home, 5_000);
    assert.ok(got.acquired, `round ${i} (seed ${seed}): ${JSON.stringify(got)}`);
    waits.push(got.waitedMs);
    await got.lock.release();
  }
  assert.ok(Math.max(...waits) < 1_000, `waits ${waits.join(', ')} ms (seed ${seed}): a kill cost no stale wait`);
  assert.ok(seen > 0, 'the lock dir was looked at while held');
  // A kill before the rename leaves a dir never born: harmless, and swept once a minute old.
  assert.deepEqual(
    readdirSync(p.dir).filter((n) => n.startsWith('preflight.lock') && !n.startsWith('preflight.lock.new-')),
    [],
    'no lock, nothing on its way out',
  );
});

test('a live holder is waited for, never broken', async (t) => {
  const home = join(tmp(t), 'home');
  mkdirSync(home);
  const holder = startWorker(['hold', home, '15000', '2000']);
  t.after(() => holder.proc.kill('SIGKILL'));
  await holder.line((l) => l.held === true);
  const got = await acquirePreflightLock(home, 400);
  assert.equal(got.acquired === false && got.reason, 'timeout');
  assert.ok(got.waitedMs >= 400);
  assert.equal(readOwner(lockPaths(home).ownerFile)?.pid, holder.pid);
  assert.ok(existsSync(lockPaths(home).lockDir));
});

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  test(`a holder ended by ${signal} during the pre-flight leaves neither lock dir nor owner record`, async (t) => {
    const home = join(tmp(t), 'home');
    mkdirSync(home);
    const p = lockPaths(home);
    const holder = startWorker(['hold', home, '15000', '2000']);
    await holder.line((l) => l.held === true);
    assert.ok(existsSync(p.lockDir) && existsSync(p.ownerFile));
    holder.proc.kill(signal);
    assert.deepEqual(await holder.ended, { code: null, signal }, holder.stderr());
    assert.equal(existsSync(p.lockDir), false);
    assert.equal(existsSync(p.ownerFile), false);
  });
}

for (const how of ['touched', 'removed'] as const) {
  test(`a compromised lock (dir ${how} under the holder) is reported, never crashes the holder`, async (t) => {
    const home = join(tmp(t), 'home');
    mkdirSync(home);
    const p = lockPaths(home);
    const holder = startWorker(['hold', home, '2000', '1000']);
    await holder.line((l) => l.held === true);
    if (how === 'touched') utimesSync(p.lockDir, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    else rmSync(p.lockDir, { recursive: true });
    const line = await holder.line((l) => 'compromised' in l, 10_000);
    assert.deepEqual([line.compromised, line.code], [true, 'ECOMPROMISED']);
    await holder.line((l) => l.released === true);
    assert.deepEqual(await holder.ended, { code: 0, signal: null }, holder.stderr());
    assert.equal(holder.stderr(), '');
  });
}

test('the lock dir and owner record are owner-only', async (t) => {
  const home = join(tmp(t), 'home');
  mkdirSync(home);
  const p = lockPaths(home);
  const run = await withPreflightLock(home, 1_000, () => ({
    dir: statSync(p.dir).mode & 0o777,
    owner: statSync(p.ownerFile).mode & 0o777,
  }));
  assert.deepEqual(run.acquired && run.value, { dir: 0o700, owner: 0o600 });
  assert.equal(existsSync(p.ownerFile), false);
});

test('an error thrown inside the critical section is rethrown after the release', async (t) => {
  const home = join(tmp(t), 'home');
  mkdirSync(home);
  await assert.rejects(
    withPreflightLock(home, 1_000, () => {
      throw new Error('rotation failed');
    }),
    /rotation failed/,
  );
  assert.equal(existsSync(lockPaths(home).lockDir), false);
  const again = await acquirePreflightLock(home, 0);
  assert.ok(again.acquired);
  await again.lock.release();
});

test('a read-only CODEX_HOME gives a failure result at once, never an exception', async (t) => {
  const home = unwritableHome(t);
  let ran = false;
  const run = await withPreflightLock(home, 5_000, () => (ran = true));
  assert.equal(run.acquired, false);
  assert.equal(run.acquired === false && run.reason, 'error');
  assert.match(run.acquired === false ? run.message : '', /cannot take the pre-flight lock/);
  assert.ok(run.acquired === false && run.waitedMs < 1_000, 'no waiting on an error');
  assert.equal(ran, false);
});
