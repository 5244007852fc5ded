// Bundles whose OS report had not arrived within the budget: recorded as pending, finished later (in the background or at the next look).
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { siblingCli, spawnDetached } from '../launch/background.ts';
import { bundleFiles, compose, readState } from './compose.ts';
import { json, replaceFile, writeExclusive } from './files.ts';
import { parseBundleId } from './naming.ts';
import { collectOnce, storeReports } from './os-collect.ts';
import type { ReportTarget } from './os-reports.ts';
import { FILES } from './types.ts';

/** pending.json: what to look for, where, and until when (epoch ms). */
export interface Pending {
  platform: string;
  target: ReportTarget;
  dirs: string[];
  until: number;
  path?: string;
}

/** How long after a crash its OS report is still awaited. */
export const PENDING_WINDOW_MS = 60_000;

/** Records that the OS report is still awaited. */
export function markPending(bundle: string, pending: Pending): void {
  writeExclusive(join(bundle, FILES.pending), json(pending));
}

/** The command that finishes a bundle in the background: the codexguard CLI beside the running `codex` shim, if there is one. */
export function defaultFinisher(argv1 = process.argv[1]): string[] | undefined {
  const cli = siblingCli(argv1);
  return cli && [...cli, 'crashes', 'finish'];
}

/** Starts `command <bundle>` detached, so that the shim can end while it waits for the OS report. */
export function spawnFinisher(command: readonly string[], bundle: string): boolean {
  return spawnDetached([...command, bundle]);
}

/**
 * Looks once more for a pending bundle's OS report (polling up to `waitMs`); when found, or when its window has passed,
 * rewrites os-reports.json, manifest.json and REPORT.md and drops pending.json. Returns whether it is still pending. Never throws.
 */
export async function finishPending(bundle: string, waitMs = 0): Promise<boolean> {
  try {
    const file = join(bundle, FILES.pending);
    if (!existsSync(file)) return false;
    const pending = JSON.parse(readFileSync(file, 'utf8')) as Pending;
    const lock = join(bundle, '.finishing');
    if (!claim(lock)) return true;
    try {
      return await finish(bundle, file, pending, waitMs);
    } finally {
      rmSync(lock, { force: true });
    }
  } catch {
    return existsSync(join(bundle, FILES.pending));
  }
}

/** Takes the finishing lock (a stale one, older than two minutes, is taken over). */
function claim(lock: string): boolean {
  try {
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { force: true });
    writeExclusive(lock, String(process.pid));
    return true;
  } catch {
    return false;
  }
}

/** One finishing pass under the lock. */
async function finish(bundle: string, file: string, pending: Pending, waitMs: number): Promise<boolean> {
  const stop = Math.min(pending.until, Date.now() + waitMs);
  let c = await collectOnce(pending.platform, pending.target, pending.dirs, pending.path);
  while (c.status === 'pending' && Date.now() + 500 < stop) {
    await new Promise((r) => setTimeout(r, 500));
    c = await collectOnce(pending.platform, pending.target, pending.dirs, pending.path);
  }
  const expired = Date.now() >= pending.until;
  if (c.status === 'pending' && !expired) return true;
  if (c.status === 'pending')
    Object.assign(c, {
      status: 'none',
      notes: [...c.notes, `None arrived within ${PENDING_WINDOW_MS / 1000} s of the crash.`],
    });
  const state = readState(bundle);
  const { index, texts } = storeReports(bundle, c);
  state.os = index;
  state.osTexts = texts;
  replaceFile(join(bundle, FILES.osReports), json(index));
  const files = [...new Set([...bundleFiles(bundle), FILES.manifest, FILES.report])].filter((f) => f !== FILES.pending);
  const { manifest, report } = compose(state, files);
  replaceFile(join(bundle, FILES.manifest), json(manifest));
  replaceFile(join(bundle, FILES.report), report);
  // Last: a reader that sees no pending.json sees the finished manifest.
  rmSync(file, { force: true });
  return false;
}

/** Finishes every pending bundle in a crash dir (one look each, no waiting); cheap when none is pending. */
export async function finishAllPending(dir: string): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => parseBundleId(n) !== undefined);
  } catch {
    return;
  }
  for (const name of names) if (existsSync(join(dir, name, FILES.pending))) await finishPending(join(dir, name));
}
