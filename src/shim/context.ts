// What one guarded launch knows about itself, handed to the pre-flight and the crash path.
import type { DbSnapshot } from '../bundle/types.ts';
import type { CrashedRun } from '../crash/decide.ts';
import type { CrashPolicy } from '../crash/policy.ts';
import type { IoMark } from '../watch/io.ts';
import type { RealCodex } from '../resolve/real-codex.ts';

/** A guarded launch: the real codex, its argv, when it started, and the environment it runs in. */
export interface SessionContext {
  real: RealCodex;
  /** codex's own arguments, verbatim. */
  args: string[];
  /** The child's environment (with the recursion marker). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Epoch ms when the shim started. */
  shimStartedAt: number;
  /** Epoch ms when the current child was spawned, and its pid. */
  childStartedAt?: number;
  childPid?: number;
  debug: boolean;
  /** Config `crash.signals` and `restart.*` as plain values; what is missing takes the defaults of src/crash/policy.ts. */
  crashPolicy?: Partial<CrashPolicy>;
  /** The terminal's `stty -g` state, saved before the first spawn when stdin is a TTY. */
  savedTty?: string;
  /** The runs of this session that crashed, oldest first: the crash path appends, the restart guard reads. */
  crashes?: CrashedRun[];
  /** Codex's DB sizes after the latest pre-flight (for the crash bundle's growth column; main() sets it). */
  dbSnapshot?: DbSnapshot;
  /** The in-session checks' DB sizes, the newest few, oldest first (the crash bundle's last minutes). */
  looks?: DbSnapshot[];
  /** This process's I/O counters right before the current child started (Linux), to tell what that child wrote. */
  ioBeforeChild?: IoMark | undefined;
  /** The same before the session's first child: what every run of the session wrote. */
  ioAtStart?: IoMark | undefined;
}
