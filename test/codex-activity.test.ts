// The pure half of "what is Codex doing": pid records, the control socket's clients, idle or busy, the rotation plan, notices, the watch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodexActivity } from '../src/codex/activity.ts';
import { connectedOn } from '../src/codex/clients.ts';
import { parsePidRecord, sameProcess, versionFromPath } from '../src/codex/daemon.ts';
import { describeDaemon, inUse, planRotation } from '../src/codex/idle.ts';
import { watchActions } from '../src/inventory/decide.ts';
import { DEFAULT_LIMITS } from '../src/inventory/limits.ts';
import type { DbFiles } from '../src/inventory/scan.ts';
import { noticeDue } from '../src/preflight/notices.ts';
import { isOver } from '../src/registry/process-stamp.ts';
import { childrenWrote, parseWriteBytes } from '../src/watch/io.ts';

const running = {
  state: 'running' as const,
  pid: 4242,
  version: '0.171.0',
  binary: '/h/packages/app-server-daemon/releases/0.171.0-x86_64-unknown-linux-musl/bin/codex',
};
const idle: CodexActivity = {
  daemon: running,
  updater: { state: 'running', pid: 4243 },
  clients: { count: 0 },
  holders: [],
  sessions: [],
};

test('a pid file as Codex writes it (0.171.0) parses; its identity must match the running process', () => {
  const text =
    '{"pid":4726,"processStartTime":"Tue Dec  1 19:52:39 2026","processIdentity":{"bootId":"0b19-af80","startTicks":26477},"executableIdentity":{"digest":[1,2]}}';
  const record = parsePidRecord(text)!;
  assert.equal(record.pid, 4726);
  assert.equal(sameProcess(record, true, '0b19-af80/26477'), true);
  assert.equal(sameProcess(record, true, '0b19-af80/99999'), false, 'a reused pid is another process');
  assert.equal(sameProcess(record, false, undefined), false);
  assert.equal(sameProcess({ pid: 7 }, true, undefined), true, 'without an identity a live pid counts');
  for (const bad of ['', 'nope', '{"pid":"12"}', '{"pid":1}', '{"pid":-3}', '[]', 'null'])
    assert.equal(parsePidRecord(bad), undefined, bad);
});

test('the version comes from the release folder the daemon runs from', () => {
  assert.equal(versionFromPath(running.binary), '0.171.0');
  assert.equal(
    versionFromPath('/h/packages/app-server-daemon/releases/0.172.0-alpha.3-aarch64-apple-darwin/bin/codex'),
    '0.172.0-alpha.3',
  );
  assert.equal(versionFromPath('/usr/bin/codex'), undefined);
  assert.equal(versionFromPath(undefined), undefined);
});

test('/proc/net/unix: accepted connections on the bound path are clients; the listener and other paths are not', () => {
  const path = '/tmp/codex-daemon-0/bb9d63cd';
  const text = [
    'Num       RefCount Protocol Flags    Type St Inode Path',
    `00000000b89497f6: 00000003 00000000 00000000 0001 03 11939 ${path}`,
    `0000000064da1759: 00000002 00000000 00010000 0001 01 11841 ${path}`,
    '0000000064da1000: 00000003 00000000 00000000 0001 03 11908',
    `0000000064da1001: 00000003 00000000 00000000 0001 03 11999 ${path}x`,
    `0000000064da1002: 00000003 00000000 00000000 0001 03 12000 ${path}`,
  ].join('\n');
  assert.equal(connectedOn(text, path), 2);
  assert.equal(connectedOn(text, '/other'), 0);
});

test('idle means no client, no other holder of that DB and no live shim session; anything unknown is busy', () => {
  assert.equal(inUse(idle), undefined);
  assert.deepEqual(planRotation(idle, { restart: 'idle' }), { kind: 'stop-daemon', pid: 4242 });
  const cases: Array<[Partial<CodexActivity>, RegExp]> = [
    [{ clients: { count: 1 }, holders: [4250] }, /1 client \(pid 4250\); pid 4250 has Codex's DBs open/],
    [{ clients: { unknown: 'not on darwin' } }, /clients cannot be counted \(not on darwin\)/],
    [{ holders: 'unknown' }, /cannot tell who has Codex's DBs open/],
    // A TUI between two connections still holds the state DB: in use, although no client is counted.
    [{ holders: [77, 78] }, /pid 77, 78 have Codex's DBs open/],
    [{ sessions: [90, 91] }, /2 live codex sessions \(pid 90, 91\)/],
    [{ sessions: 'unknown' }, /registry cannot be read/],
  ];
  for (const [over, who] of cases) {
    const a = { ...idle, ...over };
    const plan = planRotation(a, { restart: 'idle' });
    assert.equal(plan.kind, 'defer', JSON.stringify(over));
    assert.match(plan.kind === 'defer' ? plan.why : '', who);
    assert.match(plan.kind === 'defer' ? plan.why : '', /Codex's app-server daemon \(pid 4242\) is in use/);
    // --stop-daemon, confirmed: stops it, and says what it interrupts.
    const forced = planRotation(a, { restart: 'idle', stopBusy: true });
    assert.equal(forced.kind, 'stop-daemon');
    assert.match(forced.kind === 'stop-daemon' ? (forced.interrupts ?? '') : '', who);
  }
});

test('daemon.restart never: an idle daemon is not stopped; no daemon: rotate as always; an unreadable pid file: defer', () => {
  const never = planRotation(idle, { restart: 'never' });
  assert.equal(never.kind, 'defer');
  assert.match(never.kind === 'defer' ? never.why : '', /daemon\.restart is "never"/);
  assert.deepEqual(planRotation({ ...idle, daemon: { state: 'none' }, clients: undefined }, { restart: 'idle' }), {
    kind: 'rotate',
  });
  const unknown = planRotation(
    { ...idle, daemon: { state: 'unknown', reason: 'daemon.pid belongs to uid 0' } },
    { restart: 'idle' },
  );
  assert.equal(unknown.kind, 'defer');
});

test('describeDaemon: the line status and doctor show', () => {
  assert.equal(describeDaemon(idle), 'pid 4242 (0.171.0): idle');
  assert.equal(
    describeDaemon({ ...idle, clients: { count: 1 }, holders: [4250] }),
    'pid 4242 (0.171.0): 1 client (pid 4250)',
  );
  assert.equal(describeDaemon({ ...idle, daemon: { state: 'none' } }), 'not running');
  assert.match(describeDaemon({ ...idle, clients: { unknown: 'x' } }), /clients unknown \(x\)/);
});

test('a notice is said again only after a day, per subject', () => {
  const day = 24 * 3600_000;
  assert.equal(noticeDue({}, 'deferred:logs_2.sqlite', 1_000), true);
  assert.equal(noticeDue({ 'deferred:logs_2.sqlite': 1_000 }, 'deferred:logs_2.sqlite', 1_000 + day - 1), false);
  assert.equal(noticeDue({ 'deferred:logs_2.sqlite': 1_000 }, 'deferred:logs_2.sqlite', 1_000 + day), true);
  assert.equal(noticeDue({ 'deferred:logs_2.sqlite': 1_000 }, 'deferred:state_5.sqlite', 2_000), true);
  assert.equal(
    noticeDue({ 'deferred:logs_2.sqlite': 5_000 }, 'deferred:logs_2.sqlite', 1_000),
    true,
    'a clock set back says it again',
  );
});

test('the in-session watch checkpoints every WAL over its limit, the log DB over its own limit included, and never rotates', () => {
  const db = (name: string, size: number, walSize: number): DbFiles => ({
    name,
    kind: name.startsWith('logs_') ? 'log' : 'state',
    path: `/c/${name}`,
    exists: true,
    size,
    identity: '',
    walSize,
    shmSize: 0,
    journal: false,
  });
  const inventory = {
    dir: '/c',
    dbs: [db('logs_2.sqlite', 500e6, 40e6), db('state_5.sqlite', 1e6, 40e6), db('goals_1.sqlite', 1e5, 10)],
    leftovers: ['memories_1.sqlite'],
    compressing: [],
    archives: [],
  };
  assert.deepEqual(
    watchActions(inventory, DEFAULT_LIMITS).map((a) => [a.kind, typeof a.db === 'string' ? a.db : a.db.name]),
    [
      ['checkpoint', 'logs_2.sqlite'],
      ['checkpoint', 'state_5.sqlite'],
    ],
  );
  assert.deepEqual(
    watchActions({ ...inventory, dbs: [db('logs_2.sqlite', 500e6, 1e6)] }, DEFAULT_LIMITS),
    [],
    'a log DB over logs.maxSize with a small WAL waits for a launch',
  );
});

test('a process is over once it is a zombie with no thread left; a zombie leader whose threads still close the DBs is not', () => {
  assert.equal(isOver('Name:\tcodex\nState:\tZ (zombie)\nThreads:\t1\n'), true);
  assert.equal(isOver('Name:\tcodex\nState:\tZ (zombie)\nThreads:\t7\n'), false);
  assert.equal(isOver('Name:\tcodex\nState:\tS (sleeping)\nThreads:\t7\n'), false);
});

test('write_bytes from /proc/<pid>/io', () => {
  assert.equal(
    parseWriteBytes(
      'rchar: 10\nwchar: 20\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 20975616\ncancelled_write_bytes: 0\n',
    ),
    20975616,
  );
  assert.equal(parseWriteBytes('rchar: 10\n'), undefined);
  // What the reaped children wrote: the process total's growth less the shim's own.
  assert.equal(childrenWrote({ total: 100, own: 40 }, { total: 5_100, own: 140 }), 4_900);
  assert.equal(childrenWrote(undefined, { total: 1, own: 1 }), undefined);
});
