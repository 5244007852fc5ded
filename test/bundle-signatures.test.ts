// Signature matching and REPORT.md (pure): the likely cause follows the evidence, and says what evidence is missing.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compose, type BundleState } from '../src/bundle/compose.ts';
import type { DbReport } from '../src/bundle/databases.ts';
import { baseManifest } from '../src/bundle/manifest.ts';
import { inRange, matchSignatures, type Evidence } from '../src/bundle/signatures.ts';
import { availableFromVmStat, systemInfo } from '../src/bundle/system.ts';
import { REPO, tmp } from './helpers/index.ts';

const MB = 1e6;
const ISOLATE_FRAMES =
  'Thread 12 Crashed:\n0 codex v8::base::OS::SetPermissions\n1 codex v8::internal::CodeRange::InitReservation\n2 codex v8::internal::Heap::SetUp\n3 codex v8::Isolate::New';

function logDb(size: number, walSize = 0, launch?: { size: number; walSize: number }): DbReport {
  return {
    name: 'logs_2.sqlite',
    kind: 'log',
    exists: true,
    size,
    walSize,
    freePages: 0,
    rows: 92_060,
    sessionRows: 400,
    launch: launch ?? null,
    growth: launch ? { size: size - launch.size, walSize: walSize - launch.walSize } : null,
  };
}

function evidence(over: Partial<Evidence> = {}): Evidence {
  return {
    signal: 'SIGTRAP',
    platform: 'linux',
    arch: 'x64',
    codexVersion: '0.169.0',
    osReports: [],
    osStatus: 'none',
    logLines: [],
    dbs: [logDb(5 * MB)],
    freeDiskBytes: 50_000 * MB,
    ...over,
  };
}

test('version ranges compare release numbers', () => {
  assert.equal(inRange('0.141.0', '0.141.0', '0.142.4'), true);
  assert.equal(inRange('0.142.3', '0.141.0', '0.142.4'), true);
  assert.equal(inRange('0.142.5', '0.141.0', '0.142.4'), false);
  assert.equal(inRange('0.140.9', '0.141.0', '0.142.4'), false);
  assert.equal(inRange(null, '0.141.0', '0.142.4'), undefined);
});

test('V8 Isolate::New on Intel macOS in an affected version, with the frames: high confidence', () => {
  const [top] = matchSignatures(
    evidence({ platform: 'darwin', arch: 'x64', codexVersion: '0.142.3', osReports: [ISOLATE_FRAMES] }),
  );
  assert.equal(top?.id, 'v8-isolate-intel-macos');
  assert.equal(top?.confidence, 'high');
  assert.match(top!.advice, /upgrade/i);
  assert.equal(top?.link, 'https://github.com/openai/codex/issues/29047');
  assert.deepEqual(top?.missing, []);
});

test('the same machine and version without an OS report: medium, and the report is named as missing', () => {
  const [top] = matchSignatures(
    evidence({ platform: 'darwin', arch: 'x64', codexVersion: '0.141.0', osStatus: 'pending' }),
  );
  assert.equal(top?.id, 'v8-isolate-intel-macos');
  assert.equal(top?.confidence, 'medium');
  assert.ok(top!.missing.some((m) => /OS crash report \(still pending\)/.test(m)));
});

test('V8 is not assumed: Apple silicon, Linux, a fixed version or another signal without the frames do not match', () => {
  for (const e of [
    evidence({ platform: 'darwin', arch: 'arm64', codexVersion: '0.141.0' }),
    evidence({ codexVersion: '0.141.0' }),
    evidence({ platform: 'darwin', arch: 'x64', codexVersion: '0.169.0' }),
    evidence({ platform: 'darwin', arch: 'x64', codexVersion: '0.141.0', signal: 'SIGSEGV' }),
  ]) {
    assert.ok(!matchSignatures(e).some((v) => v.id === 'v8-isolate-intel-macos'), JSON.stringify(e));
  }
});

test('SQLite busy panic: the messages plus a 229 MB log DB is high; the size alone is only low; neither is unknown', () => {
  const strong = matchSignatures(
    evidence({
      logLines: ['ERROR codex_state config persistence task panicked: database is locked'],
      dbs: [logDb(229 * MB, 16 * MB)],
    }),
  )[0]!;
  assert.equal(strong.id, 'sqlite-busy-panic');
  assert.equal(strong.confidence, 'high');
  const weak = matchSignatures(evidence({ dbs: [logDb(229 * MB, 16 * MB)] }))[0]!;
  assert.equal(weak.id, 'sqlite-busy-panic');
  assert.equal(weak.confidence, 'low');
  assert.ok(weak.missing.some((m) => /database is locked/.test(m)));
  const none = matchSignatures(evidence({ codexVersion: null }));
  assert.equal(none.length, 1);
  assert.equal(none[0]!.id, 'unknown');
  assert.deepEqual(none[0]!.missing, [
    'an OS crash report (none found)',
    'the codex version',
    'log rows from the session',
  ]);
});

test('disk-full on macOS: low free space alone is only low confidence, since statfs leaves out APFS purgeable space', () => {
  const low = { freeDiskBytes: 50 * MB, logLines: [] };
  const linux = matchSignatures(evidence({ ...low, platform: 'linux' })).find((v) => v.id === 'disk-full')!;
  const mac = matchSignatures(evidence({ ...low, platform: 'darwin', diskPurgeableUncounted: true })).find(
    (v) => v.id === 'disk-full',
  )!;
  assert.equal(linux.score, 0.4);
  assert.equal(mac.score, 0.2);
  assert.equal(mac.confidence, 'low');
  assert.match(mac.reasons[0]!, /not counting APFS purgeable space \(it may not be full\)/);
  const full = matchSignatures(
    evidence({
      ...low,
      platform: 'darwin',
      diskPurgeableUncounted: true,
      logLines: ['SQLITE_FULL: database or disk is full'],
    }),
  ).find((v) => v.id === 'disk-full')!;
  assert.equal(full.score, 0.6, 'the errors themselves still count in full');
});

test('several matches are ranked by score', () => {
  const verdicts = matchSignatures(
    evidence({
      platform: 'darwin',
      arch: 'x64',
      codexVersion: '0.141.0',
      osReports: [ISOLATE_FRAMES],
      dbs: [logDb(229 * MB)],
      freeDiskBytes: 50 * MB,
    }),
  );
  assert.deepEqual(
    verdicts.map((v) => v.id),
    ['v8-isolate-intel-macos', 'disk-full', 'sqlite-busy-panic'],
  );
});

test("REPORT.md has the seed report's shape and names the cause with its evidence", () => {
  const endedAt = Date.UTC(2026, 10, 24, 8, 15, 30);
  const input = {
    signal: 'SIGTRAP',
    exitCode: null,
    pid: 4242,
    codexPath: '/usr/local/bin/codex',
    argv: ['--model', 'gpt-5'],
    cwd: '/home/me/project',
    env: { TERM: 'xterm-256color', TERM_PROGRAM: 'tmux' },
    shimStartedAt: endedAt - 3_600_000,
    childStartedAt: endedAt - 3_599_000,
    endedAt,
  };
  const platform = {
    platform: 'darwin',
    osRelease: '23.5.0',
    osVersion: 'Darwin Kernel Version 23.5.0',
    arch: 'x64',
    node: 'v20.20.2',
  };
  const base = baseManifest('20261124T081530Z-SIGTRAP-4242', input, {
    codexguard: '0.1.0',
    version: '0.141.0',
    versionSource: 'package',
    capturedAt: endedAt + 900,
    codexHome: '/home/me/.codex',
    sqliteHome: '/home/me/.codex',
    platform,
  });
  base.logs = { levels: { INFO: 380, WARN: 20 }, copied: 400, sources: ['logs_2.sqlite'] };
  const state: BundleState = {
    base,
    dbs: [logDb(229.4 * MB, 16.5 * MB, { size: 220 * MB, walSize: 4 * MB })],
    rows: [{ time: '2026-11-24T08:15:29.000Z', level: 'WARN', target: 'codex_core', feedback_log_body: 'slow write' }],
    system: null,
    os: {
      status: 'found',
      searched: [],
      reports: [
        {
          source: 'DiagnosticReports',
          file: '/Library/Logs/DiagnosticReports/codex-2026-11-24-081531.ips',
          copiedAs: 'os-reports/codex-2026-11-24-081531.ips',
          bytes: 100,
          pidMatch: true,
        },
      ],
      coreDumps: [],
      notes: [],
    },
    osTexts: [ISOLATE_FRAMES],
  };
  const { manifest, report } = compose(state, ['manifest.json', 'REPORT.md']);
  assert.equal(manifest.likelyCause.id, 'v8-isolate-intel-macos');
  const headings = report.split('\n').filter((l) => /^#{1,2} /.test(l));
  assert.deepEqual(headings, [
    '# codex crashed with SIGTRAP (trace trap) after 59m 59s',
    '## Summary',
    '## Environment',
    '## Timeline',
    '## Databases',
    '## Logs',
    '## Just before the crash',
    '## OS crash report',
    '## Likely cause',
  ]);
  assert.match(report, /\| Version \| 0\.141\.0 \|/);
  assert.match(
    report,
    /\| logs_2\.sqlite \| 220\.0 MB \| 229\.4 MB \| \+9\.4 MB \| 4\.0 MB \| 16\.5 MB \| 92,060 \(400 this session\) \|/,
  );
  assert.match(report, /### V8 Isolate::New SIGTRAP on Intel macOS .*\(high confidence\)/);
  assert.match(report, /2026-11-24 08:15:30.000 UTC \| codex died of SIGTRAP/);
  assert.match(report, /TERM=xterm-256color, TERM_PROGRAM=tmux/);
  assert.match(report, /Other candidates:/);
});

test('system facts on macOS: available memory from vm_stat (free + inactive + speculative + purgeable pages), and the APFS label on free disk', async (t) => {
  // test/fixtures/macos/vm_stat.txt is `vm_stat` output in macOS 14's format (Apple silicon: 16 KiB pages).
  const bin = tmp(t);
  const fixture = join(REPO, 'test', 'fixtures', 'macos', 'vm_stat.txt');
  writeFileSync(join(bin, 'vm_stat'), `#!/bin/sh\nexec cat ${JSON.stringify(fixture)}\n`, { mode: 0o755 });
  const want = (6062 + 313205 + 3960 + 12794) * 16384;
  assert.equal(availableFromVmStat(readFileSync(fixture, 'utf8')), want);
  assert.equal(availableFromVmStat('Pages free: 12.\n'), undefined, 'no page size: not vm_stat');
  const mac = await systemInfo(bin, 'darwin', [bin, '/usr/bin', '/bin'].join(':'));
  assert.equal(mac.memory.availableBytes, want);
  assert.equal(mac.disk?.purgeableUncounted, true);
  const linux = await systemInfo(bin, 'linux', [bin, '/usr/bin', '/bin'].join(':'));
  assert.equal(linux.disk?.purgeableUncounted, undefined);
  assert.ok(linux.memory.availableBytes > 0 && linux.memory.availableBytes !== want);
});

test('Rosetta: an x64 codex on Apple silicon is not scored as the Intel-macOS bug; sysctl hw.optional.arm64 or the .ips `translated` field says so', async (t) => {
  const intel = evidence({ platform: 'darwin', arch: 'x64', codexVersion: '0.141.0' });
  assert.equal(matchSignatures(intel)[0]!.id, 'v8-isolate-intel-macos');
  assert.notEqual(matchSignatures({ ...intel, translated: true })[0]!.id, 'v8-isolate-intel-macos');
  // With the V8 frames in the report it still matches, without the Intel reason.
  const withFrames = matchSignatures({
    ...intel,
    translated: true,
    osReports: ['{"translated" : true}\n  v8::base::OS::SetPermissions'],
  })[0]!;
  assert.equal(withFrames.id, 'v8-isolate-intel-macos');
  assert.ok(withFrames.reasons.includes('x64 under Rosetta on Apple silicon, not an Intel Mac'));
  // `sysctl -n hw.optional.arm64` prints 1 on Apple silicon, under Rosetta too (fake sysctl: that output).
  const bin = tmp(t);
  writeFileSync(join(bin, 'sysctl'), '#!/bin/sh\n[ "$1 $2" = "-n hw.optional.arm64" ] && echo 1\n', { mode: 0o755 });
  assert.equal((await systemInfo(bin, 'darwin', bin)).appleSilicon, true);
  assert.equal((await systemInfo(bin, 'linux', bin)).appleSilicon, undefined);
});
