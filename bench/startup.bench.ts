// `codex --version` through the shim, the official launcher and the native binary, in one paired run;
// the shim's own peak RSS; what it loads; and what execa would cost on the start-up path.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildShim } from '../scripts/build.mjs';
import { nativeFromLauncher } from '../src/resolve/npm-launcher.ts';
import { makeCodexDb, schemas } from '../test/helpers/codex-home.ts';
import { hotPath } from './lib/bundle.ts';
import { baselineVariants, importVariants } from './lib/import-cost.ts';
import { runPaired, wins, type Samples, type Variant } from './lib/paired.ts';
import { budget, bytes, median, ms, printTable, quantile, ratio, type BenchResult, type Row } from './lib/report.ts';
import { peakRss, peakRssByTime } from './lib/rss.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHIM = join(ROOT, 'bin', 'codex.js');
const LAUNCHER_LINK = join(ROOT, 'node_modules', '.bin', 'codex');
const LAUNCHER = join(ROOT, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');

/** Recorded rounds (BENCH_ITERATIONS overrides), unrecorded warm-up rounds, runs per RSS reading. */
const ITERATIONS = Number(process.env.BENCH_ITERATIONS) || 30;
const WARMUP = 3;
const RSS_RUNS = 5;
/** Packages whose start-up import cost is printed (BENCH_IMPORTS=a,b overrides). */
const IMPORTS = (process.env.BENCH_IMPORTS ?? 'execa').split(',').filter(Boolean);

/** Budgets from the shim issue. */
const MAX_RATIO_TO_LAUNCHER = 1.0;
const MAX_SHIM_RSS = 45 * 1024 * 1024;

/** Variables that would change what the shim does or what Node loads; the bench sets its own. */
const DROPPED = ['CODEX_THREAD_ID', 'CODEX_HOME', 'CODEX_SQLITE_HOME', 'XDG_CONFIG_HOME', 'NODE_OPTIONS'];

/** A temp world: `codex` → bin/codex.js first on PATH, the pinned launcher behind it, a CODEX_HOME with real empty DBs. */
interface World {
  dir: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  shimLink: string;
}

function makeWorld(): World {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-startup-'));
  const shimDir = join(dir, 'bin');
  const codexHome = join(dir, 'codex-home');
  const home = join(dir, 'home');
  const cwd = join(dir, 'work');
  for (const d of [shimDir, codexHome, home, cwd]) mkdirSync(d, { recursive: true });
  const shimLink = join(shimDir, 'codex');
  symlinkSync(SHIM, shimLink);
  for (const file of schemas().keys()) makeCodexDb(join(codexHome, file), file);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('CODEXGUARD_') || DROPPED.includes(key)) delete env[key];
  env.PATH = [shimDir, dirname(LAUNCHER_LINK), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  env.HOME = home;
  env.CODEX_HOME = codexHome;
  return { dir, env, cwd, shimLink };
}

function nativeBinary(env: NodeJS.ProcessEnv): string {
  const target = nativeFromLauncher(realpathSync(LAUNCHER), LAUNCHER_LINK, env);
  if (!target) throw new Error(`no native codex binary found behind ${LAUNCHER}`);
  return target.binary;
}

/** Median, p90 and ratios to the named baselines, one row per variant. */
function timingRows(samples: Samples, against: string[]): Row[] {
  return [...samples].map(([name, xs]) => {
    const row: Row = { variant: name, median: ms(median(xs)), p90: ms(quantile(xs, 0.9)) };
    for (const base of against) row[`÷ ${base}`] = ratio(median(xs), median(samples.get(base)!));
    return row;
  });
}

function printHotPath(path: ReturnType<typeof hotPath>): void {
  const list = (files: { file: string; bytes: number }[]) =>
    files.map((f) => `${f.file} (${bytes(f.bytes)})`).join(' + ') || 'none';
  const inlined = path.chunks.length
    ? `, holding the ${path.chunks.length} chunk(s) it shares with lazy code (${bytes(path.chunks.reduce((n, c) => n + c.bytes, 0))})`
    : '';
  console.log(
    `\nshim hot path: bin/codex.js + boot.cjs + ${path.entry.file} (compiled from its V8 code cache) (${bytes(path.entry.bytes)}${inlined})`,
  );
  console.log(`  lazy, loaded only when needed: ${list(path.lazy)}`);
  if (path.externals.length)
    console.log(`  WARNING: packages required at start-up from node_modules: ${path.externals.join(', ')}`);
  console.log(
    `  heaviest inputs on it: ${path.inputs
      .slice(0, 6)
      .map((i) => `${i.input} ${bytes(i.bytes)}`)
      .join(', ')}`,
  );
}

/** What the native binary prints for --version: every variant must print exactly that. */
function nativeVersion(native: string, world: World): string {
  const result = spawnSync(native, ['--version'], { env: world.env, cwd: world.cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${native} --version: status ${result.status ?? result.signal}`);
  return result.stdout.trim();
}

/** Paired wall time of `codex --version` three ways, with Node's own floor for scale. */
function startupTimes(world: World): Samples {
  const native = nativeBinary(world.env);
  const version = nativeVersion(native, world);
  const check = (out: string) =>
    out.trim() === version ? undefined : `printed ${JSON.stringify(out.trim())}, expected ${JSON.stringify(version)}`;
  const opts = { env: world.env, cwd: world.cwd, check };
  const variants: Variant[] = [
    { name: 'shim', file: world.shimLink, args: ['--version'], ...opts },
    { name: 'launcher', file: LAUNCHER, args: ['--version'], ...opts },
    { name: 'native', file: native, args: ['--version'], ...opts },
    { name: 'node -e 0', file: process.execPath, args: ['-e', '0'], env: world.env, cwd: world.cwd },
  ];
  if (world.env.NODE_EXTRA_CA_CERTS) {
    const env = { ...world.env };
    delete env.NODE_EXTRA_CA_CERTS;
    variants.push({
      name: 'node -e 0, no NODE_EXTRA_CA_CERTS',
      file: process.execPath,
      args: ['-e', '0'],
      env,
      cwd: world.cwd,
    });
  }
  return runPaired(variants, { iterations: ITERATIONS, warmup: WARMUP });
}

/**
 * Other Nodes users run (the 22, 24 and 26 LTS lines): BENCH_NODES (binaries, separated like PATH), else the npm `node`
 * package's binaries, installed once into .cache/node-<major>. A Node that cannot be had is left out, with a note.
 */
function otherNodes(): string[] {
  if (process.env.BENCH_NODES !== undefined) return process.env.BENCH_NODES.split(delimiter).filter(Boolean);
  return ['22', '24', '26'].flatMap((major) => {
    const dir = join(ROOT, '.cache', `node-${major}`);
    const bin = join(dir, 'node_modules', 'node', 'bin', 'node');
    if (!existsSync(bin)) {
      mkdirSync(dir, { recursive: true });
      // A package.json of its own, or npm would install into codexguard's.
      writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
      const r = spawnSync(
        'npm',
        ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${major}`],
        { cwd: dir, stdio: 'ignore' },
      );
      if (r.status !== 0 || !existsSync(bin)) {
        console.log(`  note: could not install node@${major} with npm; its row is left out`);
        return [];
      }
    }
    return [bin];
  });
}

/**
 * One row per Node: `codex --version` through the shim, the official launcher (which on Node >= 22.15 execve()s into
 * the native binary) and a minimal spawner (spawn the binary, mirror its end), each started by that node.
 */
function perNodeRows(world: World, nodes: readonly string[]): Row[] {
  const native = nativeBinary(world.env);
  const spawner = join(world.dir, 'spawner.cjs');
  writeFileSync(
    spawner,
    `const r = require('node:child_process').spawnSync(${JSON.stringify(native)}, process.argv.slice(2), { stdio: 'inherit' });\nif (r.signal) process.kill(process.pid, r.signal); else process.exit(r.status ?? 1);\n`,
  );
  return nodes.map((node) => {
    // As the issue measured them: Node 20 reads NODE_EXTRA_CA_CERTS at every start (tens of ms), the others lazily.
    const env: NodeJS.ProcessEnv = { ...world.env, PATH: [dirname(node), world.env.PATH ?? ''].join(delimiter) };
    delete env.NODE_EXTRA_CA_CERTS;
    const variant = (name: string, script: string): Variant => ({
      name,
      file: node,
      args: [script, '--version'],
      env,
      cwd: world.cwd,
    });
    const s = runPaired([variant('shim', SHIM), variant('launcher', LAUNCHER), variant('spawner', spawner)], {
      iterations: ITERATIONS,
      warmup: WARMUP,
    });
    const [shim, launcher, spawned] = ['shim', 'launcher', 'spawner'].map((name) => median(s.get(name)!)) as [
      number,
      number,
      number,
    ];
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    return {
      node: version,
      shim: ms(shim),
      launcher: ms(launcher),
      spawner: ms(spawned),
      'shim ÷ launcher': ratio(shim, launcher),
      'shim ÷ spawner': ratio(shim, spawned),
    };
  });
}

/** Peak RSS of the shim's and the launcher's own process, Node's floor, and the probe checked against GNU time. */
function rssRows(world: World): { rows: Row[]; shim: number } {
  const opts = { env: world.env, cwd: world.cwd };
  const floor = peakRss({ nodeArgs: ['-e', '0'], ...opts }, RSS_RUNS);
  const shim = peakRss({ nodeArgs: [SHIM, '--version'], ...opts }, RSS_RUNS);
  const launcher = peakRss({ nodeArgs: [LAUNCHER, '--version'], ...opts }, RSS_RUNS);
  const byTime = peakRssByTime(world.env, RSS_RUNS);
  const rows: Row[] = [
    { process: 'shim (node bin/codex.js --version)', 'peak RSS': bytes(shim), 'over node -e 0': bytes(shim - floor) },
    {
      process: 'launcher (node .../@openai/codex/bin/codex.js --version)',
      'peak RSS': bytes(launcher),
      'over node -e 0': bytes(launcher - floor),
    },
    { process: 'node -e 0', 'peak RSS': bytes(floor), 'over node -e 0': '' },
  ];
  if (byTime !== undefined)
    rows.push({
      process: 'node -e 0, no probe (GNU time, kernel rusage)',
      'peak RSS': bytes(byTime),
      'over node -e 0': '',
    });
  return { rows, shim };
}

/** Paired start-up cost of importing each package, from node_modules and bundled, against Node's floor. */
async function importRows(world: World): Promise<Row[]> {
  const dir = join(world.dir, 'imports');
  mkdirSync(dir);
  const variants = baselineVariants(dir, world.env);
  const sizes = new Map<string, number>();
  for (const specifier of IMPORTS) {
    const { variants: more, bundleBytes } = await importVariants(dir, ROOT, specifier, world.env);
    variants.push(...more);
    sizes.set(more[1]!.name, bundleBytes);
  }
  const samples = runPaired(variants, { iterations: ITERATIONS, warmup: WARMUP });
  const floor = median(samples.get('node -e 0')!);
  return [...samples].map(([name, xs]) => ({
    variant: name,
    median: ms(median(xs)),
    p90: ms(quantile(xs, 0.9)),
    'over node -e 0': ms(median(xs) - floor),
    bundle: sizes.has(name) ? bytes(sizes.get(name)!) : '',
  }));
}

/** The start-up bench: budgets are the shim's median wall time ≤ 1.0x the launcher's, and its peak RSS ≤ 45 MiB. */
export async function bench(): Promise<BenchResult> {
  const world = makeWorld();
  try {
    printHotPath(hotPath(await buildShim(join(world.dir, 'dist')), ROOT, 'src/shim/main.ts'));

    const [load] = loadavg();
    if (load! > availableParallelism() / 2)
      console.log(
        `\nnote: load average ${load!.toFixed(1)} on ${availableParallelism()} CPUs; other work is running, so expect noisy figures`,
      );
    const times = startupTimes(world);
    printTable(
      timingRows(times, ['launcher', 'native']),
      `\`codex --version\`: ${ITERATIONS} paired rounds (+${WARMUP} warm-up), Node ${process.version} ${process.platform}-${process.arch}`,
    );
    console.log(
      `  the shim was faster than the launcher in ${wins(times, 'shim', 'launcher')} of ${ITERATIONS} rounds`,
    );
    const noCa = times.get('node -e 0, no NODE_EXTRA_CA_CERTS');
    if (noCa)
      console.log(
        `  note: NODE_EXTRA_CA_CERTS is set; Node loads it at every start (+${ms(median(times.get('node -e 0')!) - median(noCa))} here), shim and launcher alike`,
      );

    const nodes = [process.execPath, ...otherNodes()];
    printTable(
      perNodeRows(world, nodes),
      `\`codex --version\` on each Node users run (${ITERATIONS} paired rounds each; each started by that node; without NODE_EXTRA_CA_CERTS)`,
    );

    const rss = rssRows(world);
    printTable(
      rss.rows,
      `peak RSS of each process itself, children excluded (median of ${RSS_RUNS}, node --require bench/rss-probe.cjs)`,
    );

    printTable(
      await importRows(world),
      `start-up cost of an import (${ITERATIONS} paired rounds): why execa stays off the shim's hot path`,
    );

    console.log('');
    const shimMs = median(times.get('shim')!);
    const launcherMs = median(times.get('launcher')!);
    const fast = budget(
      'shim median wall time ÷ launcher',
      shimMs / launcherMs,
      MAX_RATIO_TO_LAUNCHER,
      (v) => `${v.toFixed(2)}x`,
    );
    const small = budget('shim peak RSS', rss.shim, MAX_SHIM_RSS, bytes);
    return { ok: fast && small };
  } finally {
    rmSync(world.dir, { recursive: true, force: true });
  }
}
