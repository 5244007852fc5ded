// Keeps Node's inspector shut: Node opens it on 127.0.0.1:9229 at a SIGUSR1, where any local user could attach as us.

/**
 * A JS listener on SIGUSR1 takes the signal from Node's built-in handler (libuv installs its own sigaction in
 * its place), so SIGUSR1 never starts the inspector. Installed before anything else runs; the shim forwards
 * the signal to codex once codex runs (src/launch/run.ts), and ignores it until then.
 */
export function keepInspectorClosed(): void {
  process.on('SIGUSR1', () => {});
}
