// Cost of loading .codexguardrc on every launch: no file (stat() only), JSON files, YAML files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { loadConfig } from '../src/config/load.ts';

/** Budget for the first loadConfig() of a launch when no config file exists (the common case). */
const BUDGET_MS = 1;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const ENTRY = `
import { performance } from 'node:perf_hooks';
import { loadConfig } from ${JSON.stringify(join(ROOT, 'src/config/load.ts'))};
const t0 = performance.now();
const loaded = await loadConfig({ cwd: process.env.BENCH_CWD });
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, files: loaded.files.length, issues: loaded.issues.length }));`;

/** Bundles the entry together with the real shim and CLI entries, so that it gets the same chunks as dist/. */
async function bundle(dir: string): Promise<string> {
  writeFileSync(join(dir, 'entry.ts'), ENTRY);
  await build({
    entryPoints: { shim: join(ROOT, 'src/shim/main.ts'), cli: join(ROOT, 'src/cli/main.ts'), entry: join(dir, 'entry.ts') },
    outdir: join(dir, 'out'), bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', minify: true,
    external: ['better-sqlite3'], define: { __CODEXGUARD_VERSION__: '"bench"' },
    banner: { js: "import{createRequire as __cgReq}from'node:module';const require=__cgReq(import.meta.url);" }, logLevel: 'error',
  });
  return join(dir, 'out', 'entry.js');
}

/** A home with a project 4 levels below it, and the config files of one case. */
function tree(dir: string, files: Record<string, string>): { home: string; cwd: string } {
  const home = join(dir, 'home');
  const cwd = join(home, 'src', 'org', 'repo', 'pkg');
  mkdirSync(cwd, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(home, name), text);
  return { home, cwd };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function cold(entry: string, where: { home: string; cwd: string }, runs: number) {
  const rows: { ms: number; files: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, [entry], { env: { HOME: where.home, BENCH_CWD: where.cwd }, encoding: 'utf8' });
    rows.push(JSON.parse(result.stdout));
  }
  return { ms: median(rows.map((r) => r.ms)), files: rows[0]!.files };
}

const CASES: Record<string, Record<string, string>> = {
  'no file': {},
  'user + project JSON': {
    '.codexguardrc.json': JSON.stringify({ logs: { maxSize: '200MB', keepRows: 50000 }, restart: { mode: 'always' } }),
    'src/org/repo/.codexguardrc.json': JSON.stringify({ logs: { maxSize: '50MB' }, restart: { mode: 'never' } }),
  },
  'user + project YAML': {
    '.codexguardrc': 'logs:\n  maxSize: 200MB\n  keepRows: 50000\nrestart:\n  mode: always\n',
    'src/org/repo/.codexguardrc.yaml': 'logs:\n  maxSize: 50MB\nrestart:\n  mode: never\n',
  },
};

/** Cold (fresh bundled process, median of 15) per case, and warm no-file calls (2000); budget 1 ms cold with no file. */
export async function bench(): Promise<{ ok: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-config-'));
  try {
    const entry = await bundle(dir);
    const table: Record<string, Record<string, string | number>> = {};
    let noFileMs = Infinity;
    for (const [name, files] of Object.entries(CASES)) {
      const caseDir = join(dir, name.replace(/\W+/g, '-'));
      const result = cold(entry, tree(caseDir, files), 15);
      if (name === 'no file') noFileMs = result.ms;
      table[name] = { 'files read': result.files, 'loadConfig ms': +result.ms.toFixed(2) };
    }
    const where = tree(join(dir, 'warm'), {});
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const start = performance.now();
      await loadConfig({ cwd: where.cwd, env: { HOME: where.home }, home: where.home });
      times.push(performance.now() - start);
    }
    table['no file, warm (median of 2000 calls)'] = { 'files read': 0, 'loadConfig ms': +median(times).toFixed(3) };
    console.log('\nconfig: loadConfig() on a launch (cold = first call in a fresh bundled process, median of 15)');
    console.table(table);
    const ok = noFileMs <= BUDGET_MS;
    console.log(`no config file: ${noFileMs.toFixed(2)} ms cold (budget ${BUDGET_MS} ms) ${ok ? 'ok' : 'OVER BUDGET'}`);
    return { ok };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ok } = await bench();
  process.exitCode = ok ? 0 : 1;
}
