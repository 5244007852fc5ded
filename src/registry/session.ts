// Registers a running shim in `$CODEX_HOME/codexguard/sessions/<pid>.json` so other shims know a codex is live.
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DbSnapshot } from '../bundle/types.ts';
import { onShimExit } from './on-exit.ts';
import { describe, ensureGuardDir, guardDir, removeQuietly, writePrivateAtomic } from '../private-fs.ts';
import { stamp, type ProcessStamp } from './process-stamp.ts';

/** What a session did to Codex's files: DB sizes at its start and at the last look (or its end), and the bytes codex wrote (Linux). */
export interface SessionFigures {
  start?: DbSnapshot | undefined;
  last?: DbSnapshot | undefined;
  codexWroteBytes?: number | undefined;
}

/** One session file: the shim, and the real codex it runs once that has started. */
export interface SessionEntry extends ProcessStamp {
  v: 1;
  codexHome: string;
  argv0: string;
  child: ProcessStamp | null;
  figures?: SessionFigures;
}

/** A live registration of this process. */
export interface Session {
  readonly file: string;
  readonly entry: SessionEntry;
  /** Records the codex child (call on spawn, and again on each restart). False if the file could not be written. */
  setChild(pid: number, startedAt?: number): boolean;
  /** Records the session's figures so far (the in-session watch calls it). False if the file could not be written. */
  setFigures(figures: SessionFigures): boolean;
  /** Removes the entry now. Synchronous, idempotent, never throws: call it right before mirrorExit. */
  close(): void;
}

export type RegisterResult = { ok: true; session: Session } | { ok: false; code: 'E_REGISTRY'; message: string };

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
    ensureGuardDir(entry.codexHome, dirname(file));
    writePrivateAtomic(file, JSON.stringify(entry));
  }
}

/**
 * Registers this process as a live codex session under `home` (CODEX_HOME), with its codex
 * child when already known, and arranges for the entry to go on every exit path (fatal signals only from
 * `hookAfterMs` on, when given: see onShimExit). Never throws.
 */
export function registerSession(
  home: string,
  info: { argv0?: string; startedAt?: number; child?: { pid: number; startedAt?: number }; hookAfterMs?: number } = {},
): RegisterResult {
  const dir = sessionsDir(home);
  const file = join(dir, `${process.pid}.json`);
  const entry: SessionEntry = {
    v: 1,
    ...stamp(process.pid, info.startedAt),
    codexHome: home,
    argv0: info.argv0 ?? process.argv[1] ?? '',
    child: info.child ? stamp(info.child.pid, info.child.startedAt) : null,
  };
  try {
    writeEntry(file, entry);
  } catch (error) {
    return { ok: false, code: 'E_REGISTRY', message: `cannot register the session in ${dir}: ${describe(error)}` };
  }
  let closed = false;
  let dropHook = (): void => {};
  const rewrite = (): boolean => {
    try {
      writeEntry(file, entry);
      return true;
    } catch {
      return false;
    }
  };
  const session: Session = {
    file,
    entry,
    setChild(pid, startedAt) {
      if (closed) return false;
      entry.child = stamp(pid, startedAt);
      return rewrite();
    },
    setFigures(figures) {
      if (closed) return false;
      entry.figures = figures;
      return rewrite();
    },
    close() {
      if (closed) return;
      closed = true;
      dropHook();
      removeQuietly(file);
    },
  };
  dropHook = onShimExit(() => session.close(), info.hookAfterMs);
  return { ok: true, session };
}

/** The ended sessions' log: one JSON line each, newest last (doctor and status read it). */
export function historyFile(home: string): string {
  return join(sessionsDir(home), 'history.jsonl');
}

/** Past this size the history is cut to its newer half. */
const HISTORY_MAX_BYTES = 256 * 1024;

/** Appends an ended session (its entry, with when and how it ended) to the history. Never throws. */
export function recordEnded(
  entry: SessionEntry,
  end: { endedAt: number; code: number | null; signal: string | null },
): void {
  const file = historyFile(entry.codexHome);
  try {
    appendFileSync(file, `${JSON.stringify({ ...entry, ...end })}\n`, { mode: 0o600 });
    if (statSync(file).size > HISTORY_MAX_BYTES) {
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      writePrivateAtomic(file, `${lines.slice(Math.floor(lines.length / 2)).join('\n')}\n`);
    }
  } catch {
    // A session without a history line costs a figure in doctor, nothing more.
  }
}
