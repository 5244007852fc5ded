// Runs the user's shells to see which `codex` they start, and what the shim would find behind it.
import { realpathSync } from 'node:fs';
import { execa } from 'execa';
import { SHIM_CHAIN } from '../env.ts';
import { resolveRealCodex } from '../resolve/real-codex.ts';
import { walkPath } from '../resolve/path-walk.ts';
import type { Env } from './locations.ts';
import { judge, parseProbe, type Probe, type ProbeFacts, type Verdict } from './verify.ts';

/** One probe's outcome, labelled for the report. */
export interface ProbeResult {
  probe: Probe;
  verdict: Verdict;
}

/** A shell that hangs in its start-up files must not hang install. */
const TIMEOUT_MS = 20_000;

/** realpath, or undefined if it does not resolve. */
function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The real codex the shim would start on `pathValue` (its own PATH walk, past the shim). */
export function behindShim(env: Env, pathValue: string, shimRealpath: string): ProbeFacts['behind'] {
  try {
    const real = resolveRealCodex({ self: shimRealpath, env: { ...env, PATH: pathValue, [SHIM_CHAIN]: undefined } });
    return { found: real.found, file: real.file };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * The environment a probe shell runs with: the user's, plus SHELL_SESSIONS_DISABLE=1, which macOS's
 * /etc/bashrc_Apple_Terminal and /etc/zshrc_Apple_Terminal check before they save and restore Terminal.app
 * sessions (`if [ ${SHELL_SESSIONS_DISABLE:-0} -ne 1 ]`): a probe must not write or replay the user's session.
 */
export function probeEnv(env: Env): Record<string, string | undefined> {
  return { ...env, SHELL_SESSIONS_DISABLE: '1' };
}

/** Starts one shell as the user gets it (same HOME, ZDOTDIR, XDG dirs) and judges what it runs as `codex`. */
export async function runProbe(
  probe: Probe,
  env: Env,
  shimRealpath: string,
  files: readonly string[],
): Promise<ProbeResult> {
  const binary = walkPath(probe.shell, env.PATH, new Set()).found?.path;
  if (binary === undefined)
    return { probe, verdict: { level: 'warn', text: `${probe.shell} is not on PATH, so it was not checked` } };
  // A session of its own (setsid), stdin from /dev/null: an interactive shell then has no terminal to take, so it
  // can never leave doctor or install in the background of the user's terminal (stopped by SIGTTIN/SIGTTOU).
  const result = await execa(binary, probe.args, {
    env: probeEnv(env),
    extendEnv: false,
    stdin: 'ignore',
    detached: true,
    timeout: TIMEOUT_MS,
    reject: false,
    stripFinalNewline: false,
  });
  const output = parseProbe(String(result.stdout ?? ''));
  if (output === undefined) {
    // Interactive shells without a terminal complain about job control: show the last line, which is the likelier cause.
    const why = result.timedOut
      ? `it did not finish within ${TIMEOUT_MS / 1000} s`
      : `it printed no result (exit ${result.exitCode ?? result.signal}): ${lastLine(String(result.stderr ?? ''))}`;
    return {
      probe,
      verdict: {
        level: 'problem',
        text: `could not check ${probe.shell}: ${why}; check with \`${probe.shell} ${probe.args[0]} 'command -v codex'\``,
      },
    };
  }
  const facts: ProbeFacts = {
    output,
    codexRealpath: output.codex.startsWith('/') ? realpathOrUndefined(output.codex) : undefined,
    shimRealpath,
    behind: behindShim(env, output.path, shimRealpath),
    files,
  };
  return { probe, verdict: judge(facts) };
}

/** The last non-empty line of some output. */
function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() || '(nothing on stderr)';
}

/** Runs all probes at once. */
export function runProbes(
  probes: readonly Probe[],
  env: Env,
  shimRealpath: string,
  filesOf: (probe: Probe) => readonly string[],
): Promise<ProbeResult[]> {
  return Promise.all(probes.map((probe) => runProbe(probe, env, shimRealpath, filesOf(probe))));
}
