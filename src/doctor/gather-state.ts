// Gathers, without changing anything, the facts about the pre-flight lock, crash bundles, and (--deep) each DB's quick_check.
import { statSync } from 'node:fs';
import { listBundles } from '../bundle/store.ts';
import { readOwner } from '../lock/owner.ts';
import { LOCK_DEFAULTS, lockPaths } from '../lock/preflight-lock.ts';
import { isAlive, where } from '../registry/process-stamp.ts';
import type { QuickCheck } from './judge-home.ts';
import type { CrashFacts, LockFacts } from './judge-state.ts';
import { reason } from './report.ts';
import { treeBytes } from '../disk-usage.ts';

/** Looks at the lock dir under `codexHome` and the owner record inside it. */
export function gatherLock(codexHome: string, now = Date.now()): LockFacts {
  const { lockDir, ownerFile } = lockPaths(codexHome);
  const st = statSync(lockDir, { throwIfNoEntry: false });
  if (!st) return { state: 'free', lockDir };
  const record = readOwner(ownerFile);
  const facts: LockFacts = { state: 'held', lockDir, idleMs: now - st.mtimeMs, staleMs: LOCK_DEFAULTS.staleMs };
  if (record) {
    facts.owner = {
      pid: record.pid,
      alive: isAlive(record),
      foreign: record.where !== where(),
      heldMs: now - record.startedAt,
    };
  }
  return facts;
}

/** Whether better-sqlite3 loads and opens a DB in this node (after a Node major upgrade its ABI may not match). */
export async function loadSqlite(): Promise<{ version: string } | { error: unknown }> {
  try {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(':memory:');
    const version = db.prepare('SELECT sqlite_version()').pluck().get() as string;
    db.close();
    return { version };
  } catch (error) {
    return { error };
  }
}

/** The crash bundles in `dir` with their sizes (read only: pending OS reports are left for `codexguard crashes`). */
export function gatherCrashes(dir: string, now = Date.now()): CrashFacts {
  const bundles = listBundles(dir).map((b) => ({
    id: b.id,
    at: b.at,
    signal: b.signal,
    bytes: treeBytes(b.path),
    pending: b.pending,
    cause:
      b.manifest?.likelyCause && b.manifest.likelyCause.id !== 'unknown' ? b.manifest.likelyCause.title : undefined,
  }));
  return { dir, now, bundles };
}

/** Busy timeout of the read-only connection: Codex writes under a 5 s one; doctor never makes it wait. */
export const QUICK_CHECK_BUSY_MS = 250;

/** `PRAGMA quick_check` on each file, opened read-only (better-sqlite3 is loaded only here). */
export async function quickChecks(paths: Record<string, string>): Promise<Record<string, QuickCheck>> {
  const { openExisting } = await import('../sqlite/open.ts');
  const out: Record<string, QuickCheck> = {};
  for (const [name, path] of Object.entries(paths)) {
    let db: ReturnType<typeof openExisting> | undefined;
    try {
      db = openExisting(path, { readonly: true, busyTimeoutMs: QUICK_CHECK_BUSY_MS });
      const rows = db.pragma('quick_check(20)', { simple: false }) as Array<Record<string, unknown>>;
      const problems = rows.map((r) => String(Object.values(r)[0]));
      out[name] = problems.length === 1 && problems[0] === 'ok' ? { result: 'ok' } : { result: 'corrupt', problems };
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      out[name] =
        code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED'
          ? { result: 'busy', message: reason(error) }
          : { result: 'error', message: reason(error) };
    } finally {
      db?.close();
    }
  }
  return out;
}
