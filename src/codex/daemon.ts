// Codex's managed app-server daemon and its updater loop: read from their pid files, checked for being alive and being that process.
import { readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pidRunning, startOf } from '../registry/process-stamp.ts';
import { ownedByUser, readRegularFile } from '../safe-read.ts';

/** A Codex process recorded in a pid file under `$CODEX_HOME/app-server-daemon/`. */
export interface DaemonProcess {
  pid: number;
  /** The binary it runs (Linux: /proc/<pid>/exe; elsewhere the `current` release's), when known. */
  binary?: string | undefined;
  /** Its version, from the release folder it runs from (`releases/<version>-<triple>/bin/codex`). */
  version?: string | undefined;
}

/** none: no pid file, or its process is gone; running: alive and the very process recorded; unknown: cannot tell (treated as running). */
export type DaemonState =
  | { state: 'none' }
  | ({ state: 'running' } & DaemonProcess)
  | { state: 'unknown'; reason: string };

/** The pid file's fields codexguard reads (Codex writes more). */
export interface PidRecord {
  pid: number;
  processIdentity?: { bootId?: string; startTicks?: number };
}

/** Where the daemon keeps its state. */
export function daemonPaths(codexHome: string) {
  const dir = join(codexHome, 'app-server-daemon');
  return {
    pidFile: join(dir, 'daemon.pid'),
    updaterPidFile: join(dir, 'daemon-updater.pid'),
    current: join(codexHome, 'packages', 'app-server-daemon', 'current'),
    controlSocket: join(codexHome, 'app-server-control', 'app-server-control.sock'),
  };
}

/** Pure: the pid record in a pid file's text, or undefined when it is not one. */
export function parsePidRecord(text: string): PidRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<PidRecord> | null;
    const pid = value?.pid;
    return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 1 ? (value as PidRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Pure: is the recorded process the one running under that pid now? Linux compares the kernel's
 * start time (`<boot id>/<ticks>`, as Codex records it) with `start`; without one, a live pid counts.
 */
export function sameProcess(record: PidRecord, exists: boolean, start: string | undefined): boolean {
  if (!exists) return false;
  const id = record.processIdentity;
  if (start === undefined || id?.bootId === undefined || id.startTicks === undefined) return true;
  return start === `${id.bootId}/${id.startTicks}`;
}

/** Pure: the version in a release path, e.g. `…/releases/0.171.0-x86_64-unknown-linux-musl/bin/codex` → `0.171.0`. */
export function versionFromPath(path: string | undefined): string | undefined {
  return path ? /\/releases\/(\d+\.\d+\.\d+(?:-[a-z]+\.\d+)?)-[^/]+\/bin\/codex$/.exec(path)?.[1] : undefined;
}

/** Reads one pid file: none when absent; unknown when it is not ours or not readable as a record. */
function readPidFile(file: string): { record: PidRecord } | { none: true } | { unknown: string } {
  const read = readRegularFile(file, 64 * 1024, { noFollow: true });
  if (!read.ok)
    return read.reason === 'missing'
      ? { none: true }
      : { unknown: `${file} is ${read.reason === 'unreadable' ? 'unreadable' : `not a pid file (${read.reason})`}` };
  // A pid file written by another user is not trusted: its pid could name anything.
  if (!ownedByUser(read.stats)) return { unknown: `${file} belongs to uid ${read.stats.uid}` };
  const record = parsePidRecord(read.text);
  return record ? { record } : { unknown: `${file} holds no pid` };
}

function binaryOf(pid: number, current: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    try {
      return join(realpathSync(current), 'bin', 'codex');
    } catch {
      return undefined;
    }
  }
}

/** The state of the process a pid file records. */
function processIn(file: string, current: string): DaemonState {
  const read = readPidFile(file);
  if ('none' in read) return { state: 'none' };
  if ('unknown' in read) return { state: 'unknown', reason: read.unknown };
  const { pid } = read.record;
  if (!sameProcess(read.record, pidRunning(pid), startOf(pid))) return { state: 'none' };
  const binary = binaryOf(pid, current);
  return { state: 'running', pid, binary, version: versionFromPath(binary) };
}

/** The managed daemon and its updater loop under `codexHome`, as they are now. */
export function readDaemon(codexHome: string): { daemon: DaemonState; updater: DaemonState } {
  const p = daemonPaths(codexHome);
  return { daemon: processIn(p.pidFile, p.current), updater: processIn(p.updaterPidFile, p.current) };
}
