// The seed report's failure chain, replayed by test/fixtures/seed-repro-codex.mjs on a real logs DB, and captured by the shim.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cleanEnv, REPO, runSync, SHIM, tmp } from './helpers/index.ts';
import { fillLogs, makeCodexDb } from './helpers/codex-home.ts';

const SEED = join(REPO, 'test', 'fixtures', 'seed-repro-codex.mjs');

/** A Codex home whose log DB holds 20k rows over 30 days: two thirds are past Codex's 10-day retention. */
function home(t: TestContext): string {
  const dir = tmp(t, 'cg-seed-');
  makeCodexDb(join(dir, 'logs_2.sqlite'));
  fillLogs(join(dir, 'logs_2.sqlite'), { rows: 20_000, spreadSeconds: 30 * 86_400 });
  return dir;
}

function runFake(dir: string, busyMs: number) {
  const result = join(dir, 'result.json');
  const r = runSync(process.execPath, [SEED], {
    env: cleanEnv({ CODEX_HOME: dir, SEED_BUSY_TIMEOUT_MS: String(busyMs), SEED_RESULT: result }),
  });
  return { ...r, result: JSON.parse(readFileSync(result, 'utf8')) };
}

test('the fake dies of SIGTRAP on the first SQLITE_BUSY, when the prune holds the lock longer than the busy timeout', (t) => {
  const r = runFake(home(t), 5);
  assert.equal(r.signal, 'SIGTRAP', `status ${r.status}, stderr ${r.stderr}`);
  assert.equal(r.result.busy, true);
  assert.equal(r.result.error, 'SQLITE_BUSY');
  assert.match(r.stderr, /config persistence task panicked: database is locked/);
});

test('with a busy timeout longer than the prune, the same start-up prunes and ends cleanly', (t) => {
  const r = runFake(home(t), 30_000);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.result.busy, false);
  assert.ok(r.result.pruned > 12_000 && r.result.pruned < 14_000, `pruned ${r.result.pruned}`);
  assert.equal(r.result.inserted, 4 * 10 * 128);
});

test('through the shim, the crash becomes a bundle and the shim dies of the same signal', (t) => {
  const dir = home(t);
  const r = runSync(process.execPath, [SHIM, 'exec', 'hi'], {
    env: cleanEnv({
      CODEX_HOME: dir,
      CODEXGUARD_REAL_CODEX: SEED,
      SEED_BUSY_TIMEOUT_MS: '5',
      TERM: 'xterm',
      OPENAI_API_KEY: 'sk-PLANTEDshim0123456789',
    }),
  });
  assert.equal(r.signal, 'SIGTRAP', `status ${r.status}, stderr ${r.stderr}`);
  const crashes = join(dir, 'codexguard', 'crashes');
  const ids = existsSync(crashes) ? readdirSync(crashes) : [];
  assert.equal(ids.length, 1, `bundles: ${ids.join(', ')}; stderr: ${r.stderr}`);
  const bundle = join(crashes, ids[0]!);
  assert.match(r.stderr, new RegExp(`bundle: .*${ids[0]}`));
  const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
  assert.equal(manifest.signal, 'SIGTRAP');
  assert.equal(manifest.codex.path, SEED);
  assert.equal(manifest.codex.version, '0.141.0');
  assert.deepEqual(manifest.argv, ['exec', 'hi']);
  const dbs = JSON.parse(readFileSync(join(bundle, 'databases.json'), 'utf8'));
  const logs = dbs.find((d: { name: string }) => d.name === 'logs_2.sqlite');
  assert.ok(logs.launch, 'the pre-flight snapshot is in databases.json');
  assert.ok(logs.rows >= 20_000, `the prune never committed (${logs.rows} rows)`);
  const all = readdirSync(bundle)
    .map((f) => (f === 'os-reports' ? '' : readFileSync(join(bundle, f), 'utf8')))
    .join('\n');
  assert.ok(!all.includes('sk-PLANTEDshim0123456789'));
  assert.match(readFileSync(join(bundle, 'REPORT.md'), 'utf8'), /^# codex crashed with SIGTRAP \(trace trap\)/);
});
