// Codex's own SQLite maintenance lock, taken exactly the way Codex takes it, so a rotation never races Codex's maintenance.
//
// How Codex takes it (openai/codex, codex-rs/state/src/runtime/reclamation.rs, Codex >= 0.160, fn `try_ownership`):
//     OpenOptions::new().read(true).write(true).create(true).truncate(false)
//         .open(sqlite_home.join(".sqlite-maintenance.lock"))?  then  lock.try_lock()
// `std::fs::File::try_lock` is flock(fd, LOCK_EX | LOCK_NB) on Linux and macOS; WouldBlock means another
// process owns maintenance. The owner (one per SQLite home) keeps it for its worker's whole life, i.e. until
// that codex exits, and meanwhile runs `incremental_vacuum` in short BEGIN IMMEDIATE batches (busy_timeout 0).
// The file's existence means nothing (Codex never deletes it); only a held flock does.
//
// Node has no flock(2), so a tiny helper process (perl, else util-linux `flock`) opens the file the same way,
// takes LOCK_EX|LOCK_NB, and holds it until our end of its stdin closes: on release(), on exit, and on kill -9
// alike, so a killed rotation never leaves the lock held.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { absolutePath, programOnPath } from '../resolve/path-walk.ts';

/** The lock file Codex uses, beside its DBs. */
export const MAINTENANCE_LOCK = '.sqlite-maintenance.lock';

/** A held lock; release() lets Codex's maintenance (or another codexguard) have it again. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * held: ours until release(); busy: a running Codex (or codexguard) owns maintenance, or (with a reason) nothing
 * here can tell whether one does; unsupported: no way to flock here, and no Codex has ever taken the lock.
 */
export type LockAttempt =
  | { state: 'held'; lock: HeldLock }
  | { state: 'busy'; reason?: string }
  | { state: 'unsupported'; reason: string };

const PERL = `use Fcntl qw(:flock O_RDWR O_CREAT); $|=1;
sysopen(my $f, $ARGV[0], O_RDWR|O_CREAT, 0644) or do { print "error $!\\n"; exit 2 };
flock($f, LOCK_EX|LOCK_NB) or do { print "busy\\n"; exit 1 };
print "locked\\n"; while (sysread(STDIN, my $b, 4096)) {} exit 0;`;

/** Tries to take the lock in `dir`, retrying while busy for up to `waitMs`. */
export async function tryMaintenanceLock(dir: string, waitMs = 0): Promise<LockAttempt> {
  const end = Date.now() + waitMs;
  for (;;) {
    const attempt = await attemptOnce(join(dir, MAINTENANCE_LOCK));
    if (attempt.state !== 'busy' || Date.now() >= end) return attempt;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function attemptOnce(file: string): Promise<LockAttempt> {
  const perl = await holdWith('perl', ['-e', PERL, file]);
  if (perl.state !== 'unsupported' || !perl.missing) return perl;
  // util-linux flock: -n fails at once with status 75 (-E) when busy; `cat` holds it until stdin closes.
  const flock = await holdWith('flock', ['-n', '-E', '75', file, '-c', 'echo locked; exec cat >/dev/null']);
  if (flock.state !== 'unsupported' || !flock.missing) return flock;
  return cannotLock(file);
}

/**
 * Without perl (which Apple has marked for removal from macOS) or flock(1), whether Codex holds its lock cannot be
 * told. Codex creates the file when it first takes the lock: with no file, no Codex has ever owned maintenance here
 * and going on is safe; with one, "cannot tell" counts as busy, so a rotation never runs under Codex's maintenance.
 */
export function cannotLock(file: string): LockAttempt {
  const why = 'neither perl nor flock(1) is on PATH to take the lock';
  return existsSync(file)
    ? { state: 'busy', reason: `cannot tell whether a running Codex holds ${file}: ${why}` }
    : { state: 'unsupported', reason: why };
}

type Attempt = LockAttempt | { state: 'unsupported'; reason: string; missing?: boolean };

function holdWith(command: string, args: string[]): Promise<Attempt & { missing?: boolean }> {
  return new Promise((resolve) => {
    const file = programOnPath(command);
    if (file === undefined) {
      resolve({ state: 'unsupported', reason: `${command} is not on PATH`, missing: true });
      return;
    }
    let child: ChildProcess;
    try {
      // flock's -c runs a shell, which looks up `cat` on PATH: only absolute entries for it too.
      child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PATH: absolutePath() } });
    } catch (error) {
      resolve({ state: 'unsupported', reason: String(error), missing: true });
      return;
    }
    let out = '';
    let err = '';
    let settled = false;
    const settle = (value: Attempt & { missing?: boolean }) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    child.on('error', (error: NodeJS.ErrnoException) =>
      settle({ state: 'unsupported', reason: error.message, missing: error.code === 'ENOENT' }),
    );
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.startsWith('locked\n')) settle({ state: 'held', lock: heldBy(child) });
    });
    child.on('close', (code) => {
      if (code === 1 && out.startsWith('busy')) settle({ state: 'busy' });
      else if (code === 75) settle({ state: 'busy' });
      else
        settle({
          state: 'unsupported',
          reason: (out.replace(/^error /, '') + err).trim().split('\n')[0] || `${command} exited with ${code}`,
        });
    });
  });
}

function heldBy(child: ChildProcess): HeldLock {
  // A forgotten lock must not keep the shim alive: our exit closes the pipe and the helper lets go.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.ref();
        (child.stdout as { ref?: () => void } | null)?.ref?.();
        child.once('close', () => resolve());
        child.stdin!.end();
      });
      return released;
    },
  };
}
