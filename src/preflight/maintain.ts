// The pre-flight's cold half: under the lock, look again, then rotate, checkpoint or recover what is still over a limit.
import { decide } from '../inventory/decide.ts';
import { scanInventory } from '../inventory/scan.ts';
import type { SqliteHome } from '../inventory/sqlite-home.ts';
import { withPreflightLock } from '../lock/preflight-lock.ts';
import { liveSessions } from '../registry/live.ts';
import { runActions, type ActionResult } from '../rotate/run.ts';
import { siblingCli, spawnDetached } from '../launch/background.ts';
import type { PreflightOptions } from './check.ts';
import { describeProgress, progressLine } from '../rotate/progress.ts';
import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';

/** One line per action result: what was done, or why not. */
export function resultLine(result: ActionResult): string {
  return result.ok ? `codexguard: ${result.message}` : `codexguard: ${result.message} [${result.code}]`;
}

/** A progress line on fd 2 that never creates process.stderr's stream (codex shares that terminal next). */
function stderrProgress() {
  const line = progressLine({ isTTY: isatty(2), write: (text: string) => writeSync(2, text) } as unknown as NodeJS.WriteStream);
  return { onProgress: (db: string, event: { phase: string; done?: number; total?: number }) => line.update(describeProgress(db, event)), done: () => line.done() };
}

/** Runs the due actions under the pre-flight lock; true when every action succeeded. Never throws. */
export async function maintain(home: SqliteHome, options: PreflightOptions): Promise<boolean> {
  const { say } = options;
  const locked = await withPreflightLock(home.codexHome, options.lockTimeoutMs, async () => {
    // Another shim may have done the work while this one waited: decide again on fresh sizes.
    const inventory = scanInventory(home.dir);
    const actions = decide(inventory, options.limits, { force: options.force });
    const progress = options.progress ? stderrProgress() : undefined;
    const results = await runActions(inventory, actions, {
      limits: options.limits,
      liveSessions: () => {
        const live = liveSessions(home.codexHome);
        // An unreadable registry means someone may be running: count one.
        return live.ok ? live.sessions.length : 1;
      },
      onProgress: progress?.onProgress,
    });
    progress?.done();
    for (const result of results) {
      // A Codex >= 0.160 holds its maintenance lock while it runs, and prunes its logs itself: not news at every launch.
      if (!(options.launch && result.code === 'E_MAINTENANCE')) say(resultLine(result));
    }
    if (options.launch && options.compress && results.some((r) => r.action === 'rotate' && r.ok)) {
      // Seconds of gzip for a big archive: a detached `codexguard maintain` does it, under this same lock.
      const cli = siblingCli();
      if (cli) spawnDetached([...cli, 'maintain']);
    }
    return results.every((r) => r.ok);
  });
  if (locked.acquired) return locked.value;
  say(`codexguard: ${locked.message}; starting codex without the pre-flight [E_LOCK_${locked.reason.toUpperCase()}]`);
  return false;
}

/** Gzips the archives not yet compressed, under the pre-flight lock (`codexguard maintain`); true when all went well. */
export async function compressPending(home: SqliteHome, lockTimeoutMs: number, say: (line: string) => void): Promise<boolean> {
  const { listArchives } = await import('../rotate/archives.ts');
  if (listArchives(home.dir).every((a) => a.compressed)) return true;
  const { compressArchives } = await import('../rotate/compress.ts');
  const locked = await withPreflightLock(home.codexHome, lockTimeoutMs, () => compressArchives(home.dir));
  if (!locked.acquired) {
    say(`codexguard: ${locked.message}; archives left uncompressed [E_LOCK_${locked.reason.toUpperCase()}]`);
    return false;
  }
  for (const r of locked.value) say(r.ok ? `codexguard: ${r.message}` : `codexguard: ${r.message} [${r.code}]`);
  return locked.value.every((r) => r.ok);
}
