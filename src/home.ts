// The user's home directory as os.homedir() gives it, without loading node:os (about 0.4 ms) when $HOME says it.

/**
 * os.homedir(): $HOME when it is set (libuv reads it first), else the password database's entry, through node:os
 * (process.getBuiltinModule; Node 20.16 and later). The launch path calls it before codex starts, and $HOME is
 * nearly always set.
 */
export function userHome(): string {
  const home = process.env.HOME;
  if (home) return home;
  const os = process.getBuiltinModule?.('node:os');
  if (!os) throw new Error('$HOME is not set, and this Node (before 20.16) cannot say where home is without it');
  return os.homedir();
}
