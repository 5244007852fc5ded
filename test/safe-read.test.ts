// readRegularFile: only regular files, never blocking, bytes counted up to the cap whatever st_size says.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRegularFile } from '../src/safe-read.ts';
import { tmp } from './helpers/index.ts';

test('reads a file up to the cap exactly; one byte more is too large; /proc says size 0 and is still counted', (t) => {
  const dir = tmp(t);
  const at = join(dir, 'at-cap');
  writeFileSync(at, 'x'.repeat(20_000));
  const read = readRegularFile(at, 20_000);
  assert.equal(read.ok && read.text.length, 20_000);
  writeFileSync(at, 'x'.repeat(20_001));
  assert.deepEqual(readRegularFile(at, 20_000), { ok: false, reason: 'too-large' });
  assert.deepEqual(readRegularFile('/proc/self/pagemap', 64 * 1024), { ok: false, reason: 'too-large' });
  const status = readRegularFile('/proc/self/status', 64 * 1024);
  assert.ok(status.ok && status.text.includes('Pid:'), 'a small /proc file (st_size 0) is read whole');
});

test('a FIFO, a device and a directory are not regular; a symlink is refused with noFollow; a missing file is missing', (t) => {
  const dir = tmp(t);
  const fifo = join(dir, 'fifo');
  spawnSync('/usr/bin/mkfifo', [fifo]);
  assert.deepEqual(readRegularFile(fifo, 1024), { ok: false, reason: 'not-regular' });
  assert.deepEqual(readRegularFile('/dev/zero', 1024), { ok: false, reason: 'not-regular' });
  assert.deepEqual(readRegularFile(dir, 1024), { ok: false, reason: 'not-regular' });
  const target = join(dir, 'target');
  writeFileSync(target, 'data');
  symlinkSync(target, join(dir, 'link'));
  assert.equal(readRegularFile(join(dir, 'link'), 1024).ok, true, 'followed when allowed');
  const link = readRegularFile(join(dir, 'link'), 1024, { noFollow: true });
  assert.equal(!link.ok && link.reason, 'symlink');
  const missing = readRegularFile(join(dir, 'nope'), 1024);
  assert.equal(!missing.ok && missing.reason, 'missing');
});
