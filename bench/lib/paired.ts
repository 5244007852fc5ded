// Paired wall-time runs: every iteration runs each variant once, in a fresh random order, from this process.
import { spawnSync } from 'node:child_process';

/** One way of running something: a file executed directly (its shebang decides how), with its argv and environment. */
export interface Variant {
  name: string;
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Checks one run's output; returns what is wrong, or undefined. Runs on every iteration. */
  check?: (stdout: string) => string | undefined;
}

/** How many rounds: `warmup` unrecorded ones first, then `iterations` recorded ones. */
export interface PairedOptions {
  iterations: number;
  warmup: number;
}

/** Wall times in ms, per variant name, in iteration order (index i of each list is the same round). */
export type Samples = Map<string, number[]>;

/** Runs one variant once and returns its wall time in ms; throws if it fails or its output is wrong. */
export function timeOnce(v: Variant): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(v.file, v.args as string[], {
    env: v.env,
    cwd: v.cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  const problem = result.error
    ? String(result.error)
    : result.status !== 0
      ? `exit status ${result.status ?? result.signal}: ${result.stderr.trim()}`
      : v.check?.(result.stdout);
  if (problem) throw new Error(`${v.name} (${v.file} ${v.args.join(' ')}): ${problem}`);
  return elapsed;
}

/** Fisher-Yates shuffle of a copy. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Runs the variants round by round (shuffled within each round, so drift hits them all alike). */
export function runPaired(variants: readonly Variant[], options: PairedOptions): Samples {
  const samples: Samples = new Map(variants.map((v) => [v.name, []]));
  for (let round = 0; round < options.warmup + options.iterations; round++) {
    for (const v of shuffled(variants)) {
      const elapsed = timeOnce(v);
      if (round >= options.warmup) samples.get(v.name)!.push(elapsed);
    }
  }
  return samples;
}

/** In how many rounds `a` was faster than `b`. */
export function wins(samples: Samples, a: string, b: string): number {
  const xs = samples.get(a) ?? [];
  const ys = samples.get(b) ?? [];
  return xs.filter((x, i) => ys[i] !== undefined && x < ys[i]!).length;
}
