// Which other processes have a file open: /proc/*/fd on Linux (own-uid processes are enough), `lsof -t` on macOS and others.
import { existsSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CodexguardError } from '../errors.ts';

/**
 * The pids (other than this process) holding any of `paths` open, sorted. Run it only
 * when a rotation is due: it reads every process's fd table. Throws E_OPENERS_UNKNOWN
 * when it cannot tell (no /proc and no lsof): callers must then assume "in use".
 */
export async function openers(paths: readonly string[], how: HolderScan = {}): Promise<number[]> {
  const targets = new Set(paths.map(canonical));
  const pids =
    (how.via ?? defaultVia()) === 'proc'
      ? scanProc((fd) => targets.has(readlinkSync(fd)))
      : await viaLsof([...targets], how.timeoutMs);
  pids.delete(process.pid);
  return [...pids].sort((a, b) => a - b);
}

/**
 * The pids (other than this process) holding any of these files open under whatever name: by inode, so a
 * file that was renamed over or unlinked while open (the old DB after a swap, reached by its archive's
 * link) is still found. Same cost and failure as `openers`.
 */
export async function inodeOpeners(files: readonly string[], how: HolderScan = {}): Promise<number[]> {
  const inode = (path: string) => {
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    return st ? `${st.dev}:${st.ino}` : undefined;
  };
  const present = files.filter((file) => inode(file) !== undefined);
  const targets = new Set(present.map(inode));
  if (!targets.size) return [];
  const pids =
    (how.via ?? defaultVia()) === 'proc'
      ? scanProc((fd) => targets.has(inode(fd)))
      : await viaLsof(present, how.timeoutMs);
  pids.delete(process.pid);
  return [...pids].sort((a, b) => a - b);
}

/** How to look: /proc (Linux's default) or lsof (elsewhere), and how long lsof may take (10 s; the launch path gives less). */
export interface HolderScan {
  via?: 'proc' | 'lsof';
  timeoutMs?: number;
}

const defaultVia = (): 'proc' | 'lsof' => (process.platform === 'linux' ? 'proc' : 'lsof');

/** The path as the kernel reports it in /proc/<pid>/fd: the folder resolved through symlinks. */
function canonical(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

/** Is the open file at `/proc/<pid>/fd/<n>` one we look for? */
type FdMatch = (fd: string) => boolean;

function scanProc(targets: FdMatch): Set<number> {
  const found = new Set<number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch (error) {
    throw new CodexguardError('E_OPENERS_UNKNOWN', 'cannot list /proc to see who has the DB open', undefined, {
      cause: error,
    });
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const own = holds(`/proc/${pid}`, targets);
    // A process whose leader thread has exited shows no fds of its own while its other threads still hold files.
    if (own === true || (own === 'no fds' && tasksHold(pid, targets))) found.add(pid);
  }
  return found;
}

/** Does the process (or task) at `base` hold one of `targets` open? Unreadable (another user's, or gone): no. */
function holds(base: string, targets: FdMatch): boolean | 'no fds' {
  let fds: string[];
  try {
    fds = readdirSync(`${base}/fd`);
  } catch {
    return false;
  }
  if (fds.length === 0) return 'no fds';
  for (const fd of fds) {
    try {
      if (targets(`${base}/fd/${fd}`)) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

/** Does any thread of `pid` hold one of `targets`? */
function tasksHold(pid: number, targets: FdMatch): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((tid) => holds(`/proc/${pid}/task/${tid}`, targets) === true);
  } catch {
    return false;
  }
}

/**
 * `lsof -w -t -a -p <this user's pids> -- files`: only this user's processes are looked at (`pgrep -U`), which on
 * macOS, where a full `lsof` scan takes seconds, is most of its cost; another user's process cannot have our files
 * open for writing anyway. Without pgrep it scans everything. A run longer than `timeoutMs` counts as "cannot tell".
 */
async function viaLsof(paths: string[], timeoutMs = 10_000): Promise<Set<number>> {
  const targets = paths.filter((path) => existsSync(path));
  if (!targets.length) return new Set();
  // Loaded only here: on Linux /proc answers, and execa (behind runTool) is heavy.
  const { runTool } = await import('../run-tool.ts');
  const started = Date.now();
  const pids = await ownPids(runTool, timeoutMs);
  const left = Math.max(1, timeoutMs - (Date.now() - started));
  const select = pids === undefined ? [] : ['-a', '-p', pids.join(',')];
  // -t: pids only; exits 1 when nobody has them open (or a file is missing). -w: no warnings on stderr.
  const result = await runTool('lsof', ['-w', '-t', ...select, '--', ...targets], process.env, undefined, left);
  if (!result.ok && result.exitCode !== 1) {
    const slow = result.timedOut ? ` (no answer within ${(timeoutMs / 1000).toFixed(1)} s)` : '';
    throw new CodexguardError('E_OPENERS_UNKNOWN', `cannot run lsof to see who has the DB open${slow}`, undefined, {
      cause: new Error(result.reason),
    });
  }
  return new Set(result.stdout.split(/\s+/).filter(Boolean).map(Number));
}

/** This user's pids from `pgrep -U <uid>`, or undefined when that cannot be had (then lsof looks at every process). */
async function ownPids(
  runTool: typeof import('../run-tool.ts').runTool,
  timeoutMs: number,
): Promise<number[] | undefined> {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const r = await runTool('pgrep', ['-U', String(uid)], process.env, undefined, Math.min(timeoutMs, 2_000));
  const pids = r.stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0 && n !== process.pid);
  return r.exitCode === 0 && pids.length > 0 ? pids : undefined;
}
