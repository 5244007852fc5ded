// The shim's boot loader: runs the bundle as a CommonJS module with a V8 code cache beside it, and never needs one.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, runSync, tmp } from './helpers/index.ts';

/** The cache of this V8 (one per V8 version, so two Nodes never take turns rewriting one). */
const CACHE = `shim.cjs.${process.versions.v8}.v8cache`;

/** A dist-like folder: the real boot.cjs and a small shim.cjs that reports what it sees as a module. */
function fakeDist(t: Parameters<typeof tmp>[0]): string {
  const dir = tmp(t);
  copyFileSync(join(REPO, 'dist', 'boot.cjs'), join(dir, 'boot.cjs'));
  writeFileSync(join(dir, 'sibling.cjs'), 'module.exports = { from: __filename };\n');
  writeFileSync(
    join(dir, 'shim.cjs'),
    `const s = require('./sibling.cjs');
process.stdout.write(JSON.stringify({ filename: __filename, dirname: __dirname, sibling: s.from, cached: require.cache[__filename] === module, argv: process.argv.slice(2) }));
`,
  );
  return dir;
}

test('boot runs shim.cjs as a module beside it, and leaves a V8 code cache for the next launch', (t) => {
  const dir = fakeDist(t);
  // Another Node's cache beside it: neither read nor replaced.
  const other = join(dir, 'shim.cjs.1.2.3.4-node.0.v8cache');
  writeFileSync(other, 'another V8');
  const run = () => runSync(process.execPath, [join(dir, 'boot.cjs'), 'a', 'b c']);
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout), {
    filename: join(dir, 'shim.cjs'),
    dirname: dir,
    sibling: join(dir, 'sibling.cjs'),
    cached: true,
    argv: ['a', 'b c'],
  });
  const cache = join(dir, CACHE);
  assert.ok(existsSync(cache) && statSync(cache).size > 0, 'the cache was written');
  const written = statSync(cache).mtimeMs;
  const second = run();
  assert.equal(second.stdout, first.stdout);
  assert.equal(statSync(cache).mtimeMs, written, 'an accepted cache is not rewritten');
  assert.equal(readFileSync(other, 'utf8'), 'another V8');
});

test('a cache V8 rejects (garbage, or another build) is replaced; where none can be written, it just runs without one', (t) => {
  const dir = fakeDist(t);
  const cache = join(dir, CACHE);
  writeFileSync(cache, 'not a V8 cache');
  const r = runSync(process.execPath, [join(dir, 'boot.cjs')]);
  assert.equal(r.status, 0, r.stderr);
  assert.notEqual(readFileSync(cache, 'utf8'), 'not a V8 cache');
  const ro = fakeDist(t);
  // Where the cache cannot go (a folder in its place: tests run as root, so a read-only mode would not stop them).
  mkdirSync(join(ro, CACHE, 'x'), { recursive: true });
  const readOnly = runSync(process.execPath, [join(ro, 'boot.cjs')]);
  assert.equal(readOnly.status, 0, readOnly.stderr);
  assert.equal(readOnly.stderr, '');
  assert.deepEqual(readdirSync(ro).sort(), ['boot.cjs', 'shim.cjs', CACHE, 'sibling.cjs'], 'no temp file left behind');
});
