// The live-session registry, with real processes: every exit path cleans up, kill -9 leaves an entry that gets pruned.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { liveSessions, parseEntry } from '../src/registry/live.ts';
import { judgeAlive, where, type PidView } from '../src/registry/process-stamp.ts';
import { registerSession, sessionsDir } from '../src/registry/session.ts';
import { startWorker, unwritableHome } from './fixtures/lock-registry-client.ts';
import { tmp, waitFor } from './helpers/index.ts';

/** A pid that certainly belonged to a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A shim-like worker running its child: the home, the worker, and its line naming the entry file and the child pid. */
async function shimWithChild(t: TestContext, preflight = '') {
  const home = join(tmp(t), 'home');
  mkdirSync(home); // the Codex home: codexguard never makes it
  const w = startWorker(['shim', home, preflight], process.env, { detached: true });
  const line = await w.line((l) => typeof l.child === 'number');
  await waitFor(() => existsSync(join(home, 'child.ready')));
  return { home, w, file: String(line.file), child: Number(line.child) };
}

test('register writes an owner-only entry in an owner-only dir; close removes it', (t) => {
  const home = join(tmp(t), 'home');
  mkdirSync(home); // the Codex home: codexguard never makes it
  const reg = registerSession(home, { argv0: '/usr/local/bin/codex', startedAt: 1234 });
  assert.ok(reg.ok);
  const { file } = reg.session;
  assert.equal(file, join(sessionsDir(home), `${process.pid}.json`));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(sessionsDir(home)).mode & 0o777, 0o700);
  assert.equal(statSync(join(home, 'codexguard')).mode & 0o777, 0o700);
  const entry = parseEntry(readFileSync(file, 'utf8'));
  assert.deepEqual(
    { ...entry, start: undefined },
    {
      v: 1,
      pid: process.pid,
      startedAt: 1234,
      start: undefined,
      where: where(),
      codexHome: home,
      argv0: '/usr/local/bin/codex',
      child: null,
    },
  );
  if (process.platform === 'linux') assert.match(entry?.start ?? '', /^[0-9a-f-]{36}\/\d+$/);
  assert.deepEqual(liveSessions(home), { ok: true, sessions: [], pruned: 0 }, 'this process is left out by default');
  const mine = liveSessions(home, { includeSelf: true });
  assert.deepEqual(mine.ok && mine.sessions.map((s) => s.pid), [process.pid]);
  assert.ok(reg.session.setChild(process.ppid));
  assert.equal(parseEntry(readFileSync(file, 'utf8'))?.child?.pid, process.ppid);
  reg.session.close();
  reg.session.close();
  assert.equal(existsSync(file), false);
  assert.deepEqual(readdirSync(sessionsDir(home)), [], 'no temp file left either');
});

// How the process ends → how it must look from outside. The entry must be gone in every case.
const ends: [string, { code: number | null; signal: string | null }, string?][] = [
  ['normal', { code: 0, signal: null }],
  ['exit', { code: 3, signal: null }],
  ['throw', { code: 1, signal: null }],
  ['reject', { code: 1, signal: null }],
  ['raise:SIGTERM', { code: null, signal: 'SIGTERM' }],
  ['raise:SIGHUP', { code: null, signal: 'SIGHUP' }],
  ['raise:SIGUSR2', { code: null, signal: 'SIGUSR2' }],
  ['wait', { code: null, signal: 'SIGTERM' }, 'SIGTERM'],
  ['wait', { code: null, signal: 'SIGINT' }, 'SIGINT'],
  ['wait', { code: null, signal: 'SIGHUP' }, 'SIGHUP'],
  ['wait', { code: null, signal: 'SIGQUIT' }, 'SIGQUIT'],
];
for (const [end, expected, sent] of ends) {
  test(`the entry goes when the process ends by ${sent ? `an outside ${sent}` : end}`, async (t) => {
    const home = join(tmp(t), 'home');
    mkdirSync(home); // the Codex home: codexguard never makes it
    const w = startWorker(['session', home, end]);
    const line = await w.line((l) => l.registered === true);
    const file = String(line.file);
    if (sent) {
      assert.ok(existsSync(file));
      w.proc.kill(sent as NodeJS.Signals);
    }
    assert.deepEqual(await w.ended, expected, w.stderr());
    assert.equal(existsSync(file), false, `${file} left behind`);
  });
}

test('with the signal hook put off (as the shim does for its first second), every end cleans up but an early fatal signal', async (t) => {
  const run = async (end: string, hookMs: number, signal?: NodeJS.Signals) => {
    const home = join(tmp(t), 'home');
    mkdirSync(home); // the Codex home: codexguard never makes it
    const w = startWorker(['session', home, end, String(hookMs)]);
    const file = String((await w.line((l) => l.registered === true)).file);
    if (signal) {
      if (hookMs < 60_000) assert.deepEqual((await w.line((l) => 'armed' in l)).armed, true);
      w.proc.kill(signal);
    }
    return { ended: await w.ended, left: existsSync(file), stderr: w.stderr() };
  };
  for (const [end, code] of [
    ['normal', 0],
    ['exit', 3],
    ['throw', 1],
  ] as const) {
    const r = await run(end, 60_000);
    assert.deepEqual(r.ended, { code, signal: null }, r.stderr);
    assert.equal(r.left, false, `${end}: entry left behind before the hook was armed`);
  }
  const armed = await run('wait', 50, 'SIGTERM');
  assert.deepEqual(armed.ended, { code: null, signal: 'SIGTERM' }, armed.stderr);
  assert.equal(armed.left, false, 'once armed, a fatal signal cleans up');
  // Before then, nothing listens for SIGTERM: it kills at once, and the entry stays for its stamp to judge (as kill -9).
  const early = await run('wait', 60_000, 'SIGTERM');
  assert.deepEqual(early.ended, { code: null, signal: 'SIGTERM' }, early.stderr);
  assert.equal(early.left, true);
});

test('kill -9 leaves the entry; liveSessions prunes it', async (t) => {
  const home = join(tmp(t), 'home');
  mkdirSync(home); // the Codex home: codexguard never makes it
  const w = startWorker(['session', home, 'wait']);
  const file = String((await w.line((l) => l.registered === true)).file);
  const before = liveSessions(home);
  assert.deepEqual(before.ok && before.sessions.map((s) => s.pid), [w.pid]);
  w.proc.kill('SIGKILL');
  await w.ended;
  assert.ok(existsSync(file), 'nothing can run on SIGKILL');
  assert.deepEqual(liveSessions(home), { ok: true, sessions: [], pruned: 1 });
  assert.equal(existsSync(file), false);
});

for (const [signal, preflight] of [
  ['SIGTERM', ''],
  ['SIGHUP', ''],
  ['SIGQUIT', ''],
  ['SIGTERM', 'preflight'],
  ['SIGHUP', 'preflight'],
] as const) {
  test(`a shim sent ${signal} forwards it, outlives its child, then dies of it with its entry gone${preflight && ' (lock taken before)'}`, async (t) => {
    const { home, w, file, child } = await shimWithChild(t, preflight);
    const live = liveSessions(home);
    assert.deepEqual(live.ok && live.sessions.map((s) => [s.pid, s.child?.pid]), [[w.pid, child]]);
    w.proc.kill(signal);
    await waitFor(() => existsSync(join(home, 'child.got')));
    assert.equal(readFileSync(join(home, 'child.got'), 'utf8'), signal);
    assert.ok(alive(w.pid), 'the shim is still there while its child finishes');
    assert.deepEqual(await w.ended, { code: null, signal }, w.stderr());
    assert.deepEqual((await w.line((l) => 'childEnded' in l)).childEnded, { code: null, signal, pid: child });
    assert.equal(existsSync(file), false);
  });
}

test('a shim sent SIGINT (to its pid alone, no terminal) passes it on, outlives it, and ends as its child did, entry gone', async (t) => {
  const { w, file, child } = await shimWithChild(t);
  w.proc.kill('SIGINT');
  assert.deepEqual(
    (await w.line((l) => 'childEnded' in l)).childEnded,
    { code: null, signal: 'SIGINT', pid: child },
    'the child got it',
  );
  assert.deepEqual(await w.ended, { code: null, signal: 'SIGINT' }, w.stderr());
  assert.equal(existsSync(file), false);
});

test('a shim killed with -9 stays live while its orphaned codex runs, then is pruned', async (t) => {
  const { home, w, child } = await shimWithChild(t);
  w.proc.kill('SIGKILL');
  await w.ended;
  const live = liveSessions(home);
  assert.deepEqual(live.ok && live.sessions.map((s) => s.pid), [w.pid], 'codex still runs: the session is live');
  await waitFor(() => !alive(child), 10_000, 'the orphaned child to end');
  assert.deepEqual(liveSessions(home), { ok: true, sessions: [], pruned: 1 });
});

test('pid reuse, foreign, unreadable and half-written entries are judged as they should be', (t) => {
  const home = join(tmp(t), 'home');
  mkdirSync(home); // the Codex home: codexguard never makes it
  const dir = sessionsDir(home);
  mkdirSync(dir, { recursive: true });
  const base = { v: 1, startedAt: Date.now(), codexHome: home, argv0: 'codex', child: null };
  const dead = deadPid();
  const put = (name: string, body: unknown) =>
    writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  // pid 1 runs, but it is not the process recorded (another start time, or a stamp from before this boot).
  put('1.json', {
    ...base,
    pid: 1,
    where: where(),
    start: process.platform === 'linux' ? 'other-boot/1' : undefined,
    startedAt: 0,
  });
  put(`${dead}.json`, { ...base, pid: dead, where: where() });
  put(`${process.ppid}.json`, { ...base, pid: process.ppid, where: 'another-host/pid:[1]' }); // cannot be checked: live
  put(`${process.ppid}.json.${process.ppid}.tmp`, '{"half'); // its writer may still be at it
  put(`${dead}.json.${dead}.tmp`, '{"half');
  put(`${process.ppid}x.json`, 'ignored: not a session name');
  const r = liveSessions(home);
  assert.ok(r.ok);
  assert.deepEqual(
    r.sessions.map((s) => [s.pid, s.where]),
    [[process.ppid, 'another-host/pid:[1]']],
  );
  assert.equal(r.pruned, 3);
  assert.deepEqual(
    readdirSync(dir).sort(),
    [`${process.ppid}.json`, `${process.ppid}.json.${process.ppid}.tmp`, `${process.ppid}x.json`].sort(),
  );
  // An unreadable entry (say, from a newer codexguard) of a running pid still counts as live.
  put(`${process.ppid}.json`, '{"v":2}');
  const again = liveSessions(home);
  assert.deepEqual(again.ok && again.sessions.map((s) => s.pid), [process.ppid]);
  put(`${dead}.json`, 'garbage');
  assert.ok(liveSessions(home).ok);
  assert.equal(existsSync(join(dir, `${dead}.json`)), false, 'unreadable and its pid is gone: pruned');
});

test('judgeAlive: start times beat pids; another host counts as alive for a week', () => {
  const now = Date.now();
  const v = (o: Partial<PidView>): PidView => ({
    where: 'h/ns',
    exists: true,
    start: 'b/100',
    bootAt: now - 3_600_000,
    now,
    ...o,
  });
  const s = { startedAt: now - 1_000, start: 'b/100', where: 'h/ns' };
  assert.equal(judgeAlive(s, v({})), true);
  assert.equal(judgeAlive(s, v({ exists: false, start: undefined })), false);
  assert.equal(judgeAlive(s, v({ start: 'b/200' })), false, 'same pid, another process');
  assert.equal(judgeAlive(s, v({ start: 'c/100' })), false, 'same ticks, another boot');
  assert.equal(judgeAlive({ ...s, start: undefined }, v({ start: undefined })), true, 'no /proc: started this boot');
  assert.equal(
    judgeAlive({ ...s, start: undefined, startedAt: now - 7_200_000 }, v({ start: undefined })),
    false,
    'no /proc: started before this boot',
  );
  assert.equal(judgeAlive({ ...s, where: 'other/ns' }, v({ exists: false })), true);
  assert.equal(
    judgeAlive({ ...s, where: 'other/ns', startedAt: now - 8 * 24 * 3_600_000 }, v({ exists: false })),
    false,
  );
});

test('a read-only CODEX_HOME: register fails with a message, liveSessions answers, nothing throws', (t) => {
  const home = unwritableHome(t);
  const reg = registerSession(home);
  assert.equal(reg.ok, false);
  assert.match(reg.ok ? '' : reg.message, /cannot register the session/);
  assert.equal(reg.ok ? '' : reg.code, 'E_REGISTRY');
  const live = liveSessions(home);
  // Not root: no registry yet, so nobody is live. Root: codexguard/ is a file here, so the registry cannot be read.
  assert.deepEqual(
    live,
    process.getuid?.() === 0
      ? { ok: false, code: 'E_REGISTRY', message: live.ok ? '' : live.message }
      : { ok: true, sessions: [], pruned: 0 },
  );
});
