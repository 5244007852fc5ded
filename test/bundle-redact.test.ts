// Redaction (pure): token shapes, secret-named keys in JSON / k=v / argv, and the env allow-list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecretName, redactArgv, redactEnv, redactText, redactValue, REDACTED } from '../src/bundle/redact.ts';

const SECRETS = {
  openai: 'sk-proj-Abc123Def456Ghi789Jkl',
  ghp: 'ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  pat: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
  gho: 'gho_0123456789abcdefghijABCDEFGHIJ',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  bearer: 'a1b2c3d4e5f6g7h8i9j0',
};

test('token shapes are scrubbed wherever they appear', () => {
  const text = `key ${SECRETS.openai} and ${SECRETS.ghp}, ${SECRETS.pat} / ${SECRETS.gho}; jwt=${SECRETS.jwt}; Authorization: Bearer ${SECRETS.bearer}`;
  const out = redactText(text);
  for (const secret of Object.values(SECRETS)) assert.ok(!out.includes(secret), `${secret} survived: ${out}`);
  assert.match(out, /Bearer \[REDACTED\]/);
});

test('values of secret-named keys go, in JSON, k=v and k: v; other values stay', () => {
  const out = redactText('{"api_key": "hunter2-a", "apiKey":"hunter2-b", "max_tokens": 500, "model": "gpt-5"} password=hunter2-c secret: hunter2-d x-api-key=hunter2-e https://u:hunter2-f@host/p?access_token=hunter2-g&page=2');
  for (const s of 'abcdefg') assert.ok(!out.includes(`hunter2-${s}`), `hunter2-${s} survived: ${out}`);
  assert.match(out, /"max_tokens": 500/);
  assert.match(out, /"model": "gpt-5"/);
  assert.match(out, /page=2/);
});

test('secret names are recognised by their words, not by substrings', () => {
  for (const name of ['api_key', 'apiKey', 'OPENAI_API_KEY', 'x-api-key', 'access_token', 'Password', 'client_secret', 'auth', 'model_providers.x.api_key']) assert.ok(isSecretName(name), name);
  for (const name of ['max_tokens', 'keyboard', 'monkey', 'model', 'tokens_used', 'author']) assert.ok(!isSecretName(name), name);
});

test('argv: --api-key x, --token=x, -c api_key=x and secrets inside a prompt', () => {
  const argv = ['--api-key', 'plain-value-1', '--token=plain-value-2', '-c', 'model_providers.x.api_key="plain-value-3"', '--model', 'gpt-5', `fix the bug, my key is ${SECRETS.openai}`];
  const out = redactArgv(argv);
  assert.equal(out.length, argv.length);
  assert.ok(!out.join(' ').includes('plain-value'), out.join(' '));
  assert.ok(!out.join(' ').includes(SECRETS.openai));
  assert.deepEqual(out.slice(5, 7), ['--model', 'gpt-5']);
  assert.equal(out[1], REDACTED);
});

test('env keeps only the allow-list', () => {
  const out = redactEnv({ TERM: 'xterm-256color', TERM_PROGRAM: 'iTerm.app', SHELL: '/bin/zsh', OPENAI_API_KEY: SECRETS.openai, GITHUB_TOKEN: SECRETS.ghp, HOME: '/Users/me', AWS_PROFILE: 'prod' });
  assert.deepEqual(Object.keys(out).sort(), ['SHELL', 'TERM', 'TERM_PROGRAM']);
});

test('deep redaction of rows: secret-named fields and secrets in strings', () => {
  const out = redactValue({ level: 'WARN', token: 'plain-value-4', nested: { body: `Bearer ${SECRETS.bearer}`, count: 3 } }) as Record<string, any>;
  assert.equal(out.token, REDACTED);
  assert.equal(out.level, 'WARN');
  assert.equal(out.nested.count, 3);
  assert.ok(!JSON.stringify(out).includes(SECRETS.bearer));
});
