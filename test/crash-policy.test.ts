// The crash path's restart modes without a terminal: never, ask, always, exec runs, the guard, resume off, the pre-flight hook.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CrashPolicy } from '../src/crash/policy.ts';
import { cleanEnv, REPO, runSync, spawn, waitFor } from './helpers/index.ts';

const HARNESS = join(REPO, 'test', 'fixtures', 'on-crash-harness.ts');

/** onCrash in a child process with pipes for stdio (no TTY). */
function crash(ctx: {
  args?: string[];
  crashPolicy?: Partial<CrashPolicy>;
  crashes?: { startedAt: number; endedAt: number }[];
  signal?: string;
}) {
  const r = runSync(process.execPath, ['--import', 'tsx', HARNESS, JSON.stringify(ctx)], {
    env: cleanEnv(),
    cwd: REPO,
  });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as {
    outcome: { restart: boolean; args?: string[] };
    crashes: number;
    waitedMs: number;
  };
  return { ...result, stderr: r.stderr };
}

test('"always": an interactive session comes back as resume --last, after a backoff', () => {
  const r = crash({ args: ['-m', 'o3', '-p', 'work', 'first prompt'], crashPolicy: { mode: 'always' } });
  assert.deepEqual(r.outcome, { restart: true, args: ['resume', '--last', '-m', 'o3', '-p', 'work'] });
  assert.ok(r.waitedMs >= 500, `backoff: waited ${r.waitedMs} ms`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 3, r.stderr);
  assert.match(lines[0]!, /^codexguard: codex crashed \(SIGTRAP, trace trap\) after 30s; /);
  assert.match(
    lines[1]!,
    /^codexguard: could not tell which conversation crashed \(there is no state_5\.sqlite in \S+\); resuming the newest one here \(--last\)$/,
  );
  assert.equal(lines[2], 'codexguard: resuming codex (codex resume --last) in 500ms');
  assert.doesNotMatch(r.stderr, /\x1b/, 'no escape sequences without a terminal');
});

test('"always": an exec run comes back with its own argv', () => {
  const r = crash({ args: ['exec', '--json', 'do it'], crashPolicy: { mode: 'always' } });
  assert.deepEqual(r.outcome, { restart: true, args: ['exec', '--json', 'do it'] });
  assert.match(r.stderr, /codexguard: restarting codex in 500ms/);
});

test('"always" with restart.resume off restarts with the same argv', () => {
  const r = crash({ args: ['-m', 'o3', 'hi'], crashPolicy: { mode: 'always', resume: false } });
  assert.deepEqual(r.outcome, { restart: true, args: ['-m', 'o3', 'hi'] });
});

test('"always": the guard stops the 4th restart in the window, and says so', () => {
  const now = Date.now();
  const earlier = [3, 2, 1].map((m) => ({ startedAt: now - m * 60_000 - 1_000, endedAt: now - m * 60_000 }));
  const r = crash({ args: [], crashPolicy: { mode: 'always' }, crashes: earlier });
  assert.deepEqual(r.outcome, { restart: false });
  assert.equal(r.crashes, 4);
  assert.match(
    r.stderr,
    /^codexguard: not restarting codex: it crashed 4 times within 10m \(restart.maxRestarts is 3\)$/m,
  );
});

test('"never", and "ask" without a terminal: no restart, one line, no question', () => {
  for (const mode of ['never', 'ask'] as const) {
    const r = crash({ args: ['-m', 'o3'], crashPolicy: { mode } });
    assert.deepEqual(r.outcome, { restart: false }, mode);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\[r\]esume/);
  }
});

test('Ctrl-C during the backoff cancels the restart', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', HARNESS, JSON.stringify({ args: [], crashPolicy: { mode: 'always', backoffMs: 5_000 } })],
    { env: cleanEnv(), cwd: REPO },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await waitFor(() => stderr.includes('in 5s'), 10_000, 'the restart line');
  child.kill('SIGINT');
  assert.equal(await exited, 0, stderr);
  const result = JSON.parse(stdout) as { outcome: unknown; waitedMs: number };
  assert.deepEqual(result.outcome, { restart: false });
  assert.ok(result.waitedMs < 5_000, 'did not wait the backoff out');
});
