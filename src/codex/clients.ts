// How many clients are connected to the daemon's control socket: Linux reads /proc/net/unix; elsewhere it cannot be told.
import { readFileSync, readlinkSync } from 'node:fs';

/** A count of connected clients, or unknown (callers must then take the daemon for busy). */
export type Clients = { count: number } | { unknown: string };

/**
 * Pure: the connected entries on `path` in the text of /proc/net/unix. Each accepted connection is
 * one line with state 03 (SS_CONNECTED) and the bound path; the listening socket is state 01.
 * Columns: Num RefCount Protocol Flags Type St Inode Path.
 */
export function connectedOn(procNetUnix: string, path: string): number {
  let count = 0;
  for (const line of procNetUnix.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 8 && cols[5] === '03' && cols.slice(7).join(' ') === path) count++;
  }
  return count;
}

/** The bound path of the control socket: Codex links `app-server-control.sock` to a socket under /tmp. */
function boundPath(socket: string): string {
  try {
    return readlinkSync(socket);
  } catch {
    return socket;
  }
}

/**
 * Clients of the control socket at `socket`. On macOS `lsof -U` shows unix sockets but not, in a
 * documented form, which of them are accepted connections on a given path; rather than guess,
 * codexguard says it cannot tell there, and a daemon with unknown clients is never stopped.
 */
export function controlClients(socket: string): Clients {
  if (process.platform !== 'linux')
    return { unknown: `counting the control socket's clients is not supported on ${process.platform}` };
  let text: string;
  try {
    text = readFileSync('/proc/net/unix', 'utf8');
  } catch {
    return { unknown: 'cannot read /proc/net/unix' };
  }
  return { count: connectedOn(text, boundPath(socket)) };
}
