// Growth over time: hourly points (pure rules, then on real files), the sparkline and rates in status, doctor's warning.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { judgeGrowth } from '../src/doctor/judge-home.ts';
import {
  formatPoint,
  growthOf,
  hoursToLimit,
  keptPoints,
  parsePoints,
  pointDue,
  rateOf,
  seriesOf,
  sparkValues,
  type GrowthPoint,
} from '../src/insight/growth.ts';
import { growthFile, readPoints, recordPointIfDue } from '../src/insight/growth-io.ts';
import { scanInventory } from '../src/inventory/scan.ts';
import { formatGrowth } from '../src/status/format.ts';
import type { StatusJson } from '../src/status/gather.ts';
import { codexHomeWithLogs, fillLogs, shimOverHome } from './helpers/codex-home.ts';
import { CLI, runSync, tmp } from './helpers/index.ts';

const H = 3_600_000;
const NOW = Date.parse('2026-12-02T12:00:00Z');
const point = (hoursAgo: number, size: number, maxId: number | null = null, wal = 0): GrowthPoint => ({
  at: NOW - hoursAgo * H,
  dir: '/c',
  dbs: { 'logs_2.sqlite': { size, wal, maxId } },
});

test('points: one line each, read back; torn or foreign lines skipped; due hourly; kept 30 days', () => {
  const text = [point(3, 100, 7), point(1, 200, 9, 50)].map(formatPoint).join('\n');
  assert.equal(formatPoint(point(1, 200, 9, 50)), `{"at":${NOW - H},"dir":"/c","dbs":{"logs_2.sqlite":[200,50,9]}}`);
  assert.deepEqual(
    parsePoints(`${text}\n{"at":1,"dir"\nnot json\n{"at":5,"dir":"/c","dbs":{"x":[1,"2",3]}}\n`),
    [point(3, 100, 7), point(1, 200, 9, 50), { at: 5, dir: '/c', dbs: {} }].sort((a, b) => a.at - b.at),
  );
  assert.equal(pointDue(undefined, NOW), true);
  assert.equal(pointDue(NOW - 59 * 60_000, NOW), false);
  assert.equal(pointDue(NOW - H, NOW), true);
  assert.equal(pointDue(NOW + H, NOW), true, 'a clock set back does not stop the points');
  assert.deepEqual(keptPoints([point(31 * 24, 1), point(29 * 24, 2)], NOW), [point(29 * 24, 2)]);
});

test('rates: bytes and rows an hour over the last day, from the newest shrink (a rotation) on; none with under an hour', () => {
  const series = (points: GrowthPoint[]) => seriesOf(points, '/c', 'logs_2.sqlite');
  const grown = series([point(30, 10), point(20, 100, 1_000), point(10, 200, 2_000), point(0, 300, 3_000)]);
  assert.deepEqual(
    rateOf(grown, NOW),
    { bytesPerHour: 10, rowsPerHour: 100, spanMs: 20 * H },
    'the point 30 h ago is outside the day',
  );
  const rotated = series([point(20, 100, 1_000), point(10, 500, 5_000), point(5, 50, 5_100), point(0, 100, 5_600)]);
  assert.deepEqual(rateOf(rotated, NOW), { bytesPerHour: 10, rowsPerHour: 100, spanMs: 5 * H });
  assert.equal(rateOf(series([point(0.5, 1), point(0, 2)]), NOW), undefined);
  assert.equal(
    rateOf(series([point(2, 1, 5), point(0, 2, null)]), NOW)?.rowsPerHour,
    null,
    'rows need ids at both ends',
  );
  // A checkpoint empties the WAL: the main file still grew, and that is the rate (not a reset).
  assert.deepEqual(rateOf(series([point(4, 100, null, 0), point(2, 120, null, 400), point(0, 140, null, 0)]), NOW), {
    bytesPerHour: 10,
    rowsPerHour: null,
    spanMs: 4 * H,
  });
  assert.equal(hoursToLimit(50, 100, 10), 5);
  assert.equal(hoursToLimit(150, 100, 10), 0);
  assert.equal(hoursToLimit(50, 100, -3), undefined);
});

test('sparkline values: the last 7 days in 28 slices, the newest sample of each, NaN where none', () => {
  const values = sparkValues(
    [
      { at: NOW - 6.9 * 24 * H, bytes: 1, wal: 0, maxId: null },
      { at: NOW - 1, bytes: 9, wal: 0, maxId: null },
      { at: NOW - 8 * 24 * H, bytes: 5, wal: 0, maxId: null },
    ],
    NOW,
  );
  assert.equal(values.length, 28);
  assert.equal(values[0], 1);
  assert.equal(values[27], 9);
  assert.equal(values.filter((v) => !Number.isNaN(v)).length, 2, 'the sample 8 days ago is left out');
});

test('status shows a sparkline and the rate per DB, and the time to logs.maxSize; doctor warns within a day and names the top target', () => {
  const points = Array.from({ length: 24 * 6 }, (_, i) => point(24 * 6 - i, 1_000_000 * i, 10_000 * i));
  const growth = growthOf(
    points,
    { at: NOW, dir: '/c', dbs: [{ name: 'logs_2.sqlite', kind: 'log', bytes: 144_000_000, wal: 0 }] },
    160_000_000,
  );
  assert.equal(growth[0]!.bytesPerHour, 1_000_000);
  assert.equal(growth[0]!.rowsPerHour, 10_000);
  assert.equal(growth[0]!.hoursToLimit, 16);
  const s = {
    growth: { points: points.length, oldest: points[0]!.at, dbs: growth },
    lastSession: {
      pid: 42,
      endedAt: NOW - 5 * 60_000,
      codexWroteBytes: 3_100_000,
      growth: [{ name: 'logs_2.sqlite', before: 143_000_000, after: 144_000_000 }],
    },
    limits: { logMaxBytes: 160_000_000 },
  } as unknown as StatusJson;
  const lines = formatGrowth(s, NOW);
  assert.deepEqual(lines, [
    'growth, last 7 days in 6-hour steps (144 points since 2026-11-26):',
    // Six days of points in a seven-day line: the first day's four slices are holes, not zeros.
    '  logs_2.sqlite      ▁▁▁▂▂▂▃▃▃▄▄▄▅▅▅▆▆▆▇▇▇███  +1.0 MB/h, 10,000 rows/h; reaches logs.maxSize (160.0 MB) in about 16 h',
    'last session (pid 42, ended 5 min ago): codex wrote 3.1 MB; logs_2.sqlite 143.0 MB → 144.0 MB',
  ]);
  const warn = judgeGrowth({
    growth: s.growth,
    logMaxBytes: 160_000_000,
    top: { target: 'codex_otel::trace', share: 0.62 },
  });
  assert.equal(warn.level, 'warn');
  assert.equal(
    warn.summary,
    'logs_2.sqlite grows 1.0 MB/h: at that rate it reaches logs.maxSize (160.0 MB) in about 16 h; most of it is codex_otel::trace (62 % of the bytes of the newest rows)',
  );
  assert.match(warn.fix!, /logs\.filter, e\.g\. "info,codex_otel::trace=warn"/);
  const slow = growthOf(
    points,
    { at: NOW, dir: '/c', dbs: [{ name: 'logs_2.sqlite', kind: 'log', bytes: 144_000_000, wal: 0 }] },
    500_000_000,
  );
  const fine = judgeGrowth({ growth: { ...s.growth, dbs: slow }, logMaxBytes: 500_000_000 });
  assert.deepEqual([fine.level, fine.summary], ['ok', 'logs_2.sqlite +1.0 MB/h (logs.maxSize in about 15 d)']);
  assert.equal(
    judgeGrowth({ growth: { points: 0, oldest: null, dbs: [] }, logMaxBytes: 1 }).summary,
    'no points yet (one an hour at most, after a codex session or a scheduled maintain)',
  );
  assert.equal(
    formatGrowth({ growth: { points: 0, oldest: null, dbs: [] }, lastSession: null } as unknown as StatusJson, NOW)[0],
    'growth: no points yet (one an hour at most, after a codex session or a `codexguard maintain`)',
  );
});

test('recordPointIfDue on a real home: sizes and the newest row id, once an hour, old points dropped, never a Codex home made', async (t) => {
  // Real time here: whether a point is due comes from the file's mtime.
  const now = Date.now();
  const home = codexHomeWithLogs(t, { rows: 300 });
  const path = join(home, 'logs_2.sqlite');
  // Codex holds the DB open (its -wal and -shm are there): the newest row id is read.
  const codex = new Database(path);
  t.after(() => codex.close());
  codex.prepare('SELECT count(*) FROM logs').get();
  assert.equal(await recordPointIfDue(home, scanInventory(home), now), true);
  const [first] = readPoints(home);
  assert.equal(first!.dir, home);
  assert.deepEqual(first!.dbs['logs_2.sqlite']!.maxId, 300);
  assert.equal(await recordPointIfDue(home, scanInventory(home), now + 10 * 60_000), false, 'not within the hour');
  // An hour later (by the file's mtime), and a point from 31 days ago in the file: a new point, the old one dropped.
  const file = growthFile(home);
  writeFileSync(file, `${formatPoint({ at: now - 31 * 24 * H, dir: home, dbs: {} })}\n${readFileSync(file, 'utf8')}`);
  utimesSync(file, new Date(now - 2 * H), new Date(now - 2 * H));
  fillLogs(path, { rows: 20 });
  assert.equal(await recordPointIfDue(home, scanInventory(home), now), true);
  assert.deepEqual(
    readPoints(home).map((p) => p.dbs['logs_2.sqlite']?.maxId),
    [300, 320],
  );

  const none = join(tmp(t), 'no-codex-home');
  assert.equal(
    await recordPointIfDue(none, { dir: none, dbs: [], leftovers: [], compressing: [] } as never, now),
    false,
  );
  assert.equal(existsSync(none), false);
});

test('a codex session through the shim records a point and its figures; status --json and the human view show them', (t) => {
  const { user, codexHome, env, codex } = shimOverHome(t, 50);
  const quick = codex(['--version']);
  assert.equal(quick.status, 0, quick.stderr);
  assert.equal(existsSync(growthFile(codexHome)), false, 'a run under a second records nothing');
  const session = codex([], { FAKE_CODEX_SLEEP_MS: '1200' });
  assert.equal(session.status, 0, session.stderr);
  assert.equal(readPoints(codexHome).length, 1);
  const s = JSON.parse(runSync(process.execPath, [CLI, 'status', '--json'], { env, cwd: user }).stdout) as StatusJson;
  assert.equal(s.growth.points, 1);
  assert.equal(s.growth.dbs.find((d) => d.name === 'logs_2.sqlite')?.bytesPerHour, null, 'one point: no rate yet');
  assert.ok(s.lastSession && s.lastSession.endedAt > 0);
  const human = runSync(process.execPath, [CLI, 'status'], { env, cwd: user }).stdout;
  assert.match(
    human,
    /growth, last 7 days in 6-hour steps \(1 point since \d{4}-\d\d-\d\d\):\n {2}logs_2\.sqlite +[▁-█ ]+ +no rate yet/,
  );
  assert.match(human, /last session \(pid \d+, ended \d+ s ago\)/);
  // A maintain run within the hour adds nothing.
  assert.equal(runSync(process.execPath, [CLI, 'maintain'], { env, cwd: user }).status, 0);
  assert.equal(readPoints(codexHome).length, 1);
});

test('a FIFO or a link where the points file goes is neither read nor written: the session end and status never block', async (t) => {
  const home = codexHomeWithLogs(t, { rows: 5 });
  const file = growthFile(home);
  mkdirSync(dirname(file), { recursive: true });
  const made = spawnSync('mkfifo', [file]);
  assert.equal(made.status, 0, String(made.stderr));
  assert.equal(await recordPointIfDue(home, scanInventory(home)), false);
  assert.deepEqual(readPoints(home), []);
  rmSync(file);
  symlinkSync('/etc/hostname', file);
  assert.equal(await recordPointIfDue(home, scanInventory(home)), false);
  assert.deepEqual(readPoints(home), []);
});
