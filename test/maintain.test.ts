// `codexguard maintain`: the pre-flight without a launch, safe while another process writes to the log DB.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { codexHomeWithLogs, holder, logCount } from './helpers/codex-home.ts';
import { CLI, cleanEnv, runSync, tmp } from './helpers/index.ts';

function setup(t: Parameters<typeof tmp>[0]) {
  const user = join(tmp(t), 'user');
  mkdirSync(user);
  writeFileSync(join(user, '.codexguardrc'), JSON.stringify({ logs: { maxSize: '1MB', keepRows: 200 } }));
  const codexHome = codexHomeWithLogs(t, { rows: 3000, bodyBytes: 1500 });
  const env = cleanEnv({ HOME: user, CODEX_HOME: codexHome });
  return { user, codexHome, env, log: join(codexHome, 'logs_2.sqlite') };
}

test('maintain on a home with nothing due: one timestamped line, exit 0', (t) => {
  const { env, user } = setup(t);
  const r = runSync(process.execPath, [CLI, 'maintain'], {
    env: { ...env, CODEX_HOME: join(user, 'empty') },
    cwd: user,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z codexguard: nothing over the limits in .* \(0 databases\)\n$/,
  );
});

test('maintain while another process writes to the log DB: pruned in place, the writer never fails', async (t) => {
  const { env, user, codexHome, log } = setup(t);
  const writer = await holder(t, 'write', log);
  const r = runSync(process.execPath, [CLI, 'maintain'], { env, cwd: user });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^\S+Z codexguard: .*logs_2\.sqlite/m);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(await writer.stop(), 0);
  const errors = writer.lines.filter((l) => !l.startsWith('ok '));
  assert.deepEqual(errors, [], 'every insert of the other process succeeded');
  const lastId = Number(writer.lines.at(-1)!.split(' ')[1]);
  const after = logCount(log);
  assert.equal(after.maxId, lastId, "the other process's newest row is there");
  assert.ok(after.rows <= 200 + writer.lines.length, `pruned to the newest rows (${after.rows})`);
  assert.ok(existsSync(log));
  assert.deepEqual(
    readdirSync(codexHome).filter((n) => n.includes('.archive')),
    [],
    'no swap while the DB is open elsewhere',
  );
});
