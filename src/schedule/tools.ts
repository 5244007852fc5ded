// Runs launchctl, systemctl and crontab with a timeout; a missing tool is an answer, never a crash.
import { execa } from 'execa';

/** What a tool run came to. `missing`: the program is not on PATH (or not runnable). */
export interface ToolResult {
  ok: boolean;
  missing: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** One line saying what went wrong (empty when ok). */
  reason: string;
}

const TIMEOUT_MS = 10_000;

/** Runs `file args` with `env` (PATH finds the program), optional stdin text; never throws. */
export async function runTool(file: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<ToolResult> {
  try {
    const result = await execa(file, args, {
      env,
      extendEnv: false,
      reject: false,
      timeout: TIMEOUT_MS,
      stripFinalNewline: false,
      ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
    });
    const stdout = String(result.stdout ?? '');
    const stderr = String(result.stderr ?? '');
    const code = (result as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES') return { ok: false, missing: true, exitCode: null, stdout, stderr, reason: `${file} not found on PATH` };
    const ok = result.exitCode === 0 && !result.timedOut;
    const why = result.timedOut ? `did not finish within ${TIMEOUT_MS / 1000} s` : `exit ${result.exitCode ?? result.signal}${firstLine(stderr || stdout) ? `: ${firstLine(stderr || stdout)}` : ''}`;
    return { ok, missing: false, exitCode: result.exitCode ?? null, stdout, stderr, reason: ok ? '' : `${[file, ...args].join(' ')}: ${why}` };
  } catch (error) {
    return { ok: false, missing: false, exitCode: null, stdout: '', stderr: '', reason: `${file}: ${firstLine(String((error as Error).message))}` };
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}
