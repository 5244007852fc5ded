// What the terminal restore writes, and which keys answer the restart question. Pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyChoice } from '../src/terminal/ask-key.ts';
import { RESTORE_SEQUENCE } from '../src/terminal/restore.ts';

test('the restore sequence undoes every mode codex turns on', () => {
  const wanted = {
    'leave the alternate screen': '\x1b[?1049l',
    'show the cursor': '\x1b[?25h',
    'bracketed paste off': '\x1b[?2004l',
    'focus reporting off': '\x1b[?1004l',
    'alternate scroll off': '\x1b[?1007l',
    'mouse 1000 off': '\x1b[?1000l',
    'mouse 1002 off': '\x1b[?1002l',
    'mouse 1003 off': '\x1b[?1003l',
    'mouse SGR off': '\x1b[?1006l',
    'mouse urxvt off': '\x1b[?1015l',
    'pop kitty keyboard flags': '\x1b[<u',
    'modifyOtherKeys off': '\x1b[>4;0m',
    'synchronized output off': '\x1b[?2026l',
  };
  for (const [what, seq] of Object.entries(wanted)) assert.ok(RESTORE_SEQUENCE.includes(seq), what);
});

test('the restore sequence never resets the terminal (that would wipe the scrollback)', () => {
  assert.ok(!RESTORE_SEQUENCE.includes('\x1bc'), 'no RIS');
  assert.ok(!RESTORE_SEQUENCE.includes('\x1b[!p'), 'no soft reset');
  assert.ok(!/\x1b\[[23]?J/.test(RESTORE_SEQUENCE), 'no erase');
  assert.ok(!RESTORE_SEQUENCE.includes('\x1b[3J'), 'no scrollback erase');
});

test('kitty flags are popped on both screens: once before leaving the alternate screen, once after', () => {
  const leave = RESTORE_SEQUENCE.indexOf('\x1b[?1049l');
  assert.ok(RESTORE_SEQUENCE.indexOf('\x1b[<u') < leave);
  assert.ok(RESTORE_SEQUENCE.lastIndexOf('\x1b[<u') > leave);
  assert.ok(RESTORE_SEQUENCE.lastIndexOf('\x1b[?25h') > leave, 'the cursor is shown on the main screen');
});

test('r resumes; q, Esc, Ctrl-C and Ctrl-D quit', () => {
  for (const k of ['r', 'R']) assert.equal(keyChoice(k), 'resume');
  for (const k of ['q', 'Q', '\x1b', '\x03', '\x04']) assert.equal(keyChoice(k), 'quit');
});

test('other keys, pastes and escape sequences are ignored', () => {
  for (const k of ['x', ' ', '\r', '\n', 'rq', 'resume', 'qr', '\x1b[A', '\x1b[?1;2c', '\x1b[200~r\x1b[201~', '']) {
    assert.equal(keyChoice(k), undefined, JSON.stringify(k));
  }
});
