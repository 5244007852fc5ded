// Picks how to rotate a log DB: swap in a fresh file when nobody else has it open, else prune it in place.

/** exclusive: copy the kept rows into a new file and swap it in; shared: delete in place in small batches. */
export type Strategy = 'exclusive' | 'shared';

/** What the choice rests on: the OS view, the live-session registry, and a user preference. */
export interface StrategyInput {
  /** Pids holding the db, -wal or -shm open ('unknown' when that could not be checked). */
  openers: readonly number[] | 'unknown';
  /** Live codex sessions known to the registry for this home. */
  liveSessions: number;
  /** Prune in place even when the file could be swapped. */
  preferShared?: boolean;
}

/** A pure choice: renaming a file someone has open is never allowed, so any doubt means shared. */
export function chooseStrategy(input: StrategyInput): { strategy: Strategy; reason: string } {
  if (input.openers === 'unknown')
    return { strategy: 'shared', reason: 'cannot tell whether another process has it open' };
  if (input.openers.length) return { strategy: 'shared', reason: `open in pid ${input.openers.join(', ')}` };
  if (input.liveSessions > 0) return { strategy: 'shared', reason: `${input.liveSessions} live codex session(s)` };
  if (input.preferShared) return { strategy: 'shared', reason: 'asked for' };
  return { strategy: 'exclusive', reason: 'no other process has it open' };
}
