// Sees through the official npm launcher (@openai/codex's bin/codex.js) to its native binary.
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { joinerOf } from '../path-join.ts';
import { compareVersions } from '../version-order.ts';
import { isExecutableFile } from './path-walk.ts';

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

/** What one generation of bin/codex.js can tell Codex: the managers it detects, and the inherited flags it clears. */
export interface LauncherRules {
  detects: readonly Manager[];
  clears: readonly Manager[];
}

/**
 * The launcher's rules by version, newest first, read from the published launchers
 * (`npm pack @openai/codex@V`, bin/codex.js): up to 0.143 it knows only bun and npm and passes
 * inherited CODEX_MANAGED_BY_* on; 0.144 adds pnpm and clears npm, bun and pnpm; 0.153 adds
 * vite-plus and clears all four. Copies of 0.141, 0.144, 0.169 and 0.171 are in test/fixtures/launchers.
 */
const GENERATIONS: readonly { from: string; rules: LauncherRules }[] = [
  {
    from: '0.153.0',
    rules: { detects: ['vite-plus', 'pnpm', 'bun', 'npm'], clears: ['npm', 'bun', 'pnpm', 'vite-plus'] },
  },
  { from: '0.144.0', rules: { detects: ['pnpm', 'bun', 'npm'], clears: ['npm', 'bun', 'pnpm'] } },
  { from: '0.0.0', rules: { detects: ['bun', 'npm'], clears: [] } },
];

/** The rules of the launcher with this package version; the newest rules when the version is unknown. */
export function launcherRules(version: string | undefined): LauncherRules {
  const newest = GENERATIONS[0]!.rules;
  return GENERATIONS.find((g) => (compareVersions(version, g.from) ?? -1) >= 0)?.rules ?? newest;
}

/** The environment the launcher would give the native binary: the package root and its CODEX_MANAGED_BY_* flag. */
export function managedEnv(
  env: NodeJS.ProcessEnv,
  packageRoot: string,
  manager: Manager,
  rules = launcherRules(undefined),
): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, CODEX_MANAGED_PACKAGE_ROOT: packageRoot };
  for (const name of rules.clears) delete out[MANAGER_ENV[name]];
  out[MANAGER_ENV[manager]] = '1';
  return out;
}

/** What a `codex` found on PATH really is: the npm launcher (with its package root) or something else. */
export function launcherScript(
  candidatePath: string,
  realpath: string,
): { script: string; lexical: string } | undefined {
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
  rules: LauncherRules;
}

/**
 * Resolves the launcher at `script` to its platform package's native binary, the
 * way bin/codex.js does. Undefined when the layout is not one we recognise.
 */
export function nativeFromLauncher(script: string, lexical: string, env: NodeJS.ProcessEnv): NativeTarget | undefined {
  const packageRoot = dirname(dirname(script));
  const pkg = codexPackage(packageRoot);
  if (pkg === undefined) return undefined;
  const target = platformTarget(process.platform, process.arch);
  if (target === undefined) return undefined;
  const pkgJson = findPackageJson(script, target.pkg);
  const vendorRoot = pkgJson ? join(dirname(pkgJson), 'vendor') : join(packageRoot, 'vendor');
  const binary = join(vendorRoot, target.triple, 'bin', 'codex');
  if (!isExecutableFile(binary)) return undefined;
  const rules = launcherRules(pkg.version);
  return { binary, packageRoot, rules, manager: detectManager(packageRoot, dirname(lexical), env, rules) };
}

/**
 * Where `require.resolve(pkg + '/package.json')` from `script` lands, as the launcher asks: the
 * node_modules folders up from the script first (Node's own order, a stat each), then Node's resolver
 * for the rest (NODE_PATH, global folders), which costs about a millisecond more to load (Node >= 20.16).
 */
function findPackageJson(script: string, pkg: string): string | undefined {
  for (let dir = dirname(script); ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = joinerOf(dir)(`node_modules/${pkg}/package.json`);
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

/** The package.json at `root` if it is @openai/codex's, with its version when it has one. */
function codexPackage(root: string): { version: string | undefined } | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    if (pkg.name !== '@openai/codex') return undefined;
    return { version: typeof pkg.version === 'string' ? pkg.version : undefined };
  } catch {
    return undefined;
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

/** The launcher's own package-manager heuristics (bin/codex.js detectPackageManager) for its rules, defaulting to npm. */
export function detectManager(
  packageRoot: string,
  entrypointDir: string,
  env: NodeJS.ProcessEnv,
  rules = launcherRules(undefined),
): Manager {
  const vitePlus = rules.detects.includes('vite-plus');
  if (rules.detects.includes('pnpm')) {
    for (const start of new Set([packageRoot, entrypointDir])) {
      const root = parse(start).root;
      for (let dir = start; dir !== root; dir = dirname(dir)) {
        if (vitePlus && isVitePlusOwned(dir, packageRoot)) return 'vite-plus';
        if (isPnpmOwned(dir, packageRoot)) return 'pnpm';
      }
      if (isPnpmOwned(root, packageRoot)) return 'pnpm';
    }
  }
  if (/\bbun\//.test(env.npm_config_user_agent ?? '') || (env.npm_execpath ?? '').includes('bun')) return 'bun';
  if (packageRoot.includes('.bun/install/global')) return 'bun';
  return 'npm';
}

/** Is `dir`/node_modules a pnpm store whose @openai/codex is `packageRoot`? (pnpm writes node_modules/.modules.yaml.) */
function isPnpmOwned(dir: string, packageRoot: string): boolean {
  const at = joinerOf(dir);
  if (!existsSync(at('node_modules/.modules.yaml'))) return false;
  try {
    return realpathSync(at('node_modules/@openai/codex')) === packageRoot;
  } catch {
    return false;
  }
}

function isVitePlusOwned(packagesDir: string, packageRoot: string): boolean {
  if (basename(packagesDir) !== 'packages') return false;
  try {
    const meta = JSON.parse(readFileSync(join(packagesDir, '@openai', 'codex.json'), 'utf8')) as {
      name?: string;
      installId?: string;
    };
    if (meta.name !== '@openai/codex') return false;
    const id = meta.installId ?? '';
    const installDir = id.startsWith('#')
      ? join(packagesDir, `@openai/codex${id}`)
      : join(packagesDir, '@openai/codex', id);
    return [join(installDir, 'lib', 'node_modules'), join(installDir, 'node_modules')].some((nm) => {
      const root = join(nm, '@openai', 'codex');
      return existsSync(root) && realpathSync(root) === packageRoot;
    });
  } catch {
    return false;
  }
}
