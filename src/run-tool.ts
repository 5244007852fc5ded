// Runs a system tool (launchctl, systemctl, crontab, vm_stat, sysctl) with a timeout; a missing tool is an answer, never a crash.
import { isAbsolute } from 'node:path';
import { execa } from 'execa';
import { absolutePath, programOnPath } from './resolve/path-walk.ts';

/** What a tool run came to. `missing`: the program is not on PATH (or not runnable). */
export interface ToolResult {
  ok: boolean;
  missing: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** It was stopped at `timeoutMs`. */
  timedOut: boolean;
  /** One line saying what went wrong (empty when ok). */
  reason: string;
}

const TIMEOUT_MS = 10_000;

/** Runs `file args` with `env` (the program found on its absolute PATH entries), optional stdin text, within `timeoutMs`; never throws. */
export async function runTool(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: string,
  timeoutMs = TIMEOUT_MS,
): Promise<ToolResult> {
  // By an absolute path from absolute PATH entries only: never a program planted relative to the cwd.
  const program = isAbsolute(file) ? file : programOnPath(file, env.PATH);
  if (program === undefined)
    return {
      ok: false,
      missing: true,
      exitCode: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      reason: `${file} not found on PATH`,
    };
  try {
    const result = await execa(program, args, {
      env: { ...env, PATH: absolutePath(env.PATH) },
      extendEnv: false,
      reject: false,
      timeout: timeoutMs,
      // A tool that ignores SIGTERM at the timeout is killed 100 ms later, not execa's 5 s: every wait stays bounded.
      forceKillAfterDelay: 100,
      stripFinalNewline: false,
      ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
    });
    const stdout = String(result.stdout ?? '');
    const stderr = String(result.stderr ?? '');
    const code = (result as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES')
      return {
        ok: false,
        missing: true,
        exitCode: null,
        stdout,
        stderr,
        timedOut: false,
        reason: `${file} not found on PATH`,
      };
    const ok = result.exitCode === 0 && !result.timedOut;
    const why = result.timedOut
      ? `did not finish within ${timeoutMs / 1000} s`
      : `exit ${result.exitCode ?? result.signal}${firstLine(stderr || stdout) ? `: ${firstLine(stderr || stdout)}` : ''}`;
    return {
      ok,
      missing: false,
      exitCode: result.exitCode ?? null,
      stdout,
      stderr,
      timedOut: Boolean(result.timedOut),
      reason: ok ? '' : `${[file, ...args].join(' ')}: ${why}`,
    };
  } catch (error) {
    return {
      ok: false,
      missing: false,
      exitCode: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      reason: `${file}: ${firstLine(String((error as Error).message))}`,
    };
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}
