// Loads the shim's bundle with a V8 code cache beside it, so a launch skips parsing and compiling it (Node 20 has no compile cache).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { keepInspectorClosed } from './no-inspector.ts';

declare const module: NodeJS.Module & { constructor: ModuleClass };
declare const __dirname: string;

/** The parts of Node's Module class a CommonJS loader needs. */
interface ModuleClass {
  new (id: string, parent?: unknown): NodeJS.Module & { filename: string; loaded: boolean; paths: string[] };
  wrap(source: string): string;
  createRequire(filename: string): NodeJS.Require;
  _cache: Record<string, unknown>;
}

/** Where the code cache of `file` for this process's V8 is kept. */
export function cacheFileOf(file: string): string {
  return `${file}.${process.versions.v8}.v8cache`;
}

/**
 * Runs `file` as the CommonJS module it is, compiled with the cached data in `<file>.<V8 version>.v8cache` when V8
 * accepts it (same source, same V8). When there is none, or V8 rejects it (a new build), a fresh cache is written as
 * the process exits, atomically; a cache that cannot be written is skipped. One file per V8: a user whose shells run
 * two Nodes would otherwise have each reject the other's cache and write its own at every launch.
 */
export function loadWithCodeCache(file: string): void {
  const Module = module.constructor;
  const cacheFile = cacheFileOf(file);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // After the run, so the functions the launch compiled are in it too.
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // A read-only install runs without a cache.
        rmSync(tmp, { force: true });
      }
    });
  }
  const shim = new Module(file, module);
  shim.filename = file;
  shim.paths = module.paths;
  Module._cache[file] = shim;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(shim.exports, shim.exports, Module.createRequire(file), shim, file, join(file, '..'));
  shim.loaded = true;
}

keepInspectorClosed();
loadWithCodeCache(join(__dirname, 'shim.cjs'));
