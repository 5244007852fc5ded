// `codexguard crashes …` through the built CLI (bin/codexguard.js), over real bundles in temp homes.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import * as tar from 'tar';
import type { CrashInput } from '../src/bundle/types.ts';
import { writeBundle } from '../src/bundle/write.ts';
import { CLI, cleanEnv, runSync, tmp, waitFor } from './helpers/index.ts';
import { fillLogs, makeCodexDb } from './helpers/codex-home.ts';
import { ipsReport } from './helpers/ips.ts';

/** A HOME with a CODEX_HOME (.codex) holding a small log DB, and the env to run the CLI there. */
function setup(t: TestContext) {
  const home = tmp(t, 'cg-crashes-');
  const codexHome = join(home, '.codex');
  mkdirSync(codexHome);
  makeCodexDb(join(codexHome, 'logs_2.sqlite'));
  fillLogs(join(codexHome, 'logs_2.sqlite'), { rows: 200 });
  const env = cleanEnv({ HOME: home, CODEX_HOME: codexHome });
  const cli = (...args: string[]) => runSync(process.execPath, [CLI, ...args], { env, cwd: home });
  return { home, codexHome, env, cli, crashes: join(codexHome, 'codexguard', 'crashes') };
}

function crash(codexHome: string, endedAt: number, over: Partial<CrashInput> = {}): CrashInput {
  return {
    signal: 'SIGTRAP',
    exitCode: null,
    pid: 4000 + (endedAt % 1000),
    codexPath: '/opt/codex',
    codexVersion: '0.141.0',
    argv: ['exec', 'hi'],
    cwd: codexHome,
    env: { TERM: 'xterm' },
    childStartedAt: endedAt - 60_000,
    endedAt,
    codexHome,
    ...over,
  };
}

test('crashes lists the bundles newest first, as a table and as JSON', async (t) => {
  const s = setup(t);
  assert.match(s.cli('crashes').stdout, /^No crash bundles in ~\/\.codex\/codexguard\/crashes\.$/m);
  const base = Date.UTC(2026, 5, 19, 5, 21, 6);
  const a = await writeBundle(crash(s.codexHome, base), { finisher: false, platform: 'linux' });
  const b = await writeBundle(crash(s.codexHome, base + 3_600_000, { signal: 'SIGSEGV', codexVersion: '0.169.0' }), {
    finisher: false,
    platform: 'linux',
  });
  const table = s.cli('crashes');
  assert.equal(table.status, 0, table.stderr);
  const lines = table.stdout.split('\n');
  assert.match(lines[0]!, /^ID\s+WHEN \(UTC\)\s+SIGNAL\s+CODEX\s+LIKELY CAUSE$/);
  assert.match(lines[1]!, new RegExp(`^${b.id}\\s+2026-06-19 06:21Z\\s+SIGSEGV\\s+0\\.169\\.0\\s+unknown$`));
  assert.match(lines[2]!, new RegExp(`^${a.id}\\s+2026-06-19 05:21Z\\s+SIGTRAP\\s+0\\.141\\.0\\s+`));
  const json = JSON.parse(s.cli('crashes', '--json').stdout);
  assert.equal(json.version, 1);
  assert.equal(json.dir, s.crashes);
  assert.deepEqual(
    json.bundles.map((x: { id: string; signal: string; codexVersion: string }) => [x.id, x.signal, x.codexVersion]),
    [
      [b.id, 'SIGSEGV', '0.169.0'],
      [a.id, 'SIGTRAP', '0.141.0'],
    ],
  );
  assert.equal(json.bundles[1].likelyCause.id, 'unknown');
});

test('crashes show, report and pack find a bundle by id, prefix or "latest"', async (t) => {
  const s = setup(t);
  const r = await writeBundle(crash(s.codexHome, Date.UTC(2026, 5, 20, 1, 31, 12), { pid: 1638 }), {
    finisher: false,
    platform: 'linux',
  });
  const show = s.cli('crashes', 'show', r.id!.slice(0, 12));
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /signal\s+SIGTRAP, pid 1638/);
  assert.match(show.stdout, /codex\s+0\.141\.0\s+\/opt\/codex/);
  assert.match(show.stdout, /REPORT\.md\s+\d+ B/);
  assert.equal(JSON.parse(s.cli('crashes', 'show', r.id!, '--json').stdout).id, r.id);
  assert.equal(s.cli('crashes', 'report', 'latest').stdout, readFileSync(join(r.path!, 'REPORT.md'), 'utf8'));

  const out = join(s.home, 'bundle.tar.gz');
  const pack = s.cli('crashes', 'pack', r.id!, '-o', out);
  assert.equal(pack.status, 0, pack.stderr);
  assert.equal(pack.stdout.trim(), out);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  const entries: string[] = [];
  await tar.t({ file: out, onReadEntry: (e) => entries.push(e.path) });
  for (const f of ['manifest.json', 'REPORT.md', 'databases.json', 'logs-tail.jsonl', 'system.json', 'os-reports.json'])
    assert.ok(entries.includes(`${r.id}/${f}`), f);
  const again = s.cli('crashes', 'pack', r.id!, '-o', out);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists \[E_PACK\]/);
  // Default name: <id>.tar.gz in the cwd.
  assert.equal(s.cli('crashes', 'pack', 'latest').status, 0);
  assert.ok(existsSync(join(s.home, `${r.id}.tar.gz`)));
});

test('an unknown or ambiguous id is one line and status 1', async (t) => {
  const s = setup(t);
  const base = Date.UTC(2026, 5, 19);
  await writeBundle(crash(s.codexHome, base), { finisher: false, platform: 'linux' });
  await writeBundle(crash(s.codexHome, base + 1000), { finisher: false, platform: 'linux' });
  const missing = s.cli('crashes', 'report', 'nope');
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, 'codexguard: no crash bundle "nope" (see `codexguard crashes`) [E_NO_BUNDLE]\n');
  const ambiguous = s.cli('crashes', 'show', '2026');
  assert.equal(ambiguous.status, 1);
  assert.match(ambiguous.stderr, /"2026" matches 2 bundles/);
});

test('crash.dir from the config is where bundles are listed', async (t) => {
  const s = setup(t);
  const dir = join(s.home, 'my-crashes');
  writeFileSync(join(s.home, '.codexguardrc'), JSON.stringify({ crash: { dir } }));
  await writeBundle(crash(s.codexHome, Date.UTC(2026, 5, 19)), { finisher: false, platform: 'linux' });
  assert.match(s.cli('crashes').stdout, /^No crash bundles in ~\/my-crashes\.$/m);
  const r = await writeBundle(crash(s.codexHome, Date.UTC(2026, 5, 20)), { dir, finisher: false, platform: 'linux' });
  assert.equal(JSON.parse(s.cli('crashes', '--json').stdout).bundles[0].id, r.id);
});

test('a pending OS report is finished by the detached `crashes finish`, or by the next `crashes`', async (t) => {
  const s = setup(t);
  const reports = tmp(t, 'cg-diag-');
  const ips = (pid: number) => ipsReport({ pid });
  const now = Date.now();
  const bg = await writeBundle(crash(s.codexHome, now, { pid: 111, childStartedAt: now - 1000 }), {
    platform: 'darwin',
    reportDirs: [reports],
    deadlineMs: 300,
    finisher: [process.execPath, CLI, 'crashes', 'finish'],
  });
  assert.equal(bg.pending, true);
  writeFileSync(join(reports, 'codex-2026-01-01-000001.ips'), ips(111));
  await waitFor(() => !existsSync(join(bg.path!, 'pending.json')), 15_000, 'the background finisher');
  assert.equal(JSON.parse(readFileSync(join(bg.path!, 'manifest.json'), 'utf8')).osReports, 'found');

  const fg = await writeBundle(crash(s.codexHome, now + 1000, { pid: 222, childStartedAt: now - 1000 }), {
    platform: 'darwin',
    reportDirs: [reports],
    deadlineMs: 300,
    finisher: false,
  });
  assert.equal(fg.pending, true);
  assert.match(s.cli('crashes').stdout, /\[OS report pending\]/);
  writeFileSync(join(reports, 'codex-2026-01-01-000002.ips'), ips(222));
  const listed = s.cli('crashes');
  assert.doesNotMatch(listed.stdout, /pending/);
  assert.match(listed.stdout, new RegExp(`${fg.id}.*V8 Isolate::New`));
});

test('a usage error is one line with a pointer to the help, and exit 2', () => {
  for (const args of [['bogus'], ['rotate', '--bogus'], ['crashes', 'show']]) {
    const r = runSync(process.execPath, [CLI, ...args], { env: cleanEnv() });
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^codexguard: .+; see codexguard --help\n$/, r.stderr);
  }
});
