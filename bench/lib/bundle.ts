// Reads an esbuild metafile: which output files an entry loads before it runs, and what is in them.
import { statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, resolve } from 'node:path';
import type { Metafile } from 'esbuild';

/** One output file on (or off) the hot path, with its size on disk. */
export interface OutputFile {
  file: string;
  bytes: number;
}

/** What an entry costs to load: its file, the chunks it imports statically, the lazy ones, bare packages it requires, biggest inputs. */
export interface HotPath {
  entry: OutputFile;
  /** Chunks the entry imports statically (scripts/build.mjs copies them into the entry: not read at start-up). */
  chunks: OutputFile[];
  lazy: OutputFile[];
  /** Non-builtin externals the hot files load at start-up (e.g. a native module): should be none. */
  externals: string[];
  /** The inputs that weigh most in the hot files, grouped by package or source file. */
  inputs: { input: string; bytes: number }[];
}

/** `node_modules/.pnpm/x/node_modules/@scope/pkg/lib/a.js` → `@scope/pkg`; a source file stays as it is. */
function group(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Follows static imports from the output whose entryPoint is `entry`; sizes are read from `root` (files as finally written). */
export function hotPath(meta: Metafile, root: string, entry: string): HotPath {
  const outputs = meta.outputs;
  const start = Object.keys(outputs).find((k) => outputs[k]!.entryPoint === entry);
  if (start === undefined) throw new Error(`no output for entry ${entry}`);
  const hot = new Set<string>();
  const externals = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (hot.has(key)) continue;
    hot.add(key);
    for (const imp of outputs[key]!.imports) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) {
        if (!isBuiltin(imp.path)) externals.add(imp.path);
      } else queue.push(imp.path);
    }
  }
  const file = (key: string): OutputFile => ({ file: basename(key), bytes: statSync(resolve(root, key)).size });
  const weights = new Map<string, number>();
  for (const key of hot) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[key]!.inputs))
      weights.set(group(input), (weights.get(group(input)) ?? 0) + bytesInOutput);
  }
  return {
    entry: file(start),
    chunks: [...hot].filter((k) => k !== start).map(file),
    lazy: Object.keys(outputs)
      .filter((k) => !hot.has(k))
      .map(file),
    externals: [...externals],
    inputs: [...weights].map(([input, bytes]) => ({ input, bytes })).sort((a, b) => b.bytes - a.bytes),
  };
}
