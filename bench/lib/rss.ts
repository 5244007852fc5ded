// Peak RSS of one Node process (not its children), read by the bench/rss-probe.cjs preload at exit.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './report.ts';

/** The preload that records the peak RSS. */
export const PROBE = fileURLToPath(new URL('../rss-probe.cjs', import.meta.url));

/** What to run under the probe: `node --require PROBE ...nodeArgs`. */
export interface RssTarget {
  nodeArgs: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The median over `runs` runs of the process's peak RSS, in bytes. Throws if a run fails. */
export function peakRss(target: RssTarget, runs: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-rss-'));
  try {
    const values: number[] = [];
    for (let i = 0; i < runs; i++) {
      const out = join(dir, `rss-${i}`);
      const env = { ...target.env, CODEXGUARD_BENCH_RSS_OUT: out };
      const result = spawnSync(process.execPath, ['--require', PROBE, ...target.nodeArgs], {
        env,
        cwd: target.cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (result.status !== 0 || !existsSync(out))
        throw new Error(
          `node ${target.nodeArgs.join(' ')}: status ${result.status ?? result.signal}: ${result.stderr.trim()}`,
        );
      values.push(Number(readFileSync(out, 'utf8')) * 1024);
    }
    return median(values);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The median over `runs` runs of a command's peak RSS in bytes, from GNU time (the kernel's wait4 rusage of that
 * process, its children excluded; Linux keeps the peak across an execve, so a launcher that replaces itself with
 * codex reports the larger of the two). Undefined where there is no GNU `/usr/bin/time`.
 */
export function peakRssByTime(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  runs: number,
  cwd?: string,
): number | undefined {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/time')) return undefined;
  const values: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync('/usr/bin/time', ['-f', '%M', ...command], { env, cwd, encoding: 'utf8' });
    const kib = Number(result.stderr.trim().split('\n').pop());
    if (result.status !== 0 || !Number.isFinite(kib)) return undefined;
    values.push(kib * 1024);
  }
  return median(values);
}
