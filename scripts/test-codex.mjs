// The real Codex the tests run: the pinned devDependency, or with CODEXGUARD_TEST_CODEX=<version> that version,
// installed once into .cache/codex-<version>/ (with a dump of the SQLite schemas it creates, when
// test/fixtures has none for it). `node scripts/test-codex.mjs` prepares it; the test helpers read `codexRoot()`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** The version asked for with CODEXGUARD_TEST_CODEX, or undefined for the pinned one. */
export function requestedVersion(env = process.env) {
  const v = env.CODEXGUARD_TEST_CODEX?.trim();
  if (!v) return undefined;
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v))
    throw new Error(`CODEXGUARD_TEST_CODEX must be a version like 0.141.0, not ${JSON.stringify(v)}`);
  return v;
}

/** The folder whose node_modules holds @openai/codex for the tests. */
export function codexRoot(env = process.env) {
  const v = requestedVersion(env);
  return v === undefined ? REPO : join(REPO, '.cache', `codex-${v}`);
}

async function prepare() {
  const v = requestedVersion();
  if (v === undefined) return;
  const root = codexRoot();
  if (!existsSync(join(root, 'node_modules', '@openai', 'codex', 'package.json'))) {
    console.log(`test-codex: installing @openai/codex@${v} into ${root}`);
    mkdirSync(root, { recursive: true });
    // A package.json of its own, or npm would install into the nearest one up: codexguard's.
    writeFileSync(join(root, 'package.json'), '{"private":true}\n');
    const npm = spawnSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `@openai/codex@${v}`],
      { cwd: root, stdio: 'inherit' },
    );
    if (npm.status !== 0) throw new Error(`npm install @openai/codex@${v} failed`);
  }
  const fixture = join(REPO, 'test', 'fixtures', `codex-${v}-sqlite-schemas.sql`);
  const dump = join(root, 'sqlite-schemas.sql');
  if (!existsSync(fixture) && !existsSync(dump)) await dumpSchemas(v, dump);
}

/** Runs the real binary offline in a temp home until it exits (it retries the network for about 30 s), then dumps every DB's schema. */
async function dumpSchemas(version, out) {
  const binary = nativeBinary(join(codexRoot(), 'node_modules'));
  const tmp = mkdtempSync(join(tmpdir(), 'cg-schemas-'));
  try {
    const home = join(tmp, 'codex');
    mkdirSync(home);
    console.log(`test-codex: making a home with codex ${version} to read its schemas (about 30 s)`);
    await new Promise((resolve) => {
      const child = spawn(binary, ['exec', '--skip-git-repo-check', 'hi'], {
        cwd: tmp,
        stdio: 'ignore',
        env: {
          HOME: tmp,
          PATH: process.env.PATH,
          LANG: 'C',
          CODEX_HOME: home,
          OPENAI_API_KEY: 'sk-test',
          RUST_LOG: 'warn',
        },
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const { default: Database } = await import('better-sqlite3');
    const parts = [];
    for (const name of readdirSync(home)
      .filter((f) => f.endsWith('.sqlite'))
      .sort(byCodexOrder)) {
      const db = new Database(join(home, name), { readonly: true });
      const sql = db.prepare('SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid').pluck().all();
      const pragmas = `journal_mode=${db.pragma('journal_mode', { simple: true })}, auto_vacuum=${db.pragma('auto_vacuum', { simple: true })}, page_size=${db.pragma('page_size', { simple: true })}`;
      db.close();
      parts.push(`-- ==== ${name} (codex-cli ${version}; PRAGMA ${pragmas})\n${sql.map((s) => `${s};`).join('\n')}\n`);
    }
    if (parts.length === 0) throw new Error(`codex ${version} made no DB in ${home}`);
    writeFileSync(`${out}.tmp`, parts.join('\n'));
    renameSync(`${out}.tmp`, out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The native binary of the platform package for this machine (`@openai/codex-<os>-<arch>/vendor/<triple>/bin/codex`). */
export function nativeBinary(nodeModules) {
  const vendor = join(nodeModules, '@openai', `codex-${process.platform}-${process.arch}`, 'vendor');
  const triple = existsSync(vendor)
    ? readdirSync(vendor).find((t) => existsSync(join(vendor, t, 'bin', 'codex')))
    : undefined;
  if (triple === undefined) throw new Error(`no codex binary for ${process.platform}-${process.arch} under ${vendor}`);
  return join(vendor, triple, 'bin', 'codex');
}

const ORDER = [
  'logs_2.sqlite',
  'state_5.sqlite',
  'goals_1.sqlite',
  'memories_1.sqlite',
  'queue_1.sqlite',
  'thread_history_1.sqlite',
];
function byCodexOrder(a, b) {
  const rank = (n) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  prepare().catch((e) => {
    console.error(`test-codex: ${e.message}`);
    process.exit(1);
  });
}
