// Sees through the official npm launcher (@openai/codex's bin/codex.js) to its native binary.
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { executableRealpath } from './path-walk.ts';

/** The package managers the launcher tells Codex about, and the env var each sets. */
export const MANAGER_ENV = {
  npm: 'CODEX_MANAGED_BY_NPM',
  bun: 'CODEX_MANAGED_BY_BUN',
  pnpm: 'CODEX_MANAGED_BY_PNPM',
  'vite-plus': 'CODEX_MANAGED_BY_VITE_PLUS',
} as const;
export type Manager = keyof typeof MANAGER_ENV;

const TRIPLES: Record<string, string> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'android-x64': 'x86_64-unknown-linux-musl',
  'android-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
};

/** Rust target triple and platform package for a Node platform/arch, as the launcher maps them. */
export function platformTarget(platform: string, arch: string): { triple: string; pkg: string } | undefined {
  const triple = TRIPLES[`${platform}-${arch}`];
  if (triple === undefined) return undefined;
  const os = platform === 'android' ? 'linux' : platform;
  return { triple, pkg: `@openai/codex-${os}-${arch}` };
}

/** The environment the launcher would give the native binary: the package root and one CODEX_MANAGED_BY_* flag. */
export function managedEnv(env: NodeJS.ProcessEnv, packageRoot: string, manager: Manager): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, CODEX_MANAGED_PACKAGE_ROOT: packageRoot };
  for (const name of Object.values(MANAGER_ENV)) delete out[name];
  out[MANAGER_ENV[manager]] = '1';
  return out;
}

/** What a `codex` found on PATH really is: the npm launcher (with its package root) or something else. */
export function launcherScript(candidatePath: string, realpath: string): { script: string; lexical: string } | undefined {
  if (realpath.endsWith('/bin/codex.js')) return { script: realpath, lexical: candidatePath };
  // pnpm installs a small sh wrapper that execs node on the launcher.
  const head = readHead(realpath, 4096);
  if (!head.startsWith('#!/bin/sh')) return undefined;
  const m = /"\$basedir\/([^"]*@openai\/codex\/bin\/codex\.js)"/.exec(head);
  if (!m?.[1]) return undefined;
  const lexical = resolve(dirname(candidatePath), m[1]);
  try {
    return { script: realpathSync(lexical), lexical };
  } catch {
    return undefined;
  }
}

/** A native binary to start instead of the npm launcher, with the env the launcher would set. */
export interface NativeTarget {
  binary: string;
  packageRoot: string;
  manager: Manager;
}

/**
 * Resolves the launcher at `script` to its platform package's native binary, the
 * way bin/codex.js does. Undefined when the layout is not one we recognise.
 */
export function nativeFromLauncher(script: string, lexical: string, env: NodeJS.ProcessEnv): NativeTarget | undefined {
  const packageRoot = dirname(dirname(script));
  if (!isCodexPackage(packageRoot)) return undefined;
  const target = platformTarget(process.platform, process.arch);
  if (target === undefined) return undefined;
  const pkgJson = findPackageJson(script, target.pkg);
  const vendorRoot = pkgJson ? join(dirname(pkgJson), 'vendor') : join(packageRoot, 'vendor');
  const binary = join(vendorRoot, target.triple, 'bin', 'codex');
  if (executableRealpath(binary) === undefined) return undefined;
  return { binary, packageRoot, manager: detectManager(packageRoot, dirname(lexical), env) };
}

/**
 * Where `require.resolve(pkg + '/package.json')` from `script` lands, as the launcher asks: the
 * node_modules folders up from the script first (Node's own order, a stat each), then Node's resolver
 * for the rest (NODE_PATH, global folders), which costs about a millisecond more to load (Node >= 20.16).
 */
function findPackageJson(script: string, pkg: string): string | undefined {
  for (let dir = dirname(script); ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', pkg, 'package.json');
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) break;
  }
  try {
    // Loaded only here: node:module pulls in Node's ESM loader, which the launch path otherwise never needs.
    return process.getBuiltinModule?.('node:module').createRequire(script).resolve(`${pkg}/package.json`);
  } catch {
    return undefined;
  }
}

function isCodexPackage(root: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown }).name === '@openai/codex';
  } catch {
    return false;
  }
}

function readHead(file: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(bytes);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, bytes, 0));
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The launcher's own package-manager heuristics (bin/codex.js detectPackageManager), defaulting to npm. */
export function detectManager(packageRoot: string, entrypointDir: string, env: NodeJS.ProcessEnv): Manager {
  for (const start of new Set([packageRoot, entrypointDir])) {
    const root = parse(start).root;
    for (let dir = start; dir !== root; dir = dirname(dir)) {
      if (isVitePlusOwned(dir, packageRoot)) return 'vite-plus';
      if (isPnpmOwned(join(dir, 'node_modules'), packageRoot)) return 'pnpm';
    }
    if (isPnpmOwned(join(root, 'node_modules'), packageRoot)) return 'pnpm';
  }
  if (/\bbun\//.test(env.npm_config_user_agent ?? '') || (env.npm_execpath ?? '').includes('bun')) return 'bun';
  if (packageRoot.includes('.bun/install/global')) return 'bun';
  return 'npm';
}

function isPnpmOwned(nodeModules: string, packageRoot: string): boolean {
  if (!existsSync(join(nodeModules, '.modules.yaml'))) return false;
  try {
    return realpathSync(join(nodeModules, '@openai', 'codex')) === packageRoot;
  } catch {
    return false;
  }
}

function isVitePlusOwned(packagesDir: string, packageRoot: string): boolean {
  if (basename(packagesDir) !== 'packages') return false;
  try {
    const meta = JSON.parse(readFileSync(join(packagesDir, '@openai', 'codex.json'), 'utf8')) as { name?: string; installId?: string };
    if (meta.name !== '@openai/codex') return false;
    const id = meta.installId ?? '';
    const installDir = id.startsWith('#') ? join(packagesDir, `@openai/codex${id}`) : join(packagesDir, '@openai/codex', id);
    return [join(installDir, 'lib', 'node_modules'), join(installDir, 'node_modules')].some((nm) => {
      const root = join(nm, '@openai', 'codex');
      return existsSync(root) && realpathSync(root) === packageRoot;
    });
  } catch {
    return false;
  }
}
