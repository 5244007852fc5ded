// writeBundle against real DBs in temp homes: contents, modes, redaction of planted secrets, retention, the 2 s budget, OS reports.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { finishPending } from '../src/bundle/pending.ts';
import type { CrashInput } from '../src/bundle/types.ts';
import { writeBundle } from '../src/bundle/write.ts';
import { REAL_LAUNCHER, REPO, tmp } from './helpers/index.ts';
import { fillLogs, makeCodexDb, PINNED_CODEX_VERSION } from './helpers/codex-home.ts';
import { IPS_TEMPLATE, ipsReport } from './helpers/ips.ts';
import { isCodexReport, parseIps, samePath } from '../src/bundle/os-reports.ts';

const SECRETS = [
  'sk-proj-PLANTEDenv0123456789',
  'ghp_PLANTEDghp0123456789abcdefghijklmn',
  'sk-PLANTEDargv0123456789',
  'plantedArgvConfigValue',
  'github_pat_PLANTEDpat_0123456789abcdefghij',
  'PLANTEDbearer0123456789',
  'sk-PLANTEDrow0123456789',
  'plantedRowPassword',
  'eyJhbGciOiJIUzI1NiJ9.eyJQTEFOVEVEIjoxfQ.PLANTEDjwtSignature',
  'sk-PLANTEDauthjson0123456789',
  'plantedNotAllowListed',
];

/** A Codex home with a 3000-row log DB (30 days, all before the session), a state DB, and an auth.json that must never be read. */
function home(t: TestContext): string {
  const dir = tmp(t, 'cg-bundle-');
  makeCodexDb(join(dir, 'logs_2.sqlite'));
  makeCodexDb(join(dir, 'state_5.sqlite'), 'state_5.sqlite');
  fillLogs(join(dir, 'logs_2.sqlite'), {
    rows: 3000,
    now: Math.floor(Date.now() / 1000) - 3600,
    spreadSeconds: 30 * 86_400,
  });
  writeFileSync(join(dir, 'auth.json'), JSON.stringify({ OPENAI_API_KEY: 'sk-PLANTEDauthjson0123456789' }), {
    mode: 0o600,
  });
  return dir;
}

/** Session rows (ts now): `info` INFO rows, then WARN/ERROR rows carrying planted secrets. */
function sessionRows(dir: string, info: number): void {
  const db = new Database(join(dir, 'logs_2.sqlite'));
  const insert = db.prepare(
    'INSERT INTO logs (ts, ts_nanos, level, target, feedback_log_body, estimated_bytes) VALUES (?, ?, ?, ?, ?, 0)',
  );
  const now = Math.floor(Date.now() / 1000);
  db.transaction(() => {
    for (let i = 0; i < info; i++) insert.run(now, i, 'INFO', 'codex_core::session', `turn ${i}`);
    insert.run(
      now,
      info + 1,
      'WARN',
      'codex_api',
      'request failed: Authorization: Bearer PLANTEDbearer0123456789 key=sk-PLANTEDrow0123456789',
    );
    insert.run(
      now,
      info + 2,
      'ERROR',
      'codex_state',
      '{"user":"me","password":"plantedRowPassword","jwt":"eyJhbGciOiJIUzI1NiJ9.eyJQTEFOVEVEIjoxfQ.PLANTEDjwtSignature"}',
    );
  })();
  db.close();
}

function input(dir: string, over: Partial<CrashInput> = {}): CrashInput {
  const now = Date.now();
  return {
    signal: 'SIGTRAP',
    exitCode: null,
    pid: 4242,
    codexPath: '/opt/codex/bin/codex',
    codexVersion: '0.169.0',
    argv: [
      '--api-key',
      'sk-PLANTEDargv0123456789',
      '-c',
      'api_key="plantedArgvConfigValue"',
      'fix it, token github_pat_PLANTEDpat_0123456789abcdefghij',
    ],
    cwd: dir,
    env: {
      TERM: 'xterm-256color',
      TERM_PROGRAM: 'tmux',
      CODEX_HOME: dir,
      OPENAI_API_KEY: 'sk-proj-PLANTEDenv0123456789',
      GITHUB_TOKEN: 'ghp_PLANTEDghp0123456789abcdefghijklmn',
      SOMETHING: 'plantedNotAllowListed',
      PATH: '/nonexistent',
    },
    shimStartedAt: now - 5_100,
    childStartedAt: now - 5_000,
    endedAt: now,
    codexHome: dir,
    preflight: {
      at: now - 5_050,
      dbs: [
        { name: 'logs_2.sqlite', size: 1_000_000, walSize: 0 },
        { name: 'state_5.sqlite', size: 4096, walSize: 0 },
      ],
    },
    ...over,
  };
}

/** Every file under `dir`, recursively, with its text. */
function allFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.set(join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), 'utf8'));
  return out;
}

const mode = (p: string) => statSync(p).mode & 0o777;

test('a bundle holds every file, owner-only, with every planted secret gone and auth.json unread', async (t) => {
  const dir = home(t);
  sessionRows(dir, 5);
  const r = await writeBundle(input(dir), { finisher: false, platform: 'linux' });
  assert.deepEqual(r.warnings, []);
  assert.match(r.id!, /^\d{8}T\d{6}Z-SIGTRAP-4242$/);
  assert.equal(r.path, join(dir, 'codexguard', 'crashes', r.id!));
  assert.equal(mode(r.path!), 0o700);
  assert.equal(mode(join(dir, 'codexguard', 'crashes')), 0o700);
  const files = allFiles(r.path!);
  assert.deepEqual([...files.keys()].map((f) => f.slice(r.path!.length + 1)).sort(), [
    'REPORT.md',
    'databases.json',
    'logs-tail.jsonl',
    'manifest.json',
    'os-reports.json',
    'system.json',
  ]);
  for (const [file, text] of files) {
    assert.equal(mode(file), 0o600, file);
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} in ${file}`);
  }
  const manifest = JSON.parse(files.get(join(r.path!, 'manifest.json'))!);
  assert.equal(manifest.schema, 1);
  assert.equal(manifest.signal, 'SIGTRAP');
  assert.equal(manifest.signalNumber, 5);
  assert.equal(manifest.codex.version, '0.169.0');
  assert.deepEqual(Object.keys(manifest.env).sort(), ['CODEX_HOME', 'TERM', 'TERM_PROGRAM']);
  assert.deepEqual(manifest.term, { TERM: 'xterm-256color', TERM_PROGRAM: 'tmux' });
  assert.equal(manifest.times.uptimeMs, 5_000);
  assert.equal(manifest.argv.length, 5);
  for (const key of ['platform', 'osRelease', 'arch', 'node']) assert.ok(manifest.platform[key], key);
  assert.equal(manifest.osReports, 'unavailable');

  const dbs = JSON.parse(files.get(join(r.path!, 'databases.json'))!);
  const logs = dbs.find((d: { name: string }) => d.name === 'logs_2.sqlite');
  assert.equal(logs.rows, 3007);
  assert.equal(logs.sessionRows, 7);
  assert.deepEqual(logs.launch, { size: 1_000_000, walSize: 0 });
  assert.equal(logs.growth.size, logs.size - 1_000_000);
  assert.equal(dbs.find((d: { name: string }) => d.name === 'state_5.sqlite').rows, null);

  const rows = files
    .get(join(r.path!, 'logs-tail.jsonl'))!
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    rows.map((x) => x.level),
    ['WARN', 'ERROR', 'INFO', 'INFO', 'INFO', 'INFO', 'INFO'],
  );
  assert.match(rows[0].feedback_log_body, /Bearer \[REDACTED\]/);
  const system = JSON.parse(files.get(join(r.path!, 'system.json'))!);
  assert.ok(system.disk.freeBytes > 0 && system.memory.totalBytes > 0 && system.load.length === 3);
  assert.match(files.get(join(r.path!, 'REPORT.md'))!, /^# codex crashed with SIGTRAP \(trace trap\) after 5s$/m);
});

test("REPORT.md shows the session's last minutes: rows per minute, the WAL at each in-session check, the biggest targets", async (t) => {
  const dir = home(t);
  const db = new Database(join(dir, 'logs_2.sqlite'));
  const insert = db.prepare(
    'INSERT INTO logs (ts, ts_nanos, level, target, feedback_log_body, estimated_bytes) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const now = Date.now();
  const sec = Math.floor(now / 1000);
  db.transaction(() => {
    for (let i = 0; i < 30; i++) insert.run(sec - 120, i, 'TRACE', 'codex_otel::trace', 'span', 1_000);
    for (let i = 0; i < 10; i++) insert.run(sec, i, 'INFO', 'codex_core::session', 'turn', 100);
    // Before the session: never counted, however big.
    insert.run(sec - 3 * 3600, 0, 'INFO', 'old_target', 'x', 9_999_999);
  })();
  db.close();
  const looks = [
    { at: now - 60 * 60_000, dbs: [{ name: 'logs_2.sqlite', size: 1, walSize: 999 }] },
    {
      at: now - 60_000,
      dbs: [
        { name: 'logs_2.sqlite', size: 1_000_000, walSize: 2_000_000 },
        { name: 'state_5.sqlite', size: 4096, walSize: 0 },
      ],
    },
    {
      at: now - 30_000,
      dbs: [
        { name: 'logs_2.sqlite', size: 1_000_000, walSize: 4_500_000 },
        { name: 'state_5.sqlite', size: 4096, walSize: 0 },
      ],
    },
  ];
  const r = await writeBundle(input(dir, { shimStartedAt: now - 300_000, childStartedAt: now - 300_000, looks }), {
    finisher: false,
    platform: 'linux',
  });
  const manifest = JSON.parse(readFileSync(join(r.path!, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.logs.targets, [
    { name: 'codex_otel::trace', rows: 30, bytes: 30_000 },
    { name: 'codex_core::session', rows: 10, bytes: 1_000 },
  ]);
  const minute = (s: number) => `${new Date(Math.floor(s / 60) * 60_000).toISOString().slice(0, 16)}Z`;
  assert.deepEqual(manifest.logs.perMinute, [
    { minute: minute(sec - 120), rows: 30 },
    { minute: minute(sec), rows: 10 },
  ]);
  assert.equal(manifest.looks.length, 2, 'only the last 10 minutes of looks');
  const report = readFileSync(join(r.path!, 'REPORT.md'), 'utf8');
  const section = report.slice(report.indexOf('## Just before the crash'), report.indexOf('## OS crash report'));
  assert.match(
    section,
    new RegExp(
      `Log rows written per minute over the session's last minutes \\(UTC\\): ${minute(sec - 120).slice(11, 16)} 30, ${minute(sec).slice(11, 16)} 10\\.`,
    ),
  );
  assert.match(section, /\| Time \| logs_2\.sqlite WAL \| state_5\.sqlite WAL \|/);
  assert.match(
    section,
    /\| [\d-]+ [\d:.]+ UTC \| 2\.0 MB \| 0 B \|\n\| [\d-]+ [\d:.]+ UTC \| 4\.5 MB \| 0 B \|\n\| [\d-]+ [\d:.]+ UTC \(crash\) \| [\d.]+ k?B \| [\d.]+ k?B \|/,
  );
  assert.match(section, /\| codex_otel::trace \| 30 \| 30\.0 kB \|\n\| codex_core::session \| 10 \| 1\.0 kB \|/);
  assert.doesNotMatch(section, /old_target/);
});

test('crash.logRows caps the tail, WARN and above first', async (t) => {
  const dir = home(t);
  sessionRows(dir, 50);
  const r = await writeBundle(input(dir), { finisher: false, platform: 'linux', logRows: 10 });
  const rows = readFileSync(join(r.path!, 'logs-tail.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(rows.length, 10);
  assert.deepEqual(
    rows.slice(0, 3).map((x) => x.level),
    ['WARN', 'ERROR', 'INFO'],
  );
  // The newest INFO rows, oldest first.
  assert.deepEqual(
    rows.slice(2).map((x) => x.feedback_log_body),
    Array.from({ length: 8 }, (_, i) => `turn ${42 + i}`),
  );
});

test('retention keeps the crash.keep newest bundles and touches nothing else', async (t) => {
  const dir = home(t);
  const crashes = join(dir, 'codexguard', 'crashes');
  mkdirSync(join(crashes, 'not-a-bundle'), { recursive: true });
  const base = Date.UTC(2026, 0, 1);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++)
    ids.push(
      (
        await writeBundle(
          input(dir, {
            endedAt: base + i * 60_000,
            childStartedAt: base - 1000,
            shimStartedAt: base - 1000,
            pid: 100 + i,
          }),
          { finisher: false, platform: 'linux', keep: 3 },
        )
      ).id!,
    );
  assert.deepEqual(readdirSync(crashes).sort(), [...ids.slice(2), 'not-a-bundle'].sort());
});

test('two crashes in the same second of the same pid get two bundles; nothing is overwritten', async (t) => {
  const dir = home(t);
  const crash = input(dir);
  const a = await writeBundle(crash, { finisher: false, platform: 'linux' });
  const b = await writeBundle(crash, { finisher: false, platform: 'linux' });
  assert.equal(b.id, `${a.id}-2`);
  assert.ok(existsSync(join(a.path!, 'manifest.json')) && existsSync(join(b.path!, 'manifest.json')));
});

test('never throws: an unusable crash dir gives warnings and no path', async (t) => {
  const dir = home(t);
  writeFileSync(join(dir, 'file'), 'x');
  const r = await writeBundle(input(dir), { dir: join(dir, 'file', 'crashes'), finisher: false });
  assert.equal(r.path, undefined);
  assert.match(r.warnings.join('\n'), /no crash bundle/);
});

test('a missing CODEX_HOME still gives a bundle (no DBs, no rows)', async (t) => {
  const dir = tmp(t, 'cg-bundle-empty-');
  const r = await writeBundle(
    input(join(dir, 'nohome'), { preflight: undefined, codexVersion: undefined, codexPath: undefined }),
    { dir: join(dir, 'crashes'), finisher: false, platform: 'linux' },
  );
  assert.ok(r.path);
  assert.deepEqual(JSON.parse(readFileSync(join(r.path!, 'databases.json'), 'utf8')), []);
  assert.match(readFileSync(join(r.path!, 'REPORT.md'), 'utf8'), /Unknown: no known signature matches/);
});

/** A fake `coredumpctl` on a PATH dir: `script` is its shell body; it logs its argv to dir/args. */
function fakeCoredumpctl(t: TestContext, script: string): string {
  const bin = tmp(t, 'cg-coredumpctl-');
  writeFileSync(join(bin, 'coredumpctl'), `#!/bin/sh\necho "$@" > "${bin}/args"\n${script}\n`);
  chmodSync(join(bin, 'coredumpctl'), 0o755);
  return bin;
}

test('the 2 s budget holds when coredumpctl hangs', async (t) => {
  const dir = home(t);
  const bin = fakeCoredumpctl(t, 'exec sleep 30');
  const r = await writeBundle(input(dir, { env: { ...input(dir).env, PATH: `${bin}:/usr/bin:/bin` } }), {
    finisher: false,
    platform: 'linux',
  });
  // 30 s if it had waited for coredumpctl; the budget is 2 s (plus writing the files).
  assert.ok(r.elapsedMs < 3_000, `took ${r.elapsedMs} ms`);
  const os = JSON.parse(readFileSync(join(r.path!, 'os-reports.json'), 'utf8'));
  assert.match(os.notes.join(' '), /did not answer/);
  assert.ok(existsSync(join(r.path!, 'REPORT.md')));
});

test('coredumpctl info is recorded (redacted) and the core dump linked, not copied', async (t) => {
  const dir = home(t);
  const info = [
    '           PID: 4242 (codex)',
    '        Signal: 5 (TRAP)',
    '  Command Line: codex --api-key sk-PLANTEDargv0123456789',
    '       Storage: /var/lib/systemd/coredump/core.codex.1000.4242.zst (present)',
    '                #0  0x00007f00 abort (libc.so.6)',
  ].join('\n');
  const bin = fakeCoredumpctl(t, `cat <<'EOF'\n${info}\nEOF`);
  const r = await writeBundle(input(dir, { env: { ...input(dir).env, PATH: `${bin}:/usr/bin:/bin` } }), {
    finisher: false,
    platform: 'linux',
  });
  assert.match(readFileSync(join(bin, 'args'), 'utf8'), /^--no-pager info 4242 --since=@\d+$/m);
  const os = JSON.parse(readFileSync(join(r.path!, 'os-reports.json'), 'utf8'));
  assert.equal(os.status, 'found');
  assert.deepEqual(os.coreDumps, ['/var/lib/systemd/coredump/core.codex.1000.4242.zst']);
  const copy = readFileSync(join(r.path!, 'os-reports', 'coredumpctl-info.txt'), 'utf8');
  assert.match(copy, /Signal: 5 \(TRAP\)/);
  assert.ok(!copy.includes('sk-PLANTEDargv0123456789'));
  assert.equal(mode(join(r.path!, 'os-reports', 'coredumpctl-info.txt')), 0o600);
  assert.match(
    readFileSync(join(r.path!, 'REPORT.md'), 'utf8'),
    /Core dump \(linked, not copied\): \/var\/lib\/systemd\/coredump\/core\.codex/,
  );
});

test('macOS: a report ReportCrash writes late leaves the bundle pending within the budget, and is picked up later', async (t) => {
  const dir = home(t);
  const reports = tmp(t, 'cg-diag-');
  const r = await writeBundle(input(dir, { codexVersion: '0.141.0' }), {
    finisher: false,
    platform: 'darwin',
    reportDirs: [reports],
    deadlineMs: 1_000,
  });
  assert.ok(r.elapsedMs < 2_000, `took ${r.elapsedMs} ms`);
  assert.equal(r.pending, true);
  assert.ok(existsSync(join(r.path!, 'pending.json')));
  assert.equal(JSON.parse(readFileSync(join(r.path!, 'manifest.json'), 'utf8')).osReports, 'pending');
  // Another process's report, and then ours.
  writeFileSync(join(reports, 'codex-2026-11-24-081531.ips'), ipsReport({ pid: 999 }));
  assert.equal(await finishPending(r.path!), true);
  // The shim's own report (it re-raises the signal: node, its pid, its shell as parent) is never taken.
  writeFileSync(
    join(reports, 'node-2026-11-24-081532.ips'),
    ipsReport({ pid: 4200, parentPid: 4100, procName: 'node', procPath: '/usr/local/bin/node' }),
  );
  assert.equal(await finishPending(r.path!), true);
  writeFileSync(
    join(reports, 'codex-2026-11-24-081532.ips'),
    ipsReport({ pid: 4242, procPath: '/opt/codex/bin/codex', extra: 'OPENAI_API_KEY=sk-proj-PLANTEDenv0123456789' }),
  );
  assert.equal(await finishPending(r.path!), false);
  assert.ok(!existsSync(join(r.path!, 'pending.json')));
  const manifest = JSON.parse(readFileSync(join(r.path!, 'manifest.json'), 'utf8'));
  assert.equal(manifest.osReports, 'found');
  assert.equal(manifest.likelyCause.id, 'v8-isolate-intel-macos');
  assert.ok(manifest.files.includes('os-reports/codex-2026-11-24-081532.ips'));
  const copy = join(r.path!, 'os-reports', 'codex-2026-11-24-081532.ips');
  assert.equal(mode(copy), 0o600);
  assert.ok(!readFileSync(copy, 'utf8').includes('sk-proj-PLANTEDenv0123456789'));
  assert.match(readFileSync(join(r.path!, 'REPORT.md'), 'utf8'), /V8 Isolate::New SIGTRAP/);
});

test('the codex version is found lazily: from the npm package, else from `--version`', async (t) => {
  const dir = home(t);
  const launcher = REAL_LAUNCHER;
  const fromPkg = await writeBundle(input(dir, { codexVersion: undefined, codexPath: launcher }), {
    finisher: false,
    platform: 'linux',
  });
  assert.deepEqual(JSON.parse(readFileSync(join(fromPkg.path!, 'manifest.json'), 'utf8')).codex, {
    path: launcher,
    version: PINNED_CODEX_VERSION,
    versionSource: 'package',
  });
  const seed = join(REPO, 'test', 'fixtures', 'seed-repro-codex.mjs');
  const fromRun = await writeBundle(
    input(dir, { codexVersion: undefined, codexPath: seed, env: { ...input(dir).env, PATH: process.env.PATH } }),
    { finisher: false, platform: 'linux' },
  );
  assert.deepEqual(JSON.parse(readFileSync(join(fromRun.path!, 'manifest.json'), 'utf8')).codex, {
    path: seed,
    version: '0.141.0',
    versionSource: 'run',
  });
});

test('.ips reports in their real format: header line and body parsed, paths unescaped and de-anonymised, a launcher in between accepted', () => {
  const home = '/Users/alice';
  const binary =
    '/Users/alice/.npm-global/lib/node_modules/@openai/codex/node_modules/@openai/codex-darwin-x64/vendor/x86_64-apple-darwin/bin/codex';
  const text = readFileSync(IPS_TEMPLATE, 'utf8');
  assert.deepEqual(parseIps(text), {
    procName: 'codex',
    procPath:
      '/Users/USER/.npm-global/lib/node_modules/@openai/codex/node_modules/@openai/codex-darwin-x64/vendor/x86_64-apple-darwin/bin/codex',
    pid: 4242,
    parentPid: 4100,
    translated: false,
  });
  assert.deepEqual(parseIps(text.slice(0, 1500)), parseIps(text), 'a body cut short is read field by field');
  assert.equal(samePath('/Users/USER/.npm-global/x/codex', '/Users/alice/.npm-global/x/codex', home), true);
  assert.equal(samePath('/Users/USER/*/x/codex', '/Users/alice/tools/x/codex', home), true, '* stands for one folder');
  assert.equal(samePath('/Users/USER/x/codex', '/Users/bob/x/codex', home), false);
  const at = { binary: '/usr/local/bin/codex', pid: 4242, since: 0 };
  // The user ran the npm launcher's link; the report names the native binary it really is.
  assert.deepEqual(isCodexReport('codex-2026-06-20-101531.ips', text, at, home, binary), {
    match: true,
    pidMatch: true,
  });
  assert.deepEqual(
    isCodexReport('codex-2026-06-20-101531.ips', text, { ...at, pid: 4100 }, home, binary),
    { match: true, pidMatch: true },
    'the child of the pid (a launcher, asdf, mise)',
  );
  assert.deepEqual(isCodexReport('codex-2026-06-20-101531.ips', text, { ...at, pid: 999 }, home, binary), {
    match: false,
    pidMatch: false,
  });
  const shims = ipsReport({ pid: 4300, parentPid: 4100, procName: 'node', procPath: '/usr/local/bin/node' });
  assert.equal(
    isCodexReport('node-2026-06-20-101532.ips', shims, { ...at, pid: 4242 }, home, binary).match,
    false,
    "the shim's own report",
  );
});
