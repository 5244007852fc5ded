// What one guarded launch knows about itself, handed to the pre-flight and the crash path.
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
}
