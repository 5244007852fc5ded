// Bundles the two entry points into dist/ with esbuild.
//
// The shim (src/shim/main.ts → dist/shim.cjs) is the hot path of every `codex`, so it is CommonJS:
// on Node 20, loading any ES module first boots Node's ESM loader, about 4-5 ms that `npm run bench`
// shows on every launch. Its rare paths (dynamic import()) still land in separate files: esbuild
// splits the shim as ESM (so no module is ever duplicated between the entry and its lazy chunks),
// then each output file is converted to CommonJS on its own.
//
// The CLI (src/cli/main.ts → dist/cli.js) stays ESM with shared chunks for its lazy commands.
// Native and optional modules are left external.
import { build, transform } from 'esbuild';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root: entry points and outdirs are relative to it, wherever the build is started from. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** esbuild options both bundles share. */
const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  // typescript: cosmiconfig's TS loader, which codexguard never uses.
  external: ['better-sqlite3', 'typescript'],
  define: { __CODEXGUARD_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

/** Options for the shim's bundle (ESM, split, `.cjs` names), before the per-file CommonJS pass. */
export function shimOptions(outdir) {
  return {
    ...common,
    entryPoints: { shim: 'src/shim/main.ts' },
    outdir,
    splitting: true,
    format: 'esm',
    outExtension: { '.js': '.cjs' },
    chunkNames: 'shim-[name]-[hash]',
  };
}

/** Options for the CLI's bundle: ESM with shared chunks for the lazily loaded commands. */
export function cliOptions(outdir) {
  return {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir,
    splitting: true,
    format: 'esm',
    chunkNames: 'cli-[name]-[hash]',
    // Some bundled CommonJS dependencies call require() on Node built-ins.
    banner: { js: "import{createRequire as __cgReq}from'node:module';const require=__cgReq(import.meta.url);" },
  };
}

/** Rewrites one ESM output file of the shim as CommonJS in place; import.meta.url becomes the file's own URL. */
async function toCommonJs(file) {
  const source = readFileSync(file, 'utf8');
  const usesMeta = source.includes('import.meta');
  const out = await transform(source, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    define: usesMeta
      ? { 'import.meta.url': '__cgMetaUrl', 'import.meta.filename': '__filename', 'import.meta.dirname': '__dirname' }
      : {},
    banner: usesMeta ? 'var __cgMetaUrl=require("node:url").pathToFileURL(__filename).href;' : '',
    logLevel: 'silent',
  });
  // Anything esbuild could not carry over (another import.meta use, say) would break at run time.
  if (out.warnings.length > 0) throw new Error(`${file}: ${out.warnings.map((w) => w.text).join('; ')}`);
  // Lazy chunks and external modules (better-sqlite3) load with require(), not import(): import() of a
  // CommonJS file boots Node's ESM loader and lexes the whole file for its exports (tens of ms).
  // Same namespace as import() gives: our chunks carry __esModule; a plain CommonJS module becomes its default.
  const load =
    'Promise.resolve().then(()=>{var m=require($1);return m&&m.__esModule?m:Object.assign({},m,{default:m})})';
  writeFileSync(file, out.code.replace(/\bimport\(("[^"]+")\)/g, load));
}

/**
 * Defines __cgInline(name, body): runs a chunk's CommonJS body as the module `name` beside this file, registered in
 * require.cache. Node built-ins load once, through process.getBuiltinModule where there is one: each require() of
 * one goes through Module._load (resolution, hooks, watch mode), and the hot path asks for node:fs and node:path
 * in every chunk, about 30 times.
 */
const INLINE_PRELUDE =
  'var __cgHot={},__cgR=require,__cgB={};function __cgReq(i){return i.startsWith("node:")?__cgB[i]||(__cgB[i]=process.getBuiltinModule?.(i)||__cgR(i)):__cgR(i)}' +
  'function __cgInline(n,f){var p=__dirname+n.slice(1),m=new module.constructor(p,module);' +
  'm.filename=p;m.paths=module.paths;__cgR.cache[p]=m;f.call(m.exports,m.exports,__cgReq,m,p,__dirname);m.loaded=!0;return __cgHot[n]=m.exports}\n';

/** The chunks that `key` imports statically, transitively, dependencies first. */
function staticChunks(outputs, key, seen = new Set()) {
  const order = [];
  for (const imp of outputs[key].imports) {
    if (imp.kind !== 'import-statement' || imp.external || seen.has(imp.path)) continue;
    seen.add(imp.path);
    order.push(...staticChunks(outputs, imp.path, seen), imp.path);
  }
  return order;
}

/** Output `key`'s CommonJS code with each static chunk import `require("./<chunk>")` turned into that chunk's inlined exports. */
function rewired(outputs, key) {
  let code = readFileSync(resolve(ROOT, key), 'utf8');
  for (const imp of outputs[key].imports) {
    if (imp.kind !== 'import-statement' || imp.external) continue;
    const call = `require("./${basename(imp.path)}")`;
    // esbuild's CommonJS output always spells it this way; if that ever changes, fail the build rather than the shim.
    if (!code.includes(call)) throw new Error(`${key}: cannot find ${call} to inline`);
    code = code.replaceAll(call, `__cgHot["./${basename(imp.path)}"]`);
  }
  return code;
}

/**
 * Makes the shim's hot path one file: the chunks the entry imports statically (code it shares with
 * its lazy chunks) are copied into the entry and evaluated first, as ESM would, each registered in
 * require.cache under its own file name, so a lazy chunk that requires one gets the same instance.
 * The chunk files stay on disk for the lazy chunks to resolve; the hot path never reads them.
 */
function inlineHotChunks(outputs, entry) {
  const chunks = staticChunks(outputs, entry);
  if (chunks.length === 0) return;
  const bodies = chunks.map(
    (key) =>
      `__cgInline("./${basename(key)}",function(exports,require,module,__filename,__dirname){${rewired(outputs, key)}\n});\n`,
  );
  writeFileSync(
    resolve(ROOT, entry),
    `${INLINE_PRELUDE}${bodies.join('')}require=__cgReq;\n${rewired(outputs, entry)}`,
  );
}

/** Builds the shim into `outdir` as CommonJS files; returns esbuild's metafile of the split ESM stage. */
export async function buildShim(outdir) {
  const result = await build({ ...shimOptions(outdir), metafile: true });
  const outputs = result.metafile.outputs;
  for (const file of Object.keys(outputs)) await toCommonJs(resolve(ROOT, file));
  const entry = Object.keys(outputs).find(
    (key) => outputs[key].entryPoint !== undefined && basename(key) === 'shim.cjs',
  );
  inlineHotChunks(outputs, entry);
  return result.metafile;
}

/** Builds the shim's boot loader (`boot.cjs`: loads shim.cjs with a V8 code cache) into `outdir`. */
export async function buildBoot(outdir) {
  await build({
    ...common,
    entryPoints: { boot: 'src/boot/code-cache.ts' },
    outdir,
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
  });
}

/** Builds the CLI into `outdir`; returns esbuild's metafile. */
export async function buildCli(outdir) {
  return (await build({ ...cliOptions(outdir), metafile: true })).metafile;
}

/** Builds both into a fresh directory, then swaps it in for dist/ with renames. */
async function main() {
  const out = join(ROOT, `dist.tmp-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  await buildShim(out);
  await buildBoot(out);
  await buildCli(out);
  // So a test running meanwhile never sees dist/ half-written.
  const old = join(ROOT, `dist.old-${process.pid}`);
  try {
    renameSync(join(ROOT, 'dist'), old);
  } catch {
    // No previous build.
  }
  renameSync(out, join(ROOT, 'dist'));
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
