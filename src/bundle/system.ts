// system.json: free disk where Codex writes, memory, load, CPUs; and the environment lines of the manifest.
import { statfs } from 'node:fs/promises';
import { arch, cpus, freemem, loadavg, platform, release, totalmem, uptime, version } from 'node:os';
import { dirname } from 'node:path';

/** The machine at the crash. Disk is null when no folder on the way to `dir` could be measured. */
export interface SystemInfo {
  /** `purgeableUncounted`: on macOS, APFS space the system frees on demand is not in statfs's free count. */
  disk: { path: string; freeBytes: number; totalBytes: number; purgeableUncounted?: true } | null;
  /**
   * `freeBytes` is os.freemem(). `availableBytes` is what programs can still get: on Linux the same (libuv reads
   * MemAvailable); on macOS free + inactive + speculative + purgeable pages from `vm_stat`, because os.freemem()
   * there counts only free pages (about 100 MB on a busy 16 GB Mac).
   */
  memory: { totalBytes: number; freeBytes: number; availableBytes: number };
  load: number[];
  /** macOS: Apple silicon (`sysctl -n hw.optional.arm64` is 1, under Rosetta too); absent elsewhere or when unknown. */
  appleSilicon?: boolean;
  cpus: { count: number; model: string | null };
  uptimeSeconds: number;
}

/**
 * Available memory from `vm_stat` output (macOS): free, inactive, speculative and purgeable pages, at the page size
 * its first line names ("Mach Virtual Memory Statistics: (page size of 16384 bytes)"). Undefined when it is not that.
 */
export function availableFromVmStat(text: string): number | undefined {
  const page = /page size of (\d+) bytes/.exec(text)?.[1];
  if (page === undefined) return undefined;
  let pages = 0;
  for (const name of ['free', 'inactive', 'speculative', 'purgeable']) {
    const m = new RegExp(`^Pages ${name}:\\s+(\\d+)\\.`, 'm').exec(text);
    if (!m) return undefined;
    pages += Number(m[1]);
  }
  return pages * Number(page);
}

/** The output of a macOS tool (found on absolute PATH entries), within 500 ms; undefined when it cannot be had. */
async function toolOutput(name: string, args: string[], path: string | undefined): Promise<string | undefined> {
  const { runTool } = await import('../run-tool.ts');
  const r = await runTool(name, args, { PATH: path }, undefined, 500);
  return r.ok ? r.stdout : undefined;
}

/** Free disk on the file system holding `dir` (its nearest existing ancestor), memory, load. Never throws. */
export async function systemInfo(
  dir: string,
  platformName: string = platform(),
  path: string | undefined = process.env.PATH,
): Promise<SystemInfo> {
  let disk: SystemInfo['disk'] = null;
  for (let at = dir; ; at = dirname(at)) {
    try {
      const s = await statfs(at);
      disk = {
        path: at,
        freeBytes: s.bavail * s.bsize,
        totalBytes: s.blocks * s.bsize,
        ...(platformName === 'darwin' ? { purgeableUncounted: true as const } : {}),
      };
      break;
    } catch {
      if (dirname(at) === at) break;
    }
  }
  const list = cpus();
  const mac = platformName === 'darwin';
  const arm64 = mac ? (await toolOutput('sysctl', ['-n', 'hw.optional.arm64'], path))?.trim() : undefined;
  return {
    ...(arm64 === undefined ? {} : { appleSilicon: arm64 === '1' }),
    disk,
    memory: {
      totalBytes: totalmem(),
      freeBytes: freemem(),
      availableBytes: availableFromVmStat((mac && (await toolOutput('vm_stat', [], path))) || '') ?? freemem(),
    },
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
