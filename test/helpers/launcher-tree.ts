// Builds fake installs of the official npm launcher (npm, pnpm, bun, unrecognised) around the fake codex.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { platformTarget } from '../../src/resolve/npm-launcher.ts';
import { FAKE, REPO } from './index.ts';

/** Copies of the official launchers (bin/codex.js) of these versions, from `npm pack @openai/codex@V` (Apache-2.0). */
export const LAUNCHERS_DIR = join(REPO, 'test', 'fixtures', 'launchers');
export const LAUNCHER_VERSIONS = readdirSync(LAUNCHERS_DIR)
  .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

/** What a fake install is made of: the package version it claims, and the launcher script (the fake codex by default, or a real one). */
export interface TreeOptions {
  version?: string;
  launcher?: string;
}

function put(file: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
}

function exe(file: string, from = FAKE): void {
  mkdirSync(dirname(file), { recursive: true });
  copyFileSync(from, file);
  chmodSync(file, 0o755);
}

/** Paths of a fake launcher install: the `codex` to put on PATH, the launcher script, the native binary (if any), the package root. */
export interface LauncherTree {
  binDir: string;
  launcher: string;
  native: string | undefined;
  packageRoot: string;
}

/** Lays out @openai/codex and its platform package under `nodeModules`, as npm or bun would (hoisted siblings). */
function codexPackages(
  nodeModules: string,
  withNative: boolean,
  opts: TreeOptions = {},
): { launcher: string; native: string | undefined; packageRoot: string } {
  const packageRoot = join(nodeModules, '@openai', 'codex');
  const version = opts.version ?? LAUNCHER_VERSIONS.at(-1)!;
  put(
    join(packageRoot, 'package.json'),
    JSON.stringify({ name: '@openai/codex', version, type: 'module', bin: { codex: 'bin/codex.js' } }),
  );
  const launcher = join(packageRoot, 'bin', 'codex.js');
  exe(launcher, opts.launcher);
  const target = platformTarget(process.platform, process.arch)!;
  let native: string | undefined;
  if (withNative) {
    const platformRoot = join(nodeModules, ...target.pkg.split('/'));
    put(join(platformRoot, 'package.json'), JSON.stringify({ name: '@openai/codex', version: '0.0.0-test-platform' }));
    native = join(platformRoot, 'vendor', target.triple, 'bin', 'codex');
    exe(native);
  }
  return { launcher, native, packageRoot };
}

/** An npm global prefix: prefix/lib/node_modules/@openai/codex, and prefix/bin/codex linking to its launcher. */
export function npmGlobal(prefix: string, withNative = true, opts: TreeOptions = {}): LauncherTree {
  const pk = codexPackages(join(prefix, 'lib', 'node_modules'), withNative, opts);
  const binDir = join(prefix, 'bin');
  mkdirSync(binDir, { recursive: true });
  symlinkSync(relative(binDir, pk.launcher), join(binDir, 'codex'));
  return { binDir, ...pk };
}

/** bun's global layout: ~/.bun/install/global/node_modules, with ~/.bun/bin/codex linking to the launcher. */
export function bunGlobal(home: string, opts: TreeOptions = {}): LauncherTree {
  const pk = codexPackages(join(home, '.bun', 'install', 'global', 'node_modules'), true, opts);
  const binDir = join(home, '.bun', 'bin');
  mkdirSync(binDir, { recursive: true });
  symlinkSync(pk.launcher, join(binDir, 'codex'));
  return { binDir, ...pk };
}

/** pnpm's global layout: a virtual store under node_modules/.pnpm, .modules.yaml, and an sh wrapper as the bin. */
export function pnpmGlobal(root: string, opts: TreeOptions = {}): LauncherTree {
  const store = join(root, 'global', '5', 'node_modules');
  const pk = codexPackages(join(store, '.pnpm', '@openai+codex@0.0.0', 'node_modules'), true, opts);
  put(join(store, '.modules.yaml'), 'layoutVersion: 5\n');
  mkdirSync(join(store, '@openai'), { recursive: true });
  symlinkSync(pk.packageRoot, join(store, '@openai', 'codex'));
  const binDir = root;
  put(
    join(binDir, 'codex'),
    [
      '#!/bin/sh',
      'basedir=$(dirname "$(echo "$0" | sed -e \'s,\\\\,/,g\')")',
      'if [ -x "$basedir/node" ]; then',
      '  exec "$basedir/node"  "$basedir/global/5/node_modules/@openai/codex/bin/codex.js" "$@"',
      'else',
      '  exec node  "$basedir/global/5/node_modules/@openai/codex/bin/codex.js" "$@"',
      'fi',
      '',
    ].join('\n'),
    0o755,
  );
  return { binDir, ...pk };
}

/**
 * Volta's layout (volta-cli/volta, crates/volta-layout/src/v4.rs and tool/package/metadata.rs): <home>/bin/codex links
 * to <home>/bin/volta-shim; npm installs the package into <home>/tools/image/packages/@openai/codex (bin/, lib/node_modules/);
 * <home>/tools/user/bins/codex.json records the binary. The stand-in shim does what Volta's does to a death by a
 * signal: it runs the image's codex and exits 1 (and it marks the env, so a test can tell it ran).
 */
export function voltaGlobal(
  home: string,
  opts: TreeOptions & { binConfig?: object } = {},
): LauncherTree & { home: string } {
  const tree = npmGlobal(join(home, 'tools', 'image', 'packages', '@openai', 'codex'), true, opts);
  const binDir = join(home, 'bin');
  put(
    join(binDir, 'volta-shim'),
    `#!/bin/sh\nVOLTA_SHIM_RAN=1 "${join(tree.binDir, 'codex')}" "$@"\nstatus=$?\n[ "$status" -gt 128 ] && exit 1\nexit "$status"\n`,
    0o755,
  );
  symlinkSync('volta-shim', join(binDir, 'codex'));
  const binConfig = opts.binConfig ?? {
    name: 'codex',
    package: '@openai/codex',
    version: opts.version ?? LAUNCHER_VERSIONS.at(-1)!,
    platform: { node: '22.12.0', npm: null, yarn: null },
    manager: 'Npm',
  };
  put(join(home, 'tools', 'user', 'bins', 'codex.json'), JSON.stringify(binConfig, null, 2));
  return { ...tree, binDir, home };
}
