// Which ends of the real codex are crashes: crash signals and a wrapper's 128+signal exit, nothing else.
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { test } from 'node:test';
import { crashSignal, DEFAULT_CRASH_SIGNALS } from '../src/crash/detect.ts';

const CRASHES = ['SIGTRAP', 'SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL'] as const;
const NOT_CRASHES = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE', 'SIGKILL', 'SIGQUIT', 'SIGUSR1'] as const;

test('the default crash signals are the five of the issue', () => {
  assert.deepEqual([...DEFAULT_CRASH_SIGNALS].sort(), [...CRASHES].sort());
});

test('death by a crash signal is a crash, named by that signal', () => {
  for (const signal of CRASHES) assert.equal(crashSignal({ code: null, signal }), signal);
});

test('death by SIGINT, SIGTERM, SIGHUP, SIGPIPE and other signals is not a crash', () => {
  for (const signal of NOT_CRASHES) assert.equal(crashSignal({ code: null, signal }), undefined, signal);
});

test("a wrapper's exit 128+n is a crash when n is a crash signal", () => {
  for (const signal of CRASHES)
    assert.equal(crashSignal({ code: 128 + constants.signals[signal], signal: null }), signal);
  for (const signal of NOT_CRASHES)
    assert.equal(crashSignal({ code: 128 + constants.signals[signal], signal: null }), undefined, signal);
});

test('plain exit codes are never crashes', () => {
  for (const code of [0, 1, 2, 5, 6, 11, 127, 128, 255])
    assert.equal(crashSignal({ code, signal: null }), undefined, String(code));
  assert.equal(crashSignal({ code: null, signal: null }), undefined);
});

test('a configured signal list replaces the default', () => {
  assert.equal(crashSignal({ code: null, signal: 'SIGTRAP' }, ['SIGSEGV']), undefined);
  assert.equal(crashSignal({ code: null, signal: 'SIGSEGV' }, ['SIGSEGV']), 'SIGSEGV');
  assert.equal(crashSignal({ code: null, signal: 'SIGFPE' }, ['SIGFPE']), 'SIGFPE');
  assert.equal(crashSignal({ code: 128 + constants.signals.SIGFPE, signal: null }, ['SIGFPE']), 'SIGFPE');
  assert.equal(crashSignal({ code: 128 + constants.signals.SIGTRAP, signal: null }, []), undefined);
});
