// A cloned repository puts programs where a relative or empty PATH entry finds them: none of them may ever run.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { codexHomeWithLogs } from './helpers/codex-home.ts';
import { CLI, cleanEnv, fakeCodex, linkShim, NODE_BIN_DIR, readRecord, runSync, tmp } from './helpers/index.ts';

const PLANTED = ['stty', 'perl', 'flock', 'lsof', 'coredumpctl', 'systemctl', 'crontab', 'launchctl', 'bash', 'zsh', 'fish', 'sh', 'cat'];

/** A repository whose `bin/` and top folder hold a program of every name codexguard starts, each leaving a mark when run. */
function plantedRepo(root: string): { repo: string; marks: string } {
  const repo = join(root, 'repo');
  const marks = join(root, 'marks');
  mkdirSync(join(repo, 'bin'), { recursive: true });
  mkdirSync(marks);
  for (const dir of [repo, join(repo, 'bin')]) {
    for (const name of PLANTED) {
      const file = join(dir, name);
      writeFileSync(file, `#!/bin/sh\necho ran > '${join(marks, name)}'\nexit 0\n`);
      chmodSync(file, 0o755);
    }
  }
  return { repo, marks };
}

test('relative and empty PATH entries never run a planted stty, perl, flock or lsof: on a terminal, with a rotation due', (t) => {
  const root = tmp(t);
  const { repo, marks } = plantedRepo(root);
  const home = join(root, 'user');
  mkdirSync(home);
  writeFileSync(join(home, '.codexguardrc'), JSON.stringify({ logs: { maxSize: '1MB', keepRows: 300 } }));
  const codexHome = codexHomeWithLogs(t, { rows: 3000, bodyBytes: 1500 });
  const shimDir = join(root, 'shim');
  linkShim(shimDir);
  fakeCodex(join(root, 'real'));
  const record = join(root, 'record.json');
  // `bin`, `.` and an empty entry first: what a careless `PATH=bin:$PATH` or a trailing colon gives.
  const PATH = ['bin', '.', '', shimDir, join(root, 'real'), NODE_BIN_DIR, '/usr/bin', '/bin'].join(':');
  const env = cleanEnv({ HOME: home, CODEX_HOME: codexHome, PATH, FAKE_CODEX_RECORD: record });
  // A real pseudo-terminal, so the shim saves the terminal with stty before codex starts.
  const r = runSync('/usr/bin/script', ['-qec', `${join(shimDir, 'codex')} hi`, '/dev/null'], { env, cwd: repo });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.deepEqual(readRecord(record).argv, ['hi'], 'codex ran');
  assert.match(r.stdout, /kept 300 of 3000 rows/, 'the rotation ran (it takes Codex maintenance lock with perl or flock)');
  const m = runSync(process.execPath, [CLI, 'maintain'], { env, cwd: repo });
  assert.equal(m.status, 0, m.stdout + m.stderr);
  const s = runSync(process.execPath, [CLI, 'schedule', 'status'], { env, cwd: repo });
  assert.equal(s.status, 0, s.stdout + s.stderr);
  assert.deepEqual(readdirSync(marks), [], 'no planted program ran');
  assert.equal(existsSync(join(marks, 'stty')), false);
});
