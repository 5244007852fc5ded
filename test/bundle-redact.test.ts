// Redaction (pure): token shapes, secret-named keys in JSON / k=v / argv, the prompt, and the env allow-list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isSecretName,
  looksRandom,
  redactArgv,
  redactEnv,
  redactText,
  redactValue,
  REDACTED,
} from '../src/bundle/redact.ts';

const SECRETS = {
  openai: 'sk-proj-Abc123Def456Ghi789Jkl',
  ghp: 'ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  pat: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
  gho: 'gho_0123456789abcdefghijABCDEFGHIJ',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  bearer: 'a1b2c3d4e5f6g7h8i9j0',
};

/** Deterministic random-looking text (a seeded LCG), so that token bodies have a token's entropy. */
let seed = 20240611;
function rand(n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    s += alphabet[Math.floor((seed / 2 ** 31) * alphabet.length)];
  }
  return s;
}
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';
// Provider prefixes are joined at run time so that this file does not itself look like it holds live keys.
const p = (...parts: string[]) => parts.join('');

const pemBody = [rand(64, B64), rand(64, B64), rand(40, B64)];
const pem = (kind: string, nl = '\n') =>
  `-----BEGIN ${kind}PRIVATE KEY-----${nl}${pemBody.join(nl)}${nl}-----END ${kind}PRIVATE KEY-----`;
const awsSecret = rand(40, B64);
const stripe = p('sk', '_live_', rand(24));
const restricted = p('rk', '_live_', rand(24));
const gitlab = p('glp', 'at-', rand(20));
const hf = p('h', 'f_', rand(34, LETTERS));
const npm = p('np', 'm_', rand(36));
const google = p('ya', '29.', rand(40, `${LETTERS}0123456789_-`));
const asia = p('AS', 'IA', rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'));
const akia = p('AK', 'IA', rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'));
const slackHook = p(
  'https://hooks.slack.com/',
  'services/T',
  rand(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
  '/B',
  rand(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
  '/',
  rand(24),
);
const sendgrid = p('S', 'G.', rand(22), '.', rand(43));
const shopify = p('shp', 'at_', rand(32, HEX));
const digitalocean = p('dop', '_v1_', rand(64, HEX));
const opaque = rand(32);

/** Every shape that must not reach a bundle: `input` (text, or argv when an array), the `secret` that must be gone, context that must stay. */
const TABLE: ReadonlyArray<{ name: string; input: string | string[]; secret: string; keep?: string[] }> = [
  {
    name: 'PEM RSA key, multi-line',
    input: `key:\n${pem('RSA ')}\nafter`,
    secret: pemBody[1]!,
    keep: ['-----BEGIN RSA PRIVATE KEY-----', 'after'],
  },
  { name: 'PEM OPENSSH key', input: pem('OPENSSH '), secret: pemBody[0]! },
  { name: 'PEM EC key', input: pem('EC '), secret: pemBody[2]! },
  { name: 'PEM PKCS8 key', input: pem(''), secret: pemBody[1]! },
  {
    name: 'PEM key inside a JSON string (literal \\n)',
    input: JSON.stringify({ body: `loaded ${pem('RSA ')}` }),
    secret: pemBody[1]!,
    keep: ['"body":"loaded '],
  },
  {
    name: 'PEM key cut short by a row limit',
    input: JSON.stringify({ body: pem('RSA ').slice(0, 120) }),
    secret: pemBody[0]!.slice(0, 40),
  },
  {
    name: 'URL with an empty user',
    input: 'connecting to redis://:hunter2pw@cache.internal:6379/0',
    secret: 'hunter2pw',
    keep: ['redis://:', '@cache.internal:6379/0'],
  },
  {
    name: 'URL password holding @ and /',
    input: 'dsn=postgres://user:p@ss/w0rd@db.example.com:5432/x ok',
    secret: 'p@ss/w0rd',
    keep: ['postgres://user:', '@db.example.com:5432/x', ' ok'],
  },
  {
    name: 'URL user:password (holds today)',
    input: 'GET https://u:hunter2-f@host/p?page=2',
    secret: 'hunter2-f',
    keep: ['https://u:', '@host/p?page=2'],
  },
  { name: 'Stripe secret key', input: `STRIPE=${stripe}`, secret: stripe },
  {
    name: 'Stripe restricted key',
    input: `using ${restricted} for refunds`,
    secret: restricted,
    keep: ['using ', ' for refunds'],
  },
  {
    name: 'GitLab personal access token',
    input: `git clone https://oauth2:${gitlab}@gitlab.com/x/y.git`,
    secret: gitlab,
    keep: ['@gitlab.com/x/y.git'],
  },
  { name: 'GitLab token in prose', input: `token ${gitlab} expired`, secret: gitlab },
  {
    name: 'Hugging Face token',
    input: `huggingface-cli login --token ${hf}`,
    secret: hf,
    keep: ['huggingface-cli login --token '],
  },
  {
    name: 'npm token',
    input: `//registry.npmjs.org/:_authToken=${npm}`,
    secret: npm,
    keep: ['//registry.npmjs.org/:_authToken='],
  },
  { name: 'Google OAuth access token', input: `{"access":"${google}"}`, secret: google },
  { name: 'AWS temporary key id (ASIA)', input: `creds ${asia} used`, secret: asia },
  { name: 'AWS key id (AKIA, holds today)', input: `aws_access_key_id = ${akia}`, secret: akia },
  {
    name: 'AWS secret key without its name',
    input: `aws configure set default ${awsSecret} done`,
    secret: awsSecret,
    keep: ['aws configure set default ', ' done'],
  },
  { name: 'DB_PASS=', input: 'export DB_PASS=Tr0ub4dor', secret: 'Tr0ub4dor', keep: ['export DB_PASS='] },
  {
    name: 'PGPASSWORD=',
    input: 'PGPASSWORD=correcthorse psql -h db',
    secret: 'correcthorse',
    keep: ['PGPASSWORD=', ' psql -h db'],
  },
  { name: 'MYSQL_PWD in JSON', input: '{"MYSQL_PWD":"s3cr3tpw"}', secret: 's3cr3tpw', keep: ['"MYSQL_PWD":"'] },
  {
    name: 'password= inside a path',
    input: 'open /tmp/run/password=hunter2/x failed',
    secret: 'hunter2',
    keep: ['/tmp/run/password=', '/x failed'],
  },
  {
    name: 'a file in a logged tool call (JSON escapes)',
    input: JSON.stringify({ patch: `*** Add File: .env\nPGPASSWORD=Tr0ub4dorX\n${SECRETS.openai}\n${akia}\nend` }),
    secret: 'Tr0ub4dorX',
    keep: ['.env\\nPGPASSWORD=', '\\nend'],
  },
  {
    name: 'a token right after a JSON \\n',
    input: JSON.stringify({ patch: `a\n${SECRETS.openai}\n${akia}` }),
    secret: SECRETS.openai,
  },
  { name: 'an AWS key id right after a JSON \\n', input: JSON.stringify({ patch: `a\n${akia}\nb` }), secret: akia },
  {
    name: 'secret-named key in escaped JSON',
    input: JSON.stringify({ body: JSON.stringify({ password: 'hunter2esc' }) }),
    secret: 'hunter2esc',
  },
  {
    name: 'Rust debug `api_key: Some("…")`',
    input: 'Config { api_key: Some("plain-rust-1"), model: "gpt-5" }',
    secret: 'plain-rust-1',
    keep: ['model: "gpt-5"'],
  },
  {
    name: 'mcp args array in a logged config',
    input: '{"command":"srv","args":["--token","plain-mcp-1","--port","8080"]}',
    secret: 'plain-mcp-1',
    keep: ['"--port","8080"'],
  },
  {
    name: 'secret flag after a short flag in an args array',
    input: 'args = ["-v", "--api-key", "plain-mcp-2"]',
    secret: 'plain-mcp-2',
    keep: ['"-v", "--api-key", "'],
  },
  {
    name: '--password X in a logged command line',
    input: 'spawn: mysql --password plain-cli-1 -h db',
    secret: 'plain-cli-1',
    keep: [' -h db'],
  },
  {
    name: 'password phrase in prose',
    input: 'user wrote: my password hunter2! thanks',
    secret: 'hunter2',
    keep: ['thanks'],
  },
  {
    name: 'random-looking value under any name',
    input: `session_blob=${opaque}&page=2`,
    secret: opaque,
    keep: ['session_blob=', '&page=2'],
  },
  {
    name: 'Basic credentials',
    input: 'Authorization: Basic dXNlcjpwYXNz',
    secret: 'dXNlcjpwYXNz',
    keep: ['Authorization: Basic '],
  },
  {
    name: 'Bearer token (holds today)',
    input: `Authorization: Bearer ${SECRETS.bearer}`,
    secret: SECRETS.bearer,
    keep: ['Authorization: Bearer '],
  },
  { name: 'GitHub PAT (holds today)', input: `push with ${SECRETS.ghp}`, secret: SECRETS.ghp },
  { name: 'JWT (holds today)', input: `jwt=${SECRETS.jwt}`, secret: SECRETS.jwt },
  { name: 'Slack webhook (gitleaks rule)', input: `posting to ${slackHook}`, secret: slackHook.slice(-24) },
  { name: 'SendGrid key (gitleaks rule)', input: `mail via ${sendgrid}`, secret: sendgrid },
  { name: 'Shopify token (gitleaks rule)', input: `shop ${shopify}`, secret: shopify },
  { name: 'DigitalOcean token (gitleaks rule)', input: `do ${digitalocean}`, secret: digitalocean },
  {
    name: 'argv: -c override with an args array',
    input: ['-c', 'mcp_servers.x.args=["--password","plain-argv-1"]', '--model', 'gpt-5'],
    secret: 'plain-argv-1',
    keep: ['mcp_servers.x.args=["--password","', '--model gpt-5'],
  },
  {
    name: 'argv: secret-named long flag',
    input: ['--db-pass', 'plain-argv-2', 'exec'],
    secret: 'plain-argv-2',
    keep: ['--db-pass', 'exec'],
  },
  {
    name: 'argv: the prompt',
    input: ['exec', 'deploy with my password hunter2'],
    secret: 'hunter2',
    keep: ['exec', '[PROMPT: 31 chars redacted]'],
  },
];

test('the secret table: every secret goes, its context stays', () => {
  const problems: string[] = [];
  for (const row of TABLE) {
    const out = Array.isArray(row.input) ? redactArgv(row.input).join(' ') : redactText(row.input);
    if (out.includes(row.secret)) problems.push(`${row.name}: the secret survived: ${out}`);
    if (!out.includes(REDACTED) && !out.includes('[PROMPT:')) problems.push(`${row.name}: no marker: ${out}`);
    for (const k of row.keep ?? [])
      if (!out.includes(k)) problems.push(`${row.name}: lost ${JSON.stringify(k)}: ${out}`);
  }
  assert.deepEqual(problems, []);
});

test('what is not a secret stays as it is', () => {
  const sha = rand(40, HEX);
  for (const text of [
    'max_tokens=500 "max_tokens": 500 tokens_used=1234',
    'model=gpt-5.1-codex-max "model": "gpt-5-codex"',
    `commit=${sha} parent: ${sha}`,
    `sha256=${rand(64, HEX)}`,
    'conversation_id=019a6f0e-1234-7abc-9def-0123456789ab',
    'open /Users/alice/Projects/codexguard/src/bundle/redact.ts',
    'cwd=/home/alice/projects/codexguardWorkDir1',
    'the token count is 5, Token usage: total=1234 input=1000',
    'keyboard=us author: Alice passthrough=true token_count=12',
    'password reset flow started; secret sauce',
    'see https://github.com/openai/codex/issues/1234 and https://host:8080/p?email=a@b.com',
    'target=x86_64-unknown-linux-musl level=WARN at 2025-11-13T10:20:30.123456Z pid=12345',
    "RUST_LOG=codex_core=debug,codex_tui=info thread 'main' panicked at src/lib.rs:42:5",
    'class=MyServiceV2Handler2024 bin=node_modules/.bin/codex-linux-x64',
  ])
    assert.equal(redactText(text), text);
});

test('random-looking: tokens yes; hex, UUIDs, paths and identifiers no', () => {
  for (const v of [opaque, rand(40, B64), rand(43, `${LETTERS}0123456789-_`)]) assert.ok(looksRandom(v), v);
  for (const v of [
    rand(40, HEX),
    '019a6f0e-1234-7abc-9def-0123456789ab',
    '/usr/local/lib/node_modules/codexA1',
    'gpt-5.1-codex-max-2025-11-13',
    'SomeVeryLongClassNameHere1',
    'short1A',
  ])
    assert.ok(!looksRandom(v), v);
});

test('token shapes are scrubbed wherever they appear', () => {
  const text = `key ${SECRETS.openai} and ${SECRETS.ghp}, ${SECRETS.pat} / ${SECRETS.gho}; jwt=${SECRETS.jwt}; Authorization: Bearer ${SECRETS.bearer}`;
  const out = redactText(text);
  for (const secret of Object.values(SECRETS)) assert.ok(!out.includes(secret), `${secret} survived: ${out}`);
  assert.match(out, /Bearer \[REDACTED\]/);
});

test('values of secret-named keys go, in JSON, k=v and k: v; other values stay', () => {
  const out = redactText(
    '{"api_key": "hunter2-a", "apiKey":"hunter2-b", "max_tokens": 500, "model": "gpt-5"} password=hunter2-c secret: hunter2-d x-api-key=hunter2-e https://u:hunter2-f@host/p?access_token=hunter2-g&page=2',
  );
  for (const s of 'abcdefg') assert.ok(!out.includes(`hunter2-${s}`), `hunter2-${s} survived: ${out}`);
  assert.match(out, /"max_tokens": 500/);
  assert.match(out, /"model": "gpt-5"/);
  assert.match(out, /page=2/);
});

test('secret names are recognised by their words, not by substrings', () => {
  for (const name of [
    'api_key',
    'apiKey',
    'OPENAI_API_KEY',
    'x-api-key',
    'access_token',
    'Password',
    'client_secret',
    'auth',
    'model_providers.x.api_key',
    'DB_PASS',
    'PGPASSWORD',
    'MYSQL_PWD',
    'clientSecret',
    'SLACK_BOT_TOKEN',
    '_authToken',
    'APIKEY',
  ])
    assert.ok(isSecretName(name), name);
  for (const name of [
    'max_tokens',
    'keyboard',
    'monkey',
    'model',
    'tokens_used',
    'author',
    'passthrough',
    'bypass',
    'OLDPWD',
    'token_count',
    'api_key_id',
    'password_file',
  ])
    assert.ok(!isSecretName(name), name);
});

test('argv: --api-key x, --token=x, -c api_key=x and secrets inside a prompt', () => {
  const argv = [
    '--api-key',
    'plain-value-1',
    '--token=plain-value-2',
    '-c',
    'model_providers.x.api_key="plain-value-3"',
    '--model',
    'gpt-5',
    `fix the bug, my key is ${SECRETS.openai}`,
  ];
  const out = redactArgv(argv);
  assert.equal(out.length, argv.length);
  assert.ok(!out.join(' ').includes('plain-value'), out.join(' '));
  assert.ok(!out.join(' ').includes(SECRETS.openai));
  assert.deepEqual(out.slice(5, 7), ['--model', 'gpt-5']);
  assert.equal(out[1], REDACTED);
});

test('argv: the prompt goes whole; options, config overrides and paths with spaces stay', () => {
  const out = redactArgv([
    '--full-auto',
    '-C',
    '/Users/me/My Projects/app',
    '-c',
    'model_instructions="be terse please"',
    'fix the flaky test',
  ]);
  assert.deepEqual(out, [
    '--full-auto',
    '-C',
    '/Users/me/My Projects/app',
    '-c',
    'model_instructions="be terse please"',
    '[PROMPT: 18 chars redacted]',
  ]);
});

test('env keeps only the allow-list', () => {
  const out = redactEnv({
    TERM: 'xterm-256color',
    TERM_PROGRAM: 'iTerm.app',
    SHELL: '/bin/zsh',
    OPENAI_API_KEY: SECRETS.openai,
    GITHUB_TOKEN: SECRETS.ghp,
    HOME: '/Users/me',
    AWS_PROFILE: 'prod',
  });
  assert.deepEqual(Object.keys(out).sort(), ['SHELL', 'TERM', 'TERM_PROGRAM']);
});

test('deep redaction of rows: secret-named fields and secrets in strings', () => {
  const out = redactValue({
    level: 'WARN',
    token: 'plain-value-4',
    nested: { body: `Bearer ${SECRETS.bearer}`, count: 3 },
  }) as { token: unknown; level: unknown; nested: { count: unknown } };
  assert.equal(out.token, REDACTED);
  assert.equal(out.level, 'WARN');
  assert.equal(out.nested.count, 3);
  assert.ok(!JSON.stringify(out).includes(SECRETS.bearer));
});
