// The argv a crashed codex comes back with: `resume --last` and the global options, never the first prompt (pure), and its subcommand list against the pinned codex.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { LISTED_SUBCOMMANDS, restartArgs, resumeArgs, UNLISTED_SUBCOMMANDS } from '../src/crash/argv.ts';
import { PINNED_CODEX_VERSION, REAL_CODEX } from './helpers/codex-home.ts';

test('a bare interactive session resumes the last session', () => {
  assert.deepEqual(resumeArgs([]), ['resume', '--last']);
});

test('the first prompt is not sent again', () => {
  assert.deepEqual(resumeArgs(['fix the failing test']), ['resume', '--last']);
  assert.deepEqual(resumeArgs(['-m', 'o3', 'fix it', '--search']), ['resume', '--last', '-m', 'o3', '--search']);
  assert.deepEqual(resumeArgs(['--', '-not an option']), ['resume', '--last']);
  assert.deepEqual(
    resumeArgs(['-m', 'o3', '--', 'exec']),
    ['resume', '--last', '-m', 'o3'],
    'after -- a subcommand name is a prompt',
  );
});

test('every global option of codex 0.169 is kept, in every spelling, in order', () => {
  const argv = [
    '-m',
    'o3',
    '--model=gpt-5',
    '-mo4',
    '-c',
    'model_reasoning_effort="high"',
    '--config',
    'a.b=1',
    '-ckey=val',
    '-p',
    'work',
    '--profile=home',
    '--oss',
    '--local-provider',
    'ollama',
    '-C',
    '/src/app',
    '--cd=/src/other',
    '-s',
    'workspace-write',
    '--sandbox',
    'read-only',
    '-a',
    'never',
    '--ask-for-approval=on-request',
    '--search',
    '--enable',
    'feat1',
    '--disable=feat2',
    '--add-dir',
    '/tmp/x',
    '--strict-config',
    '--no-alt-screen',
    '--no-daemon',
    '--remote',
    'ws://h:1',
    '--remote-auth-token-env',
    'TOK',
    '--approve-for-me',
    '--dangerously-bypass-approvals-and-sandbox',
    '--dangerously-bypass-hook-trust',
  ];
  assert.deepEqual(resumeArgs([...argv, 'the prompt']), ['resume', '--last', ...argv]);
});

test('option values that look like subcommands or prompts stay values', () => {
  assert.deepEqual(resumeArgs(['-m', 'exec', '-c', 'resume=1', 'hi']), [
    'resume',
    '--last',
    '-m',
    'exec',
    '-c',
    'resume=1',
  ]);
  assert.deepEqual(resumeArgs(['-c', '-1']), ['resume', '--last', '-c', '-1']);
});

test('images of the first prompt are dropped, however many', () => {
  assert.deepEqual(resumeArgs(['-i', 'a.png', 'b.png', '-m', 'o3', 'look']), ['resume', '--last', '-m', 'o3']);
  assert.deepEqual(resumeArgs(['--image=a.png,b.png', 'look']), ['resume', '--last']);
});

test('a session in a new worktree is looked for in every directory, without making another worktree', () => {
  assert.deepEqual(resumeArgs(['--worktree', '-m', 'o3']), ['resume', '--last', '--all', '-m', 'o3']);
});

test('`codex resume <id>` comes back on that id; `resume --last` and the picker come back as --last', () => {
  assert.deepEqual(resumeArgs(['resume', '0199-abc', 'and then']), ['resume', '0199-abc']);
  assert.deepEqual(resumeArgs(['resume', '--last', '-m', 'o3']), ['resume', '--last', '-m', 'o3']);
  assert.deepEqual(resumeArgs(['resume', '--last', 'a prompt']), ['resume', '--last']);
  assert.deepEqual(resumeArgs(['resume']), ['resume', '--last']);
  assert.deepEqual(resumeArgs(['resume', '--all']), ['resume', '--last', '--all']);
  assert.deepEqual(resumeArgs(['resume', '--include-non-interactive', '--last']), [
    'resume',
    '--last',
    '--include-non-interactive',
  ]);
  assert.deepEqual(resumeArgs(['-m', 'o3', 'resume', '--last', '-p', 'x']), [
    'resume',
    '--last',
    '-m',
    'o3',
    '-p',
    'x',
  ]);
});

test('a forked session is the newest one: it comes back as resume --last', () => {
  assert.deepEqual(resumeArgs(['fork', '0199-abc', '-m', 'o3']), ['resume', '--last', '-m', 'o3']);
  assert.deepEqual(resumeArgs(['fork', '--last', '--all']), ['resume', '--last']);
});

test('resuming the resumed argv gives the same argv (a second crash comes back the same way)', () => {
  for (const argv of [
    ['-m', 'o3', 'hi'],
    ['resume', 'id-1', '-c', 'x=1'],
    ['--worktree', 'go'],
    ['fork', '--last'],
  ]) {
    const once = resumeArgs(argv)!;
    assert.deepEqual(resumeArgs(once), once, argv.join(' '));
  }
});

test('other subcommands, help and version are not interactive sessions', () => {
  for (const argv of [
    ['exec', 'hi'],
    ['e', 'hi'],
    ['-m', 'o3', 'exec', '--json', 'hi'],
    ['review'],
    ['login'],
    ['mcp', 'list'],
    ['apply'],
    ['a'],
    ['app-server'],
    ['doctor'],
    ['agents'],
    ['responses-api-proxy'],
    ['--help'],
    ['-h'],
    ['-V'],
    ['--version'],
    ['resume', '--help'],
    ['fork', '-h'],
  ]) {
    assert.equal(resumeArgs(argv), undefined, argv.join(' '));
  }
});

test('an option codex 0.169 does not have, or a value missing, is not guessed at', () => {
  for (const argv of [['--brand-new', 'x'], ['-Z'], ['-m'], ['resume', '--bogus'], ['--last']]) {
    assert.equal(resumeArgs(argv), undefined, argv.join(' '));
  }
});

test('restartArgs: resume on gives resume args; resume off gives the argv; exec keeps its argv and is exec', () => {
  assert.deepEqual(restartArgs(['-m', 'o3', 'hi'], true), { args: ['resume', '--last', '-m', 'o3'], isExec: false });
  assert.deepEqual(restartArgs(['-m', 'o3', 'hi'], false), { args: ['-m', 'o3', 'hi'], isExec: false });
  assert.deepEqual(restartArgs(['exec', '--json', 'hi'], true), { args: ['exec', '--json', 'hi'], isExec: true });
  assert.deepEqual(restartArgs(['--unknown'], true), { args: ['--unknown'], isExec: true });
});

test("the subcommand list is the codex under test's own: its `codex --help` lists exactly LISTED_SUBCOMMANDS[version] (a new or a dropped one fails here)", () => {
  const help = spawnSync(REAL_CODEX, ['--help'], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME, LANG: 'C' },
  });
  assert.equal(help.status, 0, help.stderr);
  const section = help.stdout.slice(
    help.stdout.indexOf('Commands:'),
    help.stdout.indexOf('\n\n', help.stdout.indexOf('Commands:')),
  );
  const listed = [...section.matchAll(/^ {2}([a-z][\w-]*) /gm)].map((m) => m[1]!);
  const aliases = [...section.matchAll(/\[aliases: ([^\]]+)\]/g)].flatMap((m) => m[1]!.split(/,\s*/));
  const known = LISTED_SUBCOMMANDS[PINNED_CODEX_VERSION];
  assert.ok(known, `codex ${PINNED_CODEX_VERSION} has no entry in LISTED_SUBCOMMANDS: add its list`);
  assert.deepEqual([...known].sort(), [...listed, ...aliases].sort());
  assert.deepEqual(
    UNLISTED_SUBCOMMANDS.filter((c) => listed.includes(c)),
    [],
    'an unlisted one that is listed now belongs to the other list',
  );
});

test('a crashed `codex mcp-server` (0.141) is not resumed as a TUI session', () => {
  assert.equal(resumeArgs(['mcp-server']), undefined);
});
