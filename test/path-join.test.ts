// joinAll and joinerOf give exactly what path.join gives, for every kind of directory a launch meets.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { joinAll, joinerOf } from '../src/path-join.ts';

/** Directories as they come: normal, with a trailing or doubled slash, with `.` and `..`, relative, empty, the root. */
const DIRS = [
  '/home/alice',
  '/home/alice/',
  '/home//alice',
  '/home/alice/./src/../src/project',
  '/',
  '//',
  'relative/dir',
  './relative',
  'a/..',
  '..',
  '../up/',
  '.',
  '',
];
/** Normal relative names: one segment, several, dotfiles. */
const NAMES = [
  '.codexguardrc',
  'config.json',
  'codexguard/config.yml',
  'node_modules/@openai/codex',
  'logs_2.sqlite-wal',
];

test('joinAll and joinerOf are path.join for normal relative names', () => {
  for (const dir of DIRS) {
    assert.deepEqual(
      joinAll(dir, NAMES),
      NAMES.map((name) => join(dir, name)),
      JSON.stringify(dir),
    );
    const at = joinerOf(dir);
    for (const name of NAMES) assert.equal(at(name), join(dir, name), `${JSON.stringify(dir)} + ${name}`);
  }
});
