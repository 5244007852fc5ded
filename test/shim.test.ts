// The shim is transparent: argv, stdio, cwd, env, exit status and signals pass through untouched.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { constants } from 'node:os';
import { inTmux } from './helpers/tmux.ts';
import { codexEnv, REAL_CODEX } from './helpers/codex-home.ts';
import {
  cleanEnv,
  fakeCodex,
  linkShim,
  NODE_BIN_DIR,
  readRecord,
  runSync,
  SHIM,
  tmp,
  waitFor,
} from './helpers/index.ts';

/** A temp world: a dir with the shim linked as `codex`, a dir with the fake real codex, and a CODEX_HOME. */
function world(t: Parameters<typeof tmp>[0]) {
  const root = tmp(t);
  const shimDir = join(root, 'shim-bin');
  const realDir = join(root, 'real-bin');
  const home = join(root, 'codex-home');
  mkdirSync(home);
  const shim = linkShim(shimDir);
  const real = fakeCodex(realDir);
  const record = join(root, 'record.json');
  const env = (extra: Record<string, string | undefined> = {}) =>
    cleanEnv({
      PATH: [shimDir, realDir, NODE_BIN_DIR].join(':'),
      CODEX_HOME: home,
      FAKE_CODEX_RECORD: record,
      ...extra,
    });
  return { root, shimDir, realDir, home, shim, real, record, env };
}

test('argv reaches the real codex verbatim, with cwd and env unchanged', (t) => {
  const w = world(t);
  const args = ['exec', '--model', 'o3', '', 'two words', 'ünïcödé', '--', '-x', '$HOME', '*'];
  const cwd = join(w.root, 'work dir');
  mkdirSync(cwd);
  const r = runSync(w.shim, args, { env: w.env({ MY_VAR: 'kept = as is' }), cwd });
  assert.equal(r.status, 0, r.stderr);
  const rec = readRecord(w.record);
  assert.deepEqual(rec.argv, args);
  assert.equal(rec.cwd, cwd);
  assert.equal(rec.self, w.real);
  assert.equal(rec.env.MY_VAR, 'kept = as is');
  assert.equal(rec.env.PATH, w.env().PATH);
  assert.equal(r.stderr, '', 'the shim prints nothing while all is well');
});

test('stdin, stdout and stderr are passed through', (t) => {
  const w = world(t);
  const r = runSync(w.shim, [], {
    env: w.env({ FAKE_CODEX_STDIN: '1', FAKE_CODEX_PRINT: 'out\n' }),
    input: 'hello from stdin\n',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'out\n');
  assert.equal(readRecord(w.record).stdin, 'hello from stdin\n');
});

test('exit codes are mirrored exactly', (t) => {
  const w = world(t);
  for (const code of [0, 1, 2, 3 + Math.floor(Math.random() * 120), 126, 127, 255]) {
    const r = runSync(w.shim, [], { env: w.env({ FAKE_CODEX_EXIT: String(code) }) });
    assert.equal(r.status, code, `exit ${code}: ${r.stderr}`);
    assert.equal(r.signal, null);
  }
});

for (const signal of ['SIGTRAP', 'SIGSEGV', 'SIGABRT', 'SIGTERM', 'SIGKILL', 'SIGUSR2'] as const) {
  test(`death by ${signal} is mirrored: the shim dies of it too`, (t) => {
    const w = world(t);
    const r = runSync(w.shim, [], { env: w.env({ FAKE_CODEX_SIGNAL: signal }) });
    assert.equal(r.signal, signal, r.stderr);
    // The shell sees 128+n, and prints what it prints for the real binary.
    const sh = runSync('/bin/bash', ['-c', `"${w.shim}"; echo "status=$?"`], {
      env: w.env({ FAKE_CODEX_SIGNAL: signal }),
    });
    assert.match(sh.stdout, new RegExp(`status=${128 + constants.signals[signal]}`));
  });
}

test('bash reports a trace trap exactly as it does for the real binary', (t) => {
  const w = world(t);
  const viaShim = runSync('/bin/bash', ['-c', `"${w.shim}"; true`], { env: w.env({ FAKE_CODEX_SIGNAL: 'SIGTRAP' }) });
  const direct = runSync('/bin/bash', ['-c', `"${w.real}"; true`], { env: w.env({ FAKE_CODEX_SIGNAL: 'SIGTRAP' }) });
  assert.match(direct.stderr, /Trace\/breakpoint trap/);
  assert.match(viaShim.stderr, /Trace\/breakpoint trap/);
});

test('stdin, stdout and stderr stay TTYs in a real pseudo-terminal', (t) => {
  const w = world(t);
  const r = runSync('script', ['-qec', `"${w.shim}" tty-check`, '/dev/null'], { env: w.env() });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const rec = readRecord(w.record);
  assert.deepEqual(rec.tty, { stdin: true, stdout: true, stderr: true });
  assert.deepEqual(rec.argv, ['tty-check']);
});

/** Starts the shim in its own process group with a fake that traps `trap`, and waits until the fake is ready. */
async function startTrapping(t: Parameters<typeof tmp>[0], trap: string, exit = '0') {
  const w = world(t);
  const ready = join(w.root, 'ready');
  const child = spawn(w.shim, [], {
    env: w.env({ FAKE_CODEX_TRAP: trap, FAKE_CODEX_READY: ready, FAKE_CODEX_SLEEP_MS: '20000', FAKE_CODEX_EXIT: exit }),
    detached: true,
    stdio: 'ignore',
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitFor(() => existsSync(ready), 15_000, 'the fake codex to start');
  return { w, child, ended };
}

for (const signal of ['SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) {
  test(`${signal} sent to the shim is forwarded to codex`, async (t) => {
    const { w, child, ended } = await startTrapping(t, signal, '42');
    process.kill(child.pid!, signal);
    const end = await ended;
    assert.deepEqual(end, { code: 42, signal: null });
    assert.deepEqual(readRecord(w.record).signals, [signal]);
  });
}

/** The fake codex in a tmux pane, trapping SIGINT (kept) and SIGUSR2 (ends it, exit 7), with its shim's pid. */
async function trappingInTmux(t: Parameters<typeof tmp>[0], stty?: string) {
  const w = world(t);
  const ready = join(w.root, 'ready');
  const progress = join(w.root, 'progress.json');
  const pane = inTmux(
    t,
    w.root,
    [process.execPath, SHIM],
    w.env({
      FAKE_CODEX_TRAP: 'SIGINT,SIGUSR2',
      FAKE_CODEX_KEEP: 'SIGINT',
      FAKE_CODEX_READY: ready,
      FAKE_CODEX_PROGRESS: progress,
      FAKE_CODEX_SLEEP_MS: '20000',
      FAKE_CODEX_EXIT: '7',
      PATH: [w.shimDir, w.realDir, NODE_BIN_DIR, '/usr/bin', '/bin'].join(':'),
      ...(stty ? { FAKE_CODEX_STTY: stty } : {}),
    }),
  );
  const fake = Number(
    await waitFor(
      () => (existsSync(ready) ? readFileSync(ready, 'utf8') : undefined),
      15_000,
      'the fake codex to start',
    ),
  );
  const shimPid = Number(readFileSync(`/proc/${fake}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  const sawSigint = () =>
    waitFor(
      () => (existsSync(progress) && readFileSync(progress, 'utf8').includes('SIGINT') ? true : undefined),
      15_000,
      'codex to get SIGINT',
    );
  /** SIGUSR2 to the shim ends codex; the shim handles its signals in order, so a SIGINT it passed on is there first. */
  const finish = async () => {
    process.kill(shimPid, 'SIGUSR2');
    return { done: await pane.done(), signals: readRecord(w.record).signals as string[] };
  };
  return { pane, shimPid, sawSigint, finish };
}

test('Ctrl-C in a terminal reaches codex once (the terminal signals its group; the shim passes none on), and the shim outlives it', async (t) => {
  const tty = await trappingInTmux(t);
  tty.pane.keys('C-c');
  await tty.sawSigint();
  const { done, signals } = await tty.finish();
  assert.deepEqual(signals, ['SIGINT', 'SIGUSR2']);
  assert.equal(done.status, 7, 'the shim mirrors codex, which handled the SIGINT');
});

test('SIGINT sent to the shim alone while codex holds the terminal in raw mode (as the TUI does) reaches codex once', async (t) => {
  const tty = await trappingInTmux(t, '-isig');
  process.kill(tty.shimPid, 'SIGINT');
  await tty.sawSigint();
  const { done, signals } = await tty.finish();
  assert.deepEqual(signals, ['SIGINT', 'SIGUSR2']);
  assert.equal(done.status, 7);
});

test('a codex that dies of SIGINT makes the shim die of SIGINT', async (t) => {
  const w = world(t);
  const r = runSync(w.shim, [], { env: w.env({ FAKE_CODEX_SIGNAL: 'SIGINT' }) });
  assert.equal(r.signal, 'SIGINT');
});

test('CODEXGUARD_DISABLE=1 launches the real codex directly', (t) => {
  const w = world(t);
  const r = runSync(w.shim, ['a'], { env: w.env({ CODEXGUARD_DISABLE: '1', FAKE_CODEX_EXIT: '3' }) });
  assert.equal(r.status, 3, r.stderr);
  assert.deepEqual(readRecord(w.record).argv, ['a']);
});

for (const signal of ['SIGUSR1', 'SIGPIPE', 'SIGXFSZ'] as const) {
  test(`a codex that dies of ${signal} makes the shim die of ${signal} (not a status, not the inspector)`, (t) => {
    const w = world(t);
    // A shell codex: a Node one could not die of these (Node ignores SIGPIPE and SIGXFSZ, and SIGUSR1 is its inspector's).
    const sh = join(w.root, 'sig-bin', 'codex');
    mkdirSync(join(w.root, 'sig-bin'));
    writeFileSync(sh, `#!/bin/sh\nkill -${signal.slice(3)} $$\n`);
    chmodSync(sh, 0o755);
    const r = runSync(w.shim, [], { env: w.env({ CODEXGUARD_REAL_CODEX: sh }) });
    assert.equal(r.signal, signal, r.stderr);
    assert.doesNotMatch(r.stderr, /Debugger listening/);
  });
}

// Detached: no terminal, as under a supervisor or an IDE, which send SIGINT to the pid.
for (const signal of ['SIGINT', 'SIGWINCH', 'SIGUSR1', 'SIGUSR2', 'SIGALRM'] as const) {
  test(`${signal} sent to the shim's pid reaches codex once, and the shim ends as codex does`, async (t) => {
    const { w, child, ended } = await startTrapping(t, signal, '5');
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    process.kill(child.pid!, signal);
    const end = await ended;
    assert.deepEqual(end, { code: 5, signal: null }, 'codex handled it and exited 5; the shim mirrors that');
    assert.deepEqual(readRecord(w.record).signals, [signal]);
    assert.doesNotMatch(stderr, /Debugger listening/);
  });
}

test('the real `codex exec`: SIGINT sent to the shim\'s pid alone ends its turn ("turn interrupted"), and the shim ends as codex does', {
  timeout: 90_000,
}, async (t) => {
  const root = tmp(t);
  const home = join(root, 'codex-home');
  mkdirSync(home);
  const shim = linkShim(join(root, 'shim-bin'));
  // Offline, codex exec starts its turn and keeps reconnecting to the API: a turn in progress, to interrupt.
  const env = {
    ...codexEnv(home),
    HOME: root,
    PATH: [join(root, 'shim-bin'), NODE_BIN_DIR, '/usr/bin', '/bin'].join(':'),
    CODEXGUARD_REAL_CODEX: REAL_CODEX,
  };
  const child = spawn(shim, ['exec', '--skip-git-repo-check', 'hi'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  await waitFor(() => /Reconnecting/.test(out), 30_000, 'codex to be inside its turn');
  process.kill(child.pid!, 'SIGINT');
  const end = await ended;
  assert.match(out, /turn interrupted/, out);
  assert.deepEqual(end, { code: 1, signal: null }, 'codex ends the turn and exits 1; the shim mirrors it');
});

test('SIGUSR1 to the shim opens no inspector: codex gets it, and the shim goes on until codex ends', async (t) => {
  const w = world(t);
  const ready = join(w.root, 'ready');
  // The fake records SIGUSR1 and goes on; it ends by itself after 5 s, long after the signal.
  const child = spawn(w.shim, [], {
    env: w.env({
      FAKE_CODEX_TRAP: 'SIGUSR1',
      FAKE_CODEX_KEEP: 'SIGUSR1',
      FAKE_CODEX_READY: ready,
      FAKE_CODEX_SLEEP_MS: '5000',
      FAKE_CODEX_EXIT: '9',
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  await waitFor(() => existsSync(ready), 15_000, 'the fake codex to start');
  process.kill(child.pid!, 'SIGUSR1');
  assert.deepEqual(await ended, { code: 9, signal: null }, 'the shim outlived the signal and mirrored codex');
  assert.deepEqual(readRecord(w.record).signals, ['SIGUSR1']);
  assert.doesNotMatch(stderr, /Debugger listening|inspector/i);
});
