// Registers a running shim in `$CODEX_HOME/codexguard/sessions/<pid>.json` so other shims know a codex is live.
import { dirname, join } from 'node:path';
import { onShimExit } from './on-exit.ts';
import { describe, ensurePrivateDir, guardDir, removeQuietly, writePrivateAtomic } from '../private-fs.ts';
import { stamp, type ProcessStamp } from './process-stamp.ts';

/** One session file: the shim, and the real codex it runs once that has started. */
export interface SessionEntry extends ProcessStamp {
  v: 1;
  codexHome: string;
  argv0: string;
  child: ProcessStamp | null;
}

/** A live registration of this process. */
export interface Session {
  readonly file: string;
  readonly entry: SessionEntry;
  /** Records the codex child (call on spawn, and again on each restart). False if the file could not be written. */
  setChild(pid: number, startedAt?: number): boolean;
  /** Removes the entry now. Synchronous, idempotent, never throws: call it right before mirrorExit. */
  close(): void;
}

export type RegisterResult = { ok: true; session: Session } | { ok: false; message: string };

/** The registry's directory. */
export function sessionsDir(home: string): string {
  return join(guardDir(home), 'sessions');
}


/** Writes the entry; the dir is made only when missing (one syscall less on the launch path). */
function writeEntry(file: string, entry: SessionEntry): void {
  try {
    writePrivateAtomic(file, JSON.stringify(entry));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    ensurePrivateDir(dirname(file));
    writePrivateAtomic(file, JSON.stringify(entry));
  }
}

/**
 * Registers this process as a live codex session under `home` (CODEX_HOME), with its codex
 * child when already known, and arranges for the entry to go on every exit path. Never throws.
 */
export function registerSession(home: string, info: { argv0?: string; startedAt?: number; child?: { pid: number; startedAt?: number } } = {}): RegisterResult {
  const dir = sessionsDir(home);
  const file = join(dir, `${process.pid}.json`);
  const entry: SessionEntry = { v: 1, ...stamp(process.pid, info.startedAt), codexHome: home, argv0: info.argv0 ?? process.argv[1] ?? '', child: info.child ? stamp(info.child.pid, info.child.startedAt) : null };
  try {
    writeEntry(file, entry);
  } catch (error) {
    return { ok: false, message: `cannot register the session in ${dir}: ${describe(error)}` };
  }
  let closed = false;
  let dropHook = (): void => {};
  const session: Session = {
    file,
    entry,
    setChild(pid, startedAt) {
      if (closed) return false;
      entry.child = stamp(pid, startedAt);
      try {
        writeEntry(file, entry);
        return true;
      } catch {
        return false;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      dropHook();
      removeQuietly(file);
    },
  };
  dropHook = onShimExit(() => session.close());
  return { ok: true, session };
}
