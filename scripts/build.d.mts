// Types for scripts/build.mjs, so that benches and tests can build the way dist/ is built.
import type { BuildOptions, Metafile } from 'esbuild';

/** The repository root. */
export const ROOT: string;
/** esbuild options for the shim's split ESM stage (before each file is turned into CommonJS). */
export function shimOptions(outdir: string): BuildOptions;
/** esbuild options for the CLI's bundle. */
export function cliOptions(outdir: string): BuildOptions;
/** Builds the shim into `outdir` (CommonJS files); returns the metafile of the split ESM stage. */
export function buildShim(outdir: string): Promise<Metafile>;
/** Builds the CLI into `outdir`; returns its metafile. */
export function buildCli(outdir: string): Promise<Metafile>;
