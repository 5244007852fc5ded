// codexguard's one-line errors, and the one failure a Node upgrade brings: better-sqlite3 built for another Node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abiMismatch, CodexguardError, formatError, oneLine } from '../src/errors.ts';
import { codeOf, failure } from '../src/sqlite/errors.ts';

// Recorded: Node 22.23 loading a better-sqlite3 12.11 built by Node 20.20 (`new (require('better-sqlite3'))(':memory:')`).
const RECORDED =
  "The module '/Users/me/.local/share/codexguard/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
  'was compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\n' +
  'NODE_MODULE_VERSION 127. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).';

test('better-sqlite3 built for another Node: one line naming both ABIs and the rebuild in codexguard’s own folder', () => {
  const error = Object.assign(new Error(RECORDED), { code: 'ERR_DLOPEN_FAILED' });
  const known = abiMismatch(error)!;
  assert.equal(known.code, 'E_SQLITE_ABI');
  assert.match(
    known.message,
    /^better-sqlite3 was built for another Node\.js \(NODE_MODULE_VERSION 115; this node, v\d+\.\d+\.\d+, needs 127\): run `npm rebuild better-sqlite3` in \/Users\/me\/\.local\/share\/codexguard\/app \(or install codexguard again\)$/,
  );
  assert.equal(oneLine(error), known.message);
  assert.equal(codeOf(error), 'E_SQLITE_ABI');
  assert.deepEqual(failure('cannot rotate logs_2.sqlite', error), {
    ok: false,
    code: 'E_SQLITE_ABI',
    message: `cannot rotate logs_2.sqlite: ${known.message}`,
  });
  assert.match(formatError(error), /\[E_SQLITE_ABI\]$/);
  assert.ok(!formatError(error).includes('\n'));
});

test('other errors: the first line, their own code, and a stack only when debugging', () => {
  assert.equal(abiMismatch(new Error('SQLITE_BUSY: database is locked')), undefined);
  assert.equal(oneLine(new Error('first\nsecond')), 'first');
  assert.equal(formatError(new CodexguardError('E_IO', 'it broke')), 'codexguard: it broke [E_IO]');
  assert.match(
    formatError(new Error('boom'), true),
    /^codexguard: boom \(a bug in codexguard: please open an issue\) \[E_UNEXPECTED\]\nError: boom\n {4}at /,
  );
});

test("doctor's sqlite check: ok with the SQLite version, a fail naming the rebuild after a Node upgrade", async () => {
  const { judgeSqliteModule } = await import('../src/doctor/judge-home.ts');
  assert.match(
    judgeSqliteModule({ version: '3.50.4' }).summary,
    /^better-sqlite3 loads in node v\d+\.\d+\.\d+ \(SQLite 3\.50\.4\)$/,
  );
  const abi = judgeSqliteModule({ error: new Error(RECORDED) });
  assert.equal(abi.level, 'fail');
  assert.match(
    abi.summary,
    /^better-sqlite3 was built for another Node\.js \(NODE_MODULE_VERSION 115; this node, v[\d.]+, needs 127\)$/,
  );
  assert.equal(
    abi.fix,
    'run `npm rebuild better-sqlite3` in /Users/me/.local/share/codexguard/app (or install codexguard again)',
  );
});
