// system.json: free disk where Codex writes, memory, load, CPUs; and the environment lines of the manifest.
import { statfs } from 'node:fs/promises';
import { arch, cpus, freemem, loadavg, platform, release, totalmem, uptime, version } from 'node:os';
import { dirname } from 'node:path';

/** The machine at the crash. Disk is null when no folder on the way to `dir` could be measured. */
export interface SystemInfo {
  disk: { path: string; freeBytes: number; totalBytes: number } | null;
  memory: { totalBytes: number; freeBytes: number };
  load: number[];
  cpus: { count: number; model: string | null };
  uptimeSeconds: number;
}

/** Free disk on the file system holding `dir` (its nearest existing ancestor), memory, load. Never throws. */
export async function systemInfo(dir: string): Promise<SystemInfo> {
  let disk: SystemInfo['disk'] = null;
  for (let path = dir; ; path = dirname(path)) {
    try {
      const s = await statfs(path);
      disk = { path, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
      break;
    } catch {
      if (dirname(path) === path) break;
    }
  }
  const list = cpus();
  return {
    disk,
    memory: { totalBytes: totalmem(), freeBytes: freemem() },
    load: loadavg(),
    cpus: { count: list.length, model: list[0]?.model ?? null },
    uptimeSeconds: uptime(),
  };
}

/** Platform facts for the manifest. */
export function platformInfo(): { platform: string; osRelease: string; osVersion: string; arch: string; node: string } {
  return { platform: platform(), osRelease: release(), osVersion: safe(version), arch: arch(), node: process.version };
}

function safe(f: () => string): string {
  try {
    return f();
  } catch {
    return 'unknown';
  }
}
