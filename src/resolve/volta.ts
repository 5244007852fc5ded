// Sees through Volta's shim (~/.volta/bin/codex → volta-shim) to the codex in Volta's package image.
//
// Volta's shim waits for the tool and exits 1 when it dies of a signal, so a crash behind it is never seen. Volta
// installs a global package with npm into <VOLTA_HOME>/tools/image/packages/<package>/ (bin/ and lib/node_modules/ on
// Unix) and records each binary in <VOLTA_HOME>/tools/user/bins/<bin>.json as {name, package, version, platform,
// manager}: volta-cli/volta, crates/volta-layout/src/v4.rs, crates/volta-core/src/tool/package/{metadata,manager}.rs.
import { statSync } from 'node:fs';
import { basename, dirname, join, parse } from 'node:path';
import { ownedByUser, readRegularFile } from '../safe-read.ts';
import { executableRealpath, type Candidate } from './path-walk.ts';

/** Pure: a `codex` found on PATH that is Volta's shim, and the Volta home it belongs to (the shim sits in <home>/bin). */
export function voltaHomeOf(candidate: Candidate): string | undefined {
  if (basename(candidate.realpath) !== 'volta-shim' || basename(candidate.path) !== 'codex') return undefined;
  const bin = dirname(candidate.path);
  return basename(bin) === 'bin' ? dirname(bin) : undefined;
}

/** Pure: the package image's bin/codex, if the bin config says Volta installed `codex` from @openai/codex. */
export function imageBinFrom(voltaHome: string, binConfig: string): string | undefined {
  let config: { name?: unknown; package?: unknown };
  try {
    config = JSON.parse(binConfig) as typeof config;
  } catch {
    return undefined;
  }
  if (config.name !== 'codex' || config.package !== '@openai/codex') return undefined;
  return join(voltaHome, 'tools', 'image', 'packages', '@openai', 'codex', 'bin', 'codex');
}

/**
 * Volta runs a project's own codex (a dependency in the nearest package.json's folder) instead of the global one.
 * There the shim is left in charge: true when that folder has node_modules/.bin/codex.
 */
function projectHasCodex(cwd: string): boolean {
  const root = parse(cwd).root;
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (statSync(join(dir, 'package.json'), { throwIfNoEntry: false })?.isFile()) {
      return statSync(join(dir, 'node_modules', '.bin', 'codex'), { throwIfNoEntry: false }) !== undefined;
    }
    if (dir === root) return false;
  }
}

/**
 * The image's codex to start in place of Volta's shim, or undefined (not Volta's shim, not a codex Volta installed
 * from @openai/codex, a project's own codex, or a bin config that is not the user's own regular file).
 */
export function voltaImage(candidate: Candidate, cwd = process.cwd()): Candidate | undefined {
  const home = voltaHomeOf(candidate);
  if (home === undefined) return undefined;
  const read = readRegularFile(join(home, 'tools', 'user', 'bins', 'codex.json'), 64 * 1024);
  if (!read.ok || !ownedByUser(read.stats)) return undefined;
  const path = imageBinFrom(home, read.text);
  if (path === undefined || projectHasCodex(cwd)) return undefined;
  const realpath = executableRealpath(path);
  return realpath === undefined ? undefined : { path, realpath };
}
