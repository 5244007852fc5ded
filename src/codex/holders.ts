// Which other processes have a file open: /proc/*/fd on Linux (own-uid processes are enough), `lsof -t` on macOS and others.
import { existsSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CodexguardError } from '../errors.ts';
import { programOnPath } from '../resolve/path-walk.ts';

/**
 * The pids (other than this process) holding any of `paths` open, sorted. Run it only
 * when a rotation is due: it reads every process's fd table. Throws E_OPENERS_UNKNOWN
 * when it cannot tell (no /proc and no lsof): callers must then assume "in use".
 */
export async function openers(paths: readonly string[]): Promise<number[]> {
  const targets = new Set(paths.map(canonical));
  const pids = process.platform === 'linux' ? scanProc((fd) => targets.has(readlinkSync(fd))) : await viaLsof([...targets]);
  pids.delete(process.pid);
  return [...pids].sort((a, b) => a - b);
}

/**
 * The pids (other than this process) holding any of these files open under whatever name: by inode, so a
 * file that was renamed over or unlinked while open (the old DB after a swap, reached by its archive's
 * link) is still found. Same cost and failure as `openers`.
 */
export async function inodeOpeners(files: readonly string[]): Promise<number[]> {
  const inode = (path: string) => {
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    return st ? `${st.dev}:${st.ino}` : undefined;
  };
  const present = files.filter((file) => inode(file) !== undefined);
  const targets = new Set(present.map(inode));
  if (!targets.size) return [];
  const pids = process.platform === 'linux' ? scanProc((fd) => targets.has(inode(fd))) : await viaLsof(present);
  pids.delete(process.pid);
  return [...pids].sort((a, b) => a - b);
}

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
    throw new CodexguardError('E_OPENERS_UNKNOWN', 'cannot list /proc to see who has the DB open', undefined, { cause: error });
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

async function viaLsof(paths: string[]): Promise<Set<number>> {
  const targets = paths.filter((path) => existsSync(path));
  if (!targets.length) return new Set();
  const { execa } = await import('execa');
  try {
    // -t: pids only; exits 1 when nobody has them open (or a file is missing).
    const lsof = programOnPath('lsof');
    if (lsof === undefined) throw new Error('lsof is not on PATH');
    const result = await execa(lsof, ['-t', '--', ...targets], { reject: false, timeout: 10_000 });
    if (result.failed && result.exitCode !== 1) throw result;
    return new Set(result.stdout.split(/\s+/).filter(Boolean).map(Number));
  } catch (error) {
    throw new CodexguardError('E_OPENERS_UNKNOWN', 'cannot run lsof to see who has the DB open', undefined, { cause: error });
  }
}
