// Whether SIGINT / SIGWINCH reaching the shim must be passed on (pure), and the readings it rests on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { groupsFromStat, isigFrom, mustForward } from '../src/launch/signal-origin.ts';

test('the terminal signals its whole foreground group: only what it cannot have sent is passed on', () => {
  const cases: Array<[signal: 'SIGINT' | 'SIGWINCH', foreground: boolean, isig: boolean, forward: boolean]> = [
    ['SIGINT', false, true, true], // no terminal, or in the background: sent to the pid
    ['SIGWINCH', false, true, true],
    ['SIGINT', true, true, false], // Ctrl-C: codex has it already
    ['SIGWINCH', true, true, false], // a resize: codex has it already
    ['SIGINT', true, false, true], // raw mode (the TUI): Ctrl-C is a key, so a SIGINT was sent to the pid
    ['SIGWINCH', true, false, false], // resizes signal the group whatever the mode
  ];
  for (const [signal, foreground, isig, forward] of cases)
    assert.equal(mustForward(signal, { foreground, isig }), forward, `${signal} fg=${foreground} isig=${isig}`);
});

test('pgrp and tpgid come from /proc/<pid>/stat, whatever the command name holds', () => {
  assert.deepEqual(groupsFromStat('4242 (we ird) (name) S 1 4200 4200 34816 4300 4194304 0'), {
    pgrp: 4200,
    tpgid: 4300,
  });
  assert.deepEqual(groupsFromStat('17 (sh) S 1 17 17 0 -1 4194560'), { pgrp: 17, tpgid: -1 });
  const own = groupsFromStat(readFileSync('/proc/self/stat', 'utf8'));
  assert.ok(own && own.pgrp > 0, 'this process has a group');
});

test('isig is read from `stty -a` in GNU and BSD forms; unknown counts as on', () => {
  assert.equal(isigFrom('isig icanon iexten echo echoe echok'), true);
  assert.equal(isigFrom('-isig -icanon iexten -echo'), false);
  assert.equal(isigFrom('lflags: -icanon -isig -iexten -echo echoe'), false); // macOS
  assert.equal(isigFrom(''), true);
});
