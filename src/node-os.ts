// node:os on first use (about 0.4 ms to load, and the shim needs it only once codex runs), and the user's home without it.

/** node:os, loaded the first time it is asked for (process.getBuiltinModule: Node 20.16 and later). */
export function nodeOs(): typeof import('node:os') {
  return process.getBuiltinModule('node:os');
}

/**
 * os.homedir(): $HOME when it is set (libuv reads it first), else the password database's entry through node:os.
 * The launch path calls it before codex starts, and $HOME is nearly always set.
 */
export function userHome(): string {
  return process.env.HOME || nodeOs().homedir();
}
