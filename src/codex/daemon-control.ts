// Stops and starts Codex's app-server daemon the official way (`codex app-server daemon stop|start`), every wait bounded.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pidRunning } from '../registry/process-stamp.ts';

/** The real codex to ask: an absolute path and the environment it runs with (CODEX_HOME included). */
export interface CodexCommand {
  file: string;
  env: NodeJS.ProcessEnv;
}

/** Bounds: `daemon stop` answers in about 0.2 s, `daemon start` in about 2 s. */
export const DAEMON_STOP_MS = 3_000;
export const DAEMON_GONE_MS = 2_000;
export const DAEMON_START_MS = 15_000;

/** The outcome of one `app-server daemon …` call. */
export type ControlResult = { ok: true; ms: number } | { ok: false; ms: number; message: string };

/** Runs `<codex> app-server daemon <verb>` with no stdin, output captured, killed after `timeoutMs`. */
function daemonCommand(codex: CodexCommand, verb: 'stop' | 'start', timeoutMs: number): Promise<ControlResult> {
  const started = Date.now();
  const done = (ok: boolean, message: string): ControlResult =>
    ok ? { ok, ms: Date.now() - started } : { ok, ms: Date.now() - started, message };
  return new Promise((resolve) => {
    let out = '';
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(codex.file, ['app-server', 'daemon', verb], { env: codex.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve(done(false, `cannot run ${codex.file}: ${(error as Error).message}`));
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.resume();
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(done(false, `cannot run ${codex.file}: ${error.message}`));
    });
    // 'exit', not 'close': the daemon that `start` leaves behind may keep a copy of the pipes open.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      const status = /"status"\s*:\s*"(\w+)"/.exec(out)?.[1];
      if (code === 0) resolve(done(true, ''));
      else
        resolve(
          done(
            false,
            signal === 'SIGKILL'
              ? `\`codex app-server daemon ${verb}\` gave no answer within ${timeoutMs / 1000} s`
              : `\`codex app-server daemon ${verb}\` exited ${code}${status ? ` (${status})` : ''}`,
          ),
        );
    });
  });
}

/** Waits until `pid` is gone, for at most `ms`. */
async function gone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (pidRunning(pid)) {
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Asks the daemon `pid` to stop, and waits until it has. Never kills it: a daemon that will not stop is left running. */
export async function stopDaemon(codex: CodexCommand, pid: number): Promise<ControlResult> {
  const stop = await daemonCommand(codex, 'stop', DAEMON_STOP_MS);
  if (!stop.ok) return stop;
  if (await gone(pid, DAEMON_GONE_MS)) return { ok: true, ms: stop.ms };
  return {
    ok: false,
    ms: stop.ms + DAEMON_GONE_MS,
    message: `Codex's app-server daemon (pid ${pid}) was asked to stop but still runs after ${DAEMON_GONE_MS / 1000} s`,
  };
}

/** Starts the daemon again (for maintain, rotate and the scheduled job; on a launch, codex does it itself). */
export function startDaemon(codex: CodexCommand): Promise<ControlResult> {
  return daemonCommand(codex, 'start', DAEMON_START_MS);
}
