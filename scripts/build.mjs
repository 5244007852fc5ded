// Bundles the two entry points into dist/ with esbuild: one file per entry,
// shared chunks for the rare paths (loaded with dynamic import), native and
// optional modules left external.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const out = `dist.tmp-${process.pid}`;

await build({
  entryPoints: { shim: 'src/shim/main.ts', cli: 'src/cli/main.ts' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  external: ['better-sqlite3'],
  define: { __CODEXGUARD_VERSION__: JSON.stringify(pkg.version) },
  // Some bundled CommonJS dependencies call require() on Node built-ins.
  banner: { js: "import{createRequire as __cgReq}from'node:module';const require=__cgReq(import.meta.url);" },
  logLevel: 'warning',
});

// Swap the new dist in with renames, so a test running meanwhile never sees it half-written.
const old = `dist.old-${process.pid}`;
try {
  renameSync('dist', old);
} catch {
  // No previous build.
}
renameSync(out, 'dist');
rmSync(old, { recursive: true, force: true });
