// `codexguard schedule`: generated launchd/systemd/cron files (validated by plutil/plistlib and systemd-analyze where
// available), the crontab path through a fake `crontab` process, systemd and launchd through fake systemctl/launchctl
// processes that keep state, idempotency, exact removal, and status.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { chooseBackend } from '../src/schedule/backend.ts';
import { cronLine, readCronLine, withOurLine, withoutOurLines } from '../src/schedule/cron.ts';
import { installSchedule, removeSchedule } from '../src/schedule/install.ts';
import { cronSchedule, parseCronInterval } from '../src/schedule/interval.ts';
import { launchdPlist, parseLaunchctlPrint, readPlist } from '../src/schedule/launchd.ts';
import { stableNode, type JobSpec } from '../src/schedule/spec.ts';
import { judgeJob, scheduleStatus } from '../src/schedule/status.ts';
import { parseShow, readUnits, systemdUnits, unitQuote, unitUnquote, unixTimestamp } from '../src/schedule/systemd.ts';
import { CLI, NODE_BIN_DIR, runSync, tmp } from './helpers/index.ts';

const H = 3_600_000;
const NASTY = `/tmp/it's a "dir" with 100% $HOME & <x> \\ end`;

function job(over: Partial<JobSpec> = {}): JobSpec {
  return {
    program: [process.execPath, '/opt/codexguard/bin/codexguard.js', 'maintain'],
    everyMs: H,
    env: [
      ['CODEX_HOME', NASTY],
      ['PATH', '/usr/bin:/bin'],
    ],
    logFile: '/tmp/cg logs/maintain.log',
    cwd: '/home/u',
    ...over,
  };
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

test('cronSchedule rounds to steps that divide an hour or a day, and parseCronInterval reads them back', () => {
  const cases: Array<[number, string, number]> = [
    [60_000, '* * * * *', 60_000],
    [7 * 60_000, '*/6 * * * *', 6 * 60_000],
    [15 * 60_000, '*/15 * * * *', 15 * 60_000],
    [44 * 60_000, '*/30 * * * *', 30 * 60_000],
    [50 * 60_000, '0 * * * *', H],
    [H, '0 * * * *', H],
    [5 * H, '0 */4 * * *', 4 * H],
    [12 * H, '0 */12 * * *', 12 * H],
    [24 * H, '0 0 * * *', 24 * H],
    [3 * 24 * H, '0 0 */3 * *', 3 * 24 * H],
  ];
  for (const [every, expression, effective] of cases) {
    const s = cronSchedule(every);
    assert.deepEqual([s.expression, s.everyMs, s.rounded], [expression, effective, effective !== every], `${every} ms`);
    assert.equal(parseCronInterval(expression), effective);
  }
  assert.equal(parseCronInterval('5 4 * * 1'), null);
  assert.equal(parseCronInterval('*/7 * * * * extra'), null);
});

test('chooseBackend: launchd on macOS, systemd with a user manager, else cron, else units alone; --cron forces cron', () => {
  const base = { cron: false, systemdUser: false, crontab: true };
  assert.equal(chooseBackend({ ...base, platform: 'darwin' }).kind, 'launchd');
  assert.deepEqual(chooseBackend({ ...base, platform: 'linux', systemdUser: true }), {
    kind: 'systemd',
    filesOnly: false,
  });
  const fallback = chooseBackend({ ...base, platform: 'linux', systemdWhy: 'Failed to connect to bus' });
  assert.equal(fallback.kind, 'cron');
  assert.match(fallback.note!, /no systemd user manager \(Failed to connect to bus\): using crontab/);
  const alone = chooseBackend({ ...base, platform: 'linux', crontab: false });
  assert.deepEqual([alone.kind, alone.filesOnly], ['systemd', true]);
  assert.equal(chooseBackend({ ...base, platform: 'freebsd' }).kind, 'cron');
  assert.match(chooseBackend({ ...base, platform: 'freebsd', crontab: false }).error!, /crontab is not on PATH/);
  assert.equal(chooseBackend({ ...base, platform: 'darwin', cron: true }).kind, 'cron');
});

test('launchd plist: escaped, valid (plutil -lint, else python plistlib), and read back', (t) => {
  const text = launchdPlist(job());
  // Hourly: calendar times, which launchd runs on wake for the ones the Mac slept through (StartInterval would wait a whole interval).
  assert.match(
    text,
    /<key>StartCalendarInterval<\/key>\n\t<array>\n\t\t<dict><key>Minute<\/key><integer>0<\/integer><\/dict>\n\t<\/array>/,
  );
  assert.match(text, /<key>Label<\/key>\n\t<string>dev\.codexguard\.maintain<\/string>/);
  assert.ok(text.includes('&apos;s a &quot;dir&quot; with 100% $HOME &amp; &lt;x&gt;'));
  assert.deepEqual(readPlist(text), { program: job().program, everyMs: H });
  const file = join(tmp(t), 'dev.codexguard.maintain.plist');
  writeFileSync(file, text);
  if (has('plutil')) assert.equal(spawnSync('plutil', ['-lint', file]).status, 0);
  if (has('python3')) {
    const r = spawnSync(
      'python3',
      ['-c', 'import json,plistlib,sys; print(json.dumps(plistlib.load(open(sys.argv[1],"rb"))))', file],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const parsed = JSON.parse(r.stdout);
    assert.deepEqual(parsed.ProgramArguments, job().program);
    assert.deepEqual(parsed.EnvironmentVariables, { CODEX_HOME: NASTY, PATH: '/usr/bin:/bin' });
    assert.deepEqual(
      [parsed.StartCalendarInterval, parsed.RunAtLoad, parsed.StandardOutPath],
      [[{ Minute: 0 }], true, '/tmp/cg logs/maintain.log'],
    );
  }
  assert.throws(() => launchdPlist(job({ cwd: '/home/a\nb' })), /control character/);
});

test('launchd timing: calendar times for intervals cron can write exactly (read back to the same interval), StartInterval otherwise', () => {
  for (const [everyMs, kind] of [
    [15 * 60_000, 'StartCalendarInterval'],
    [H, 'StartCalendarInterval'],
    [6 * H, 'StartCalendarInterval'],
    [24 * H, 'StartCalendarInterval'],
    [7 * 60_000, 'StartInterval'],
    [48 * H, 'StartInterval'],
  ] as const) {
    const text = launchdPlist(job({ everyMs }));
    assert.ok(text.includes(`<key>${kind}</key>`), `${everyMs}: ${kind}`);
    assert.equal(readPlist(text).everyMs, everyMs);
  }
  assert.equal((launchdPlist(job({ everyMs: 15 * 60_000 })).match(/<key>Minute<\/key>/g) ?? []).length, 4);
});

test('launchctl print output is parsed for runs and last exit code', () => {
  const text =
    'gui/501/dev.codexguard.maintain = {\n\tactive count = 0\n\tstate = not running\n\truns = 4\n\tlast exit code = 1\n}\n';
  assert.deepEqual(parseLaunchctlPrint(text), { runs: 4, lastExitCode: 1, state: 'not running' });
  assert.deepEqual(parseLaunchctlPrint('\tstate = waiting\n\truns = 0\n\tlast exit code = (never exited)\n'), {
    runs: 0,
    lastExitCode: null,
    state: 'waiting',
  });
});

test('systemd units: quoting round-trips, monotonic timer semantics, and `systemd-analyze verify` accepts them where available', (t) => {
  for (const word of [NASTY, 'plain', '%h $$ "q" \\\\ end']) assert.deepEqual(unitUnquote(unitQuote(word)), [word]);
  const script = join(tmp(t), 'codexguard.js');
  writeFileSync(script, '');
  const units = systemdUnits(job({ program: [process.execPath, script, 'maintain'], cwd: '/tmp' }));
  assert.match(units.timer, /^OnStartupSec=5min$/m);
  assert.match(units.timer, /^OnUnitActiveSec=3600s$/m);
  assert.doesNotMatch(units.timer, /Persistent=/, 'Persistent= is for OnCalendar= timers only');
  assert.match(units.service, /^Type=oneshot$/m);
  assert.match(units.service, /^StandardOutput=append:\/tmp\/cg logs\/maintain\.log$/m);
  assert.deepEqual(readUnits(units.service, units.timer), {
    program: [process.execPath, script, 'maintain'],
    everyMs: H,
  });
  if (has('systemd-analyze')) {
    const dir = tmp(t);
    writeFileSync(join(dir, 'codexguard-maintain.service'), units.service);
    writeFileSync(join(dir, 'codexguard-maintain.timer'), units.timer);
    const r = spawnSync(
      'systemd-analyze',
      ['verify', join(dir, 'codexguard-maintain.service'), join(dir, 'codexguard-maintain.timer')],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /codexguard-maintain/, r.stderr);
  }
});

test('judgeJob: several kinds, unreadable command, a job that stopped running', () => {
  const job = {
    kind: 'cron' as const,
    files: [],
    program: [process.execPath, CLI],
    everyMs: H,
    loaded: true,
    lastRun: null,
    lastExitCode: null,
  };
  const now = Date.parse('2026-01-10T12:00:00Z');
  assert.deepEqual(judgeJob(job, ['cron'], '2026-01-10T11:30:00Z', '/log', H, now), []);
  assert.deepEqual(judgeJob(job, ['cron'], '2026-01-07T12:00:00Z', '/log', H, now), [
    'the last run was 3 d ago, over 3 intervals: see /log',
  ]);
  // After a weekend closed: launchd says the agent is loaded and its last run exited 0, so the old log is no warning.
  const agent = { ...job, kind: 'launchd' as const, loaded: true, lastExitCode: 0 };
  assert.deepEqual(judgeJob(agent, ['launchd'], '2026-01-07T12:00:00Z', '/log', H, now), []);
  assert.deepEqual(judgeJob({ ...agent, lastExitCode: null }, ['launchd'], '2026-01-07T12:00:00Z', '/log', H, now), [
    'the last run was 3 d ago, over 3 intervals: see /log',
  ]);
  assert.deepEqual(judgeJob({ ...job, program: null }, ['systemd', 'cron'], null, '/log', undefined, now), [
    'scheduled 2 times (systemd, cron): run `codexguard schedule install` to keep one',
    "cannot read the cron job's command: run `codexguard schedule install`",
  ]);
  assert.deepEqual(
    judgeJob({ ...job, everyMs: 15 * 60_000 }, ['cron'], null, '/log', 14 * 60_000, now),
    [],
    'cron rounds 14m to 15m: as expected',
  );
});

test('systemctl show output and unix timestamps', () => {
  const blocks = parseShow(
    'Id=a.timer\nActiveState=active\nLastTriggerUSec=@1700000000\n\nId=a.service\nExecMainStatus=0\n',
  );
  assert.deepEqual(
    blocks.map((b) => b.get('Id')),
    ['a.timer', 'a.service'],
  );
  assert.equal(unixTimestamp(blocks[0]!.get('LastTriggerUSec')), '2023-11-14T22:13:20.000Z');
  assert.equal(unixTimestamp('n/a'), null);
  assert.equal(unixTimestamp('@0'), null);
});

test('crontab text: our line added, replaced in place, removed; every other byte kept', () => {
  const line = cronLine(job());
  const user = '# my jobs\r\nSHELL=/bin/bash\n\n*/5 * * * * backup.sh   \n0 3 * * * other # codexguard is great\n';
  const installed = withOurLine(user, line);
  assert.equal(installed, `${user}${line}\n`);
  assert.equal(withOurLine(installed, line), installed, 'idempotent');
  const older = installed.replace(line, line.replace('0 * * * *', '*/5 * * * *'));
  assert.equal(withOurLine(older, line), installed, 'replaced in place');
  assert.equal(withoutOurLines(installed), user, 'byte for byte');
  assert.equal(withoutOurLines(withOurLine('', line)), '');
  assert.equal(withOurLine('0 1 * * * x', line), `0 1 * * * x\n${line}\n`, 'a last line without its newline gets one');
  const read = readCronLine(installed)!;
  assert.deepEqual([read.everyMs, read.program], [H, job().program]);
});

test('the cron line, run by sh as cron would, starts the program with the exact argv, env and cwd, appending to the log', (t) => {
  const dir = tmp(t);
  const recorder = join(dir, 'record.cjs');
  writeFileSync(
    recorder,
    'console.log(JSON.stringify({ argv: process.argv.slice(2), home: process.env.CODEX_HOME, cwd: process.cwd() }));\n',
  );
  const cwd = join(dir, `cwd ${"it's"} 100%`);
  mkdirSync(cwd);
  const logFile = join(dir, 'log dir', 'maintain.log');
  mkdirSync(join(dir, 'log dir'));
  const line = cronLine(job({ program: [process.execPath, recorder, 'maintain', NASTY], logFile, cwd }));
  // cron: the first five fields are the schedule; `\%` becomes `%`; the rest goes to sh -c.
  const command = line.split(/\s+/).slice(5).join(' ').replace(/\\%/g, '%');
  for (let i = 0; i < 2; i++) assert.equal(spawnSync('/bin/sh', ['-c', command]).status, 0);
  const runs = readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(runs.length, 2, 'appended, not overwritten');
  assert.deepEqual(runs[0], { argv: ['maintain', NASTY], home: NASTY, cwd });
});

/** A bin dir holding fake crontab/systemctl/launchctl programs (node scripts, real processes) that keep their state under $HOME. */
function fakeTools(t: TestContext, tools: Array<'crontab' | 'systemctl' | 'launchctl'>): string {
  const bin = tmp(t, 'cg-fakebin-');
  const head = `#!${process.execPath}\nconst fs = require('fs'); const H = process.env.HOME; const a = process.argv.slice(2);\nfs.appendFileSync(H + '/.calls', require('path').basename(process.argv[1]) + ' ' + a.join(' ') + '\\n');\n`;
  const bodies = {
    crontab: `const f = H + '/.fake-crontab';
if (a[0] === '-l') { if (fs.existsSync(f)) process.stdout.write(fs.readFileSync(f)); else { console.error('no crontab for tester'); process.exit(1); } }
else if (a[0] === '-r') { if (fs.existsSync(f)) fs.rmSync(f); else { console.error('no crontab for tester'); process.exit(1); } }
else if (a[0] === '-') fs.writeFileSync(f, fs.readFileSync(0));
else process.exit(2);`,
    systemctl: `if (!fs.existsSync(H + '/.systemd-up')) { console.error('Failed to connect to bus: No medium found'); process.exit(1); }
const on = H + '/.timer-active'; const cmd = a.filter((x) => !x.startsWith('-'));
if (cmd[0] === 'is-active') { console.log(fs.existsSync(on) ? 'active' : 'inactive'); process.exit(fs.existsSync(on) ? 0 : 3); }
if (cmd[0] === 'enable' || cmd[0] === 'restart') fs.writeFileSync(on, '');
if (cmd[0] === 'disable') fs.rmSync(on, { force: true });
if (cmd[0] === 'show') process.stdout.write('Id=codexguard-maintain.timer\\nActiveState=' + (fs.existsSync(on) ? 'active' : 'inactive') + '\\nLastTriggerUSec=@' + (Math.floor(Date.now() / 1000) - 60) + '\\nExecMainStatus=0\\nResult=success\\n\\nId=codexguard-maintain.service\\nActiveState=inactive\\nLastTriggerUSec=\\nExecMainStatus=2\\nResult=exit-code\\n');`,
    // As launchctl behaves: bootstrap of a loaded label fails with 5 (EIO); with .launchd-race, so do the next two
    // bootstraps after a bootout (the old instance is still being torn down); with .launchd-ssh there is no gui/<uid>
    // domain (logged in over SSH only): bootstrap there fails with 125, print with 113.
    launchctl: `const on = H + '/.launchd-loaded'; const dom = H + '/.launchd-domain'; const ssh = fs.existsSync(H + '/.launchd-ssh');
const tearing = H + '/.launchd-tearing'; const domainOf = (x) => x.split('/')[0];
if (a[0] === 'print') { if (!fs.existsSync(on) || fs.readFileSync(dom, 'utf8') !== domainOf(a[1])) { console.error('Could not find service'); process.exit(113); } console.log('\\tstate = not running\\n\\truns = 3\\n\\tlast exit code = 0'); }
if (a[0] === 'bootstrap') {
  if (ssh && domainOf(a[1]) === 'gui') { console.error('Bootstrap failed: 125: Domain does not support specified action'); process.exit(125); }
  const left = fs.existsSync(tearing) ? Number(fs.readFileSync(tearing, 'utf8')) : 0;
  if (fs.existsSync(on) || left > 0) { if (left > 0) fs.writeFileSync(tearing, String(left - 1)); console.error('Bootstrap failed: 5: Input/output error'); process.exit(5); }
  fs.writeFileSync(on, a[2]); fs.writeFileSync(dom, domainOf(a[1])); }
if (a[0] === 'bootout') { if (!fs.existsSync(on)) process.exit(3); fs.rmSync(on); if (fs.existsSync(H + '/.launchd-race')) fs.writeFileSync(tearing, '2'); }`,
  };
  for (const tool of tools) {
    writeFileSync(join(bin, tool), `${head + bodies[tool]}\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  return bin;
}

function calls(home: string): string[] {
  return existsSync(join(home, '.calls')) ? readFileSync(join(home, '.calls'), 'utf8').trim().split('\n') : [];
}

/** The CLI with a temp HOME; PATH is the fake tools and node only (no real crontab or systemctl can be reached). */
function cli(home: string, bin: string, args: string[]) {
  const env = { HOME: home, LANG: 'C', PATH: `${bin}:${NODE_BIN_DIR}`, CODEX_HOME: join(home, '.codex') };
  return runSync(process.execPath, [CLI, ...args], { env, cwd: home });
}

test('CLI on Linux without a user manager: falls back to crontab, idempotent, status, exact removal', (t) => {
  const home = tmp(t);
  const bin = fakeTools(t, ['crontab', 'systemctl']);
  const mine = '# keep me\nMAILTO=""\n17 4 * * * /usr/local/bin/backup --all\n';
  writeFileSync(join(home, '.fake-crontab'), mine);
  writeFileSync(join(home, '.codexguardrc'), JSON.stringify({ schedule: { every: '1h' } }));

  const first = cli(home, bin, ['schedule', 'install']);
  assert.equal(first.status, 0, first.stderr + first.stdout);
  assert.match(
    first.stdout,
    /no systemd user manager \(Failed to connect to bus: No medium found\): using crontab instead/,
  );
  assert.match(first.stdout, /runs `codexguard maintain` every 1h; log: ~\/\.local\/state\/codexguard\/maintain\.log/);
  const installed = readFileSync(join(home, '.fake-crontab'), 'utf8');
  assert.ok(installed.startsWith(mine));
  assert.match(
    installed,
    /^0 \* \* \* \* cd '.+' && CODEX_HOME='.+\/\.codex' PATH='.+' '.+node' '.+\/bin\/codexguard\.js' 'maintain' >> '.+maintain\.log' 2>&1 # codexguard maintain\n$/m,
  );
  assert.ok(existsSync(join(home, '.local', 'state', 'codexguard')), 'log dir made');

  const second = cli(home, bin, ['schedule', 'install']);
  assert.equal(second.status, 0);
  assert.match(second.stdout, /crontab line already installed/);
  assert.equal(readFileSync(join(home, '.fake-crontab'), 'utf8'), installed, 'running it twice changes nothing');
  assert.equal(calls(home).filter((c) => c === 'crontab -').length, 1, 'written once');

  const status = cli(home, bin, ['schedule', 'status', '--json']);
  const s = JSON.parse(status.stdout);
  assert.deepEqual(
    [s.version, s.installed, s.kind, s.everyMs, s.expectedEveryMs, s.loaded],
    [1, true, 'cron', H, H, true],
  );
  assert.deepEqual(s.command.slice(-1), ['maintain']);
  assert.deepEqual(s.problems, []);
  assert.match(cli(home, bin, ['schedule', 'status']).stdout, /scheduled maintain: cron \(loaded\), every 1h/);

  const removed = cli(home, bin, ['schedule', 'remove']);
  assert.equal(removed.status, 0);
  assert.match(removed.stdout, /removed the crontab line/);
  assert.equal(readFileSync(join(home, '.fake-crontab'), 'utf8'), mine, 'crontab restored byte for byte');
  assert.equal(
    existsSync(join(home, '.local', 'state', 'codexguard')),
    false,
    'the empty log dir made at install is gone',
  );
  assert.match(cli(home, bin, ['schedule', 'remove']).stdout, /nothing to remove/);
  assert.equal(JSON.parse(cli(home, bin, ['schedule', 'status', '--json']).stdout).installed, false);
});

test('CLI --cron on a user without a crontab: installs one, removal leaves none; schedule.every from config, rounded', (t) => {
  const home = tmp(t);
  const bin = fakeTools(t, ['crontab']);
  writeFileSync(join(home, '.codexguardrc'), JSON.stringify({ schedule: { every: '50m' } }));
  const r = cli(home, bin, ['schedule', 'install', '--cron']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /every 1h \(schedule\.every 50m, rounded for cron\)/);
  assert.deepEqual(
    JSON.parse(cli(home, bin, ['schedule', 'status', '--json']).stdout).problems,
    [],
    '50m rounds to the 1h installed',
  );
  assert.equal(cli(home, bin, ['schedule', 'remove']).status, 0);
  assert.equal(existsSync(join(home, '.fake-crontab')), false, 'crontab -r: no crontab, as before');
  assert.ok(calls(home).includes('crontab -r'));
});

test('CLI without crontab, launchctl or a systemd user manager: units written and linked, but exit 1 with a fix; status says why they do not run', (t) => {
  const home = tmp(t);
  const bin = fakeTools(t, ['systemctl']);
  const r = cli(home, bin, ['schedule', 'install']);
  assert.equal(r.status, 1, 'nothing can run the job: not a success');
  assert.match(r.stdout, /no systemd user manager .* and no crontab: wrote the units/);
  assert.match(r.stdout, /nothing runs the job now; fix: install cron and run `codexguard schedule install --cron`/);
  assert.doesNotMatch(r.stdout, /runs `codexguard maintain` every/);
  const dir = join(home, '.config', 'systemd', 'user');
  assert.equal(
    readlinkSync(join(dir, 'timers.target.wants', 'codexguard-maintain.timer')),
    join(dir, 'codexguard-maintain.timer'),
  );
  const s = JSON.parse(cli(home, bin, ['schedule', 'status', '--json']).stdout);
  assert.deepEqual([s.installed, s.kind, s.loaded], [true, 'systemd', null]);
  assert.match(s.problems.join('\n'), /no systemd user manager/);
  const cron = cli(home, bin, ['schedule', 'install', '--cron']);
  assert.equal(cron.status, 1);
  assert.match(cron.stdout, /crontab is not on PATH/);
  assert.equal(cli(home, bin, ['schedule', 'remove']).status, 0);
  assert.deepEqual(
    calls(home).filter((c) => /disable|enable/.test(c)),
    [],
    'no systemctl disable without a manager',
  );
  for (const f of ['codexguard-maintain.service', 'codexguard-maintain.timer', 'timers.target.wants'])
    assert.equal(existsSync(join(dir, f)), false, f);
});

test('systemd with a user manager (fake systemctl): enable --now once, nothing the second time, restart on change, clean removal', async (t) => {
  const home = tmp(t);
  writeFileSync(join(home, '.systemd-up'), '');
  const bin = fakeTools(t, ['systemctl', 'crontab']);
  const env = { HOME: home, PATH: `${bin}:${NODE_BIN_DIR}`, XDG_CONFIG_HOME: join(home, 'cfg') };
  const first = await installSchedule({ env, platform: 'linux', everyMs: H });
  assert.deepEqual([first.ok, first.kind, first.changed], [true, 'systemd', true], first.lines.join('\n'));
  const dir = join(home, 'cfg', 'systemd', 'user');
  assert.match(readFileSync(join(dir, 'codexguard-maintain.timer'), 'utf8'), /OnUnitActiveSec=3600s/);
  assert.deepEqual(
    calls(home).filter((c) => !c.includes('show-environment') && !c.startsWith('crontab')),
    [
      'systemctl --user is-active codexguard-maintain.timer',
      'systemctl --user daemon-reload',
      'systemctl --user enable --now codexguard-maintain.timer',
    ],
  );

  const again = await installSchedule({ env, platform: 'linux', everyMs: H });
  assert.deepEqual([again.ok, again.changed], [true, false]);
  assert.match(again.lines.join('\n'), /already installed and active/);

  const changed = await installSchedule({ env, platform: 'linux', everyMs: 2 * H });
  assert.equal(changed.changed, true);
  assert.ok(calls(home).includes('systemctl --user restart codexguard-maintain.timer'));

  const status = await scheduleStatus({ env, platform: 'linux', everyMs: H });
  assert.deepEqual([status.kind, status.loaded, status.everyMs, status.lastExitCode], ['systemd', true, 2 * H, 2]);
  assert.ok(
    Date.now() - Date.parse(status.lastRun!) < 300_000,
    `last run from the timer's LastTriggerUSec: ${status.lastRun}`,
  );
  assert.deepEqual(status.problems, [
    'runs every 2h but schedule.every is 1h: run `codexguard schedule install`',
    `the last run failed (exit 2): see ${join(home, '.local', 'state', 'codexguard', 'maintain.log')}`,
  ]);

  const removed = await removeSchedule({ env, platform: 'linux' });
  assert.equal(removed.ok, true);
  assert.ok(calls(home).includes('systemctl --user disable --now codexguard-maintain.timer'));
  assert.equal(existsSync(join(dir, 'codexguard-maintain.timer')), false);
  assert.equal(existsSync(join(dir, 'codexguard-maintain.service')), false);
  assert.equal((await scheduleStatus({ env, platform: 'linux' })).installed, false);
});

test('launchd (fake launchctl): bootstrap once, nothing the second time, status, problems, bootout and delete on removal', async (t) => {
  const home = tmp(t);
  const bin = fakeTools(t, ['launchctl', 'crontab']);
  const env = { HOME: home, PATH: `${bin}:${NODE_BIN_DIR}` };
  const first = await installSchedule({ env, platform: 'darwin', uid: 501, everyMs: H });
  assert.deepEqual([first.ok, first.kind], [true, 'launchd'], first.lines.join('\n'));
  const plist = join(home, 'Library', 'LaunchAgents', 'dev.codexguard.maintain.plist');
  assert.equal(readFileSync(join(home, '.launchd-loaded'), 'utf8'), plist);
  assert.ok(calls(home).includes(`launchctl bootstrap gui/501 ${plist}`));
  assert.ok(existsSync(join(home, 'Library', 'Logs', 'codexguard')));

  const again = await installSchedule({ env, platform: 'darwin', uid: 501, everyMs: H });
  assert.deepEqual([again.ok, again.changed], [true, false]);
  assert.equal(calls(home).filter((c) => c.startsWith('launchctl bootstrap')).length, 1);

  const changed = await installSchedule({ env, platform: 'darwin', uid: 501, everyMs: 2 * H });
  assert.equal(changed.ok, true, changed.lines.join('\n'));
  assert.deepEqual(
    calls(home)
      .filter((c) => /bootout|bootstrap/.test(c))
      .map((c) => c.split(' ')[1]),
    ['bootstrap', 'bootout', 'bootstrap'],
    'reloaded: bootout first',
  );

  const status = await scheduleStatus({ env, platform: 'darwin', uid: 501, everyMs: 2 * H });
  assert.deepEqual(
    [status.installed, status.kind, status.loaded, status.lastExitCode, status.files],
    [true, 'launchd', true, 0, [plist]],
  );
  assert.deepEqual(status.problems, []);

  // A plist present but not loaded, pointing at a node that no longer exists.
  writeFileSync(plist, readFileSync(plist, 'utf8').replace(process.execPath, '/gone/bin/node'));
  rmSync(join(home, '.launchd-loaded'));
  const broken = await scheduleStatus({ env, platform: 'darwin', uid: 501, everyMs: 2 * H });
  assert.equal(broken.loaded, false);
  assert.match(broken.problems.join('\n'), /installed but not loaded/);
  assert.match(broken.problems.join('\n'), /node \/gone\/bin\/node is gone/);

  const fixed = await installSchedule({ env, platform: 'darwin', uid: 501, everyMs: 2 * H });
  assert.equal(fixed.ok, true);
  assert.deepEqual((await scheduleStatus({ env, platform: 'darwin', uid: 501, everyMs: 2 * H })).problems, []);
  const removed = await removeSchedule({ env, platform: 'darwin', uid: 501 });
  assert.equal(removed.ok, true);
  assert.equal(existsSync(plist), false);
  assert.equal(existsSync(join(home, '.launchd-loaded')), false, 'booted out');
});

test('launchd: a bootstrap right after bootout (EIO while the old agent goes) is retried; over SSH (no gui domain) it loads into user/<uid>', async (t) => {
  const home = tmp(t);
  const bin = fakeTools(t, ['launchctl']);
  const env = { HOME: home, PATH: `${bin}:${NODE_BIN_DIR}` };
  assert.equal((await installSchedule({ env, platform: 'darwin', uid: 501, everyMs: H })).ok, true);
  writeFileSync(join(home, '.launchd-race'), '');
  const reloaded = await installSchedule({ env, platform: 'darwin', uid: 501, everyMs: 2 * H });
  assert.equal(reloaded.ok, true, reloaded.lines.join('\n'));
  assert.deepEqual(
    calls(home)
      .filter((c) => /bootout|bootstrap/.test(c))
      .map((c) => c.split(' ')[1]),
    ['bootstrap', 'bootout', 'bootstrap', 'bootstrap', 'bootstrap'],
    'two EIO failures, then loaded',
  );
  assert.equal(existsSync(join(home, '.launchd-loaded')), true);
  assert.equal((await removeSchedule({ env, platform: 'darwin', uid: 501 })).ok, true);

  const ssh = tmp(t);
  writeFileSync(join(ssh, '.launchd-ssh'), '');
  const sshEnv = { HOME: ssh, PATH: `${bin}:${NODE_BIN_DIR}` };
  const r = await installSchedule({ env: sshEnv, platform: 'darwin', uid: 501, everyMs: H });
  assert.equal(r.ok, true, r.lines.join('\n'));
  assert.match(r.lines.join('\n'), /into user\/501 \(no GUI session/);
  assert.equal(readFileSync(join(ssh, '.launchd-domain'), 'utf8'), 'user');
  const status = await scheduleStatus({ env: sshEnv, platform: 'darwin', uid: 501, everyMs: H });
  assert.equal(status.loaded, true, 'found in the per-user domain');
  assert.equal((await removeSchedule({ env: sshEnv, platform: 'darwin', uid: 501 })).ok, true);
  assert.ok(calls(ssh).includes('launchctl bootout user/501/dev.codexguard.maintain'));
});

test('a missing launchctl is one line, not a crash; installing cron over launchd removes the agent', async (t) => {
  const home = tmp(t);
  const env = { HOME: home, PATH: `${fakeTools(t, ['crontab'])}:${NODE_BIN_DIR}` };
  const r = await installSchedule({ env, platform: 'darwin', uid: 501, everyMs: H });
  assert.equal(r.ok, false);
  assert.deepEqual(
    r.lines.filter((l) => /launchctl/.test(l)),
    [
      `wrote ${join(home, 'Library', 'LaunchAgents', 'dev.codexguard.maintain.plist')}, but launchctl is not on PATH, so it is not loaded`,
    ],
  );
  const status = await scheduleStatus({ env, platform: 'darwin', uid: 501 });
  assert.deepEqual([status.kind, status.loaded], ['launchd', null]);
  const cron = await installSchedule({ env, platform: 'darwin', uid: 501, everyMs: H, cron: true });
  assert.equal(cron.ok, true, cron.lines.join('\n'));
  assert.match(cron.lines.join('\n'), /removed .*dev\.codexguard\.maintain\.plist \(replaced by cron\)/);
  assert.deepEqual((await scheduleStatus({ env, platform: 'darwin', uid: 501 })).kinds, ['cron']);
});

test('the job runs node by a path that survives `brew upgrade node` (Homebrew layout: Cellar, bin and opt links)', (t) => {
  // As Homebrew lays node out: <prefix>/Cellar/node/<version>/bin/node, with <prefix>/bin/node and <prefix>/opt/node
  // linking into it; `brew upgrade` installs the new version, moves both links, and deletes the old Cellar folder.
  const prefix = realpathSync(tmp(t));
  const cellarNode = (v: string) => join(prefix, 'Cellar', 'node', v, 'bin', 'node');
  const install = (v: string) => {
    mkdirSync(dirname(cellarNode(v)), { recursive: true });
    writeFileSync(cellarNode(v), '#!/bin/sh\n', { mode: 0o755 });
    for (const link of [join(prefix, 'bin', 'node'), join(prefix, 'opt', 'node')]) rmSync(link, { force: true });
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    mkdirSync(join(prefix, 'opt'), { recursive: true });
    symlinkSync(`../Cellar/node/${v}/bin/node`, join(prefix, 'bin', 'node'));
    symlinkSync(`../Cellar/node/${v}`, join(prefix, 'opt', 'node'));
  };
  install('22.1.0');
  const execPath = cellarNode('22.1.0');
  const viaPath = stableNode(execPath, `/nonexistent:${join(prefix, 'bin')}:/usr/bin`);
  assert.equal(viaPath, join(prefix, 'bin', 'node'));
  const viaOpt = stableNode(execPath, '/usr/bin:/bin');
  assert.equal(viaOpt, join(prefix, 'opt', 'node', 'bin', 'node'));
  assert.equal(stableNode('/somewhere/else/node', '/usr/bin'), '/somewhere/else/node');
  install('22.2.0');
  rmSync(join(prefix, 'Cellar', 'node', '22.1.0'), { recursive: true });
  assert.equal(existsSync(execPath), false, 'process.execPath is gone after the upgrade');
  for (const kept of [viaPath, viaOpt]) assert.equal(realpathSync(kept), cellarNode('22.2.0'));
});
