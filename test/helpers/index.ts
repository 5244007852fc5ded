// Shared test helpers: temp dirs that clean themselves up, fake codex executables, and runners for the built bins.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { codexRoot } from '../../scripts/test-codex.mjs';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SHIM = join(REPO, 'bin', 'codex.js');
export const CLI = join(REPO, 'bin', 'codexguard.js');
export const FAKE = join(REPO, 'test', 'fixtures', 'fake-codex.mjs');
/** The node_modules holding the real @openai/codex under test: the pinned one, or CODEXGUARD_TEST_CODEX's (scripts/test-codex.mjs). */
export const CODEX_MODULES = join(codexRoot(), 'node_modules');
/** The real @openai/codex launcher under test (CODEX_MODULES/.bin/codex links to it). */
export const REAL_LAUNCHER = join(CODEX_MODULES, '@openai', 'codex', 'bin', 'codex.js');
/** The folder of the real `codex` link, for PATH. */
export const CODEX_BIN_DIR = join(CODEX_MODULES, '.bin');
export const NODE_BIN_DIR = dirname(process.execPath);

/** A fresh temp dir removed when the test ends. */
export function tmp(t: TestContext, prefix = 'cg-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Copies the fake codex to dir/name (a real file, so its realpath is its own) and returns its path. */
export function fakeCodex(dir: string, name = 'codex'): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  copyFileSync(FAKE, file);
  chmodSync(file, 0o755);
  return file;
}

/** Puts a `codex` link to the shim in dir and returns its path. */
export function linkShim(dir: string, name = 'codex'): string {
  mkdirSync(dir, { recursive: true });
  const link = join(dir, name);
  symlinkSync(SHIM, link);
  return link;
}

/** An environment with only what a test sets (plus node's dir on PATH unless PATH is given). */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { HOME: process.env.HOME, LANG: 'C', PATH: NODE_BIN_DIR, ...extra };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

/** Runs a file synchronously and returns spawnSync's result with utf8 output. */
export function runSync(
  file: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeout?: number } = {},
): SpawnSyncReturns<string> {
  return spawnSync(file, args, {
    encoding: 'utf8',
    timeout: opts.timeout ?? 60_000,
    env: opts.env,
    cwd: opts.cwd,
    input: opts.input,
  });
}

/** Reads the JSON that the fake codex recorded. */
export function readRecord(file: string): {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  tty: { stdin: boolean; stdout: boolean; stderr: boolean };
  pid: number;
  ppid: number;
  self: string;
  stdin?: string;
  signals: string[];
} {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Waits until `check` returns a value (polling), or throws after `ms`. */
export async function waitFor<T>(check: () => T | undefined | false, ms = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export { spawn };

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random moments for a kill sweep, from a seed the test prints: CODEXGUARD_TEST_SEED=<seed> replays them. */
export function seededRandom(t: { diagnostic(message: string): void }): { random: () => number; seed: number } {
  const seed = Number(process.env.CODEXGUARD_TEST_SEED ?? Date.now() % 2 ** 31);
  t.diagnostic(`kill sweep seed ${seed} (replay: CODEXGUARD_TEST_SEED=${seed})`);
  return { random: mulberry32(seed), seed };
}
