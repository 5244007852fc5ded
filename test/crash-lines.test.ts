// The lines a person reads after a crash. Pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { askLine, crashLine, describeSignal, restartLine, stopLine, tildePath } from '../src/crash/describe.ts';

test('signals are described the way a shell does', () => {
  assert.equal(describeSignal('SIGTRAP'), 'SIGTRAP, trace trap');
  assert.equal(describeSignal('SIGSEGV'), 'SIGSEGV, segmentation fault');
  assert.equal(describeSignal('SIGABRT'), 'SIGABRT, abort');
  assert.equal(describeSignal('SIGBUS'), 'SIGBUS, bus error');
  assert.equal(describeSignal('SIGILL'), 'SIGILL, illegal instruction');
  assert.equal(describeSignal('SIGUSR1'), 'SIGUSR1');
});

test('the crash line: what happened, after how long, and where the bundle is, on one line', () => {
  const line = crashLine(
    'SIGTRAP',
    41 * 60_000,
    '/home/u/.codex/codexguard/crashes/20250101T000000Z-SIGTRAP-42',
    '/home/u',
  );
  assert.equal(
    line,
    'codexguard: codex crashed (SIGTRAP, trace trap) after 41m; bundle: ~/.codex/codexguard/crashes/20250101T000000Z-SIGTRAP-42',
  );
  assert.equal(
    crashLine('SIGSEGV', 2_000, undefined, '/home/u'),
    'codexguard: codex crashed (SIGSEGV, segmentation fault) after 2s; no crash bundle was written',
  );
  assert.ok(!line.includes('\n'));
});

test('paths under home are shown with ~, others as they are', () => {
  assert.equal(tildePath('/home/u/x', '/home/u'), '~/x');
  assert.equal(tildePath('/home/u', '/home/u'), '~');
  assert.equal(tildePath('/home/user2/x', '/home/u'), '/home/user2/x');
  assert.equal(tildePath('/tmp/x', ''), '/tmp/x');
});

test('the question is the crash line with the choices after it: one line, not two that say the same', () => {
  assert.equal(
    askLine('SIGTRAP', 8_900, true, '/home/u/b', '/home/u'),
    'codexguard: codex crashed (SIGTRAP, trace trap) after 8s; bundle: ~/b  [r]esume  [q]uit ',
  );
  assert.equal(
    askLine('SIGABRT', 2_000, false, undefined, '/home/u'),
    'codexguard: codex crashed (SIGABRT, abort) after 2s; no crash bundle was written  [r]estart  [q]uit ',
  );
});

test('the stop and restart lines', () => {
  assert.equal(
    stopLine('it crashed 4 times within 10m'),
    'codexguard: not restarting codex: it crashed 4 times within 10m',
  );
  assert.equal(
    restartLine(['resume', '--last', '-m', 'o3'], 500),
    'codexguard: resuming codex (codex resume --last) in 500ms',
  );
  assert.equal(restartLine(['exec', 'hi'], 2_000), 'codexguard: restarting codex in 2s');
  assert.equal(restartLine(['resume', '--last'], 0), 'codexguard: resuming codex (codex resume --last)');
});
