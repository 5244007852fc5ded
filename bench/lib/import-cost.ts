// What importing a package costs a fresh Node process: from node_modules (ESM) or bundled the way the shim is (CommonJS).
import { statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Variant } from './paired.ts';

/** The reference variants: Node itself (`node -e 0`), an empty CommonJS script, and an empty ES module (Node's ESM loader). */
export function baselineVariants(dir: string, env: NodeJS.ProcessEnv): Variant[] {
  writeFileSync(join(dir, 'empty.cjs'), '');
  writeFileSync(join(dir, 'empty.mjs'), 'export {};\n');
  return [
    { name: 'node -e 0', file: process.execPath, args: ['-e', '0'], env },
    { name: 'empty CommonJS script', file: process.execPath, args: [join(dir, 'empty.cjs')], env },
    { name: 'empty ES module', file: process.execPath, args: [join(dir, 'empty.mjs')], env },
  ];
}

/**
 * Two variants that load `specifier` and keep a reference to it:
 * an ES module importing it from node_modules, and an esbuild CommonJS bundle of the same import
 * (resolved from `root`). Returns them with the bundle's size in bytes.
 */
export async function importVariants(
  dir: string,
  root: string,
  specifier: string,
  env: NodeJS.ProcessEnv,
): Promise<{ variants: Variant[]; bundleBytes: number }> {
  const url = pathToFileURL(createRequire(join(root, 'package.json')).resolve(specifier)).href;
  const slug = specifier.replace(/\W+/g, '-');
  const unbundled = join(dir, `${slug}.mjs`);
  writeFileSync(unbundled, `import * as m from ${JSON.stringify(url)};\nglobalThis.__kept = m;\n`);
  const bundled = join(dir, `${slug}.bundle.cjs`);
  await build({
    stdin: {
      contents: `import * as m from ${JSON.stringify(specifier)};\nglobalThis.__kept = m;\n`,
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    outfile: bundled,
    logLevel: 'error',
  });
  return {
    variants: [
      { name: `${specifier} from node_modules (ESM)`, file: process.execPath, args: [unbundled], env },
      { name: `${specifier} bundled (esbuild, CommonJS)`, file: process.execPath, args: [bundled], env },
    ],
    bundleBytes: statSync(bundled).size,
  };
}
