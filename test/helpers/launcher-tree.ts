// Builds fake installs of the official npm launcher (npm, pnpm, bun, unrecognised) around the fake codex.
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { platformTarget } from '../../src/resolve/npm-launcher.ts';
import { FAKE } from './index.ts';

function put(file: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
}

function exe(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  copyFileSync(FAKE, file);
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
function codexPackages(nodeModules: string, withNative: boolean): { launcher: string; native: string | undefined; packageRoot: string } {
  const packageRoot = join(nodeModules, '@openai', 'codex');
  put(join(packageRoot, 'package.json'), JSON.stringify({ name: '@openai/codex', version: '0.0.0-test', type: 'module', bin: { codex: 'bin/codex.js' } }));
  const launcher = join(packageRoot, 'bin', 'codex.js');
  exe(launcher);
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
export function npmGlobal(prefix: string, withNative = true): LauncherTree {
  const pk = codexPackages(join(prefix, 'lib', 'node_modules'), withNative);
  const binDir = join(prefix, 'bin');
  mkdirSync(binDir, { recursive: true });
  symlinkSync(relative(binDir, pk.launcher), join(binDir, 'codex'));
  return { binDir, ...pk };
}

/** bun's global layout: ~/.bun/install/global/node_modules, with ~/.bun/bin/codex linking to the launcher. */
export function bunGlobal(home: string): LauncherTree {
  const pk = codexPackages(join(home, '.bun', 'install', 'global', 'node_modules'), true);
  const binDir = join(home, '.bun', 'bin');
  mkdirSync(binDir, { recursive: true });
  symlinkSync(pk.launcher, join(binDir, 'codex'));
  return { binDir, ...pk };
}

/** pnpm's global layout: a virtual store under node_modules/.pnpm, .modules.yaml, and an sh wrapper as the bin. */
export function pnpmGlobal(root: string): LauncherTree {
  const store = join(root, 'global', '5', 'node_modules');
  const pk = codexPackages(join(store, '.pnpm', '@openai+codex@0.0.0', 'node_modules'), true);
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
