// Reading the crash dir: list bundles newest first, find one by id (or prefix, or "latest"), read its manifest.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from './manifest.ts';
import { newestFirst, parseBundleId } from './naming.ts';
import { FILES } from './types.ts';

/** One bundle in a listing: its id, path, and manifest (undefined when it cannot be read). */
export interface BundleEntry {
  id: string;
  path: string;
  at: number;
  signal: string;
  manifest?: Manifest;
  pending: boolean;
}

/** Every bundle in `dir`, newest first (a missing dir is an empty list). */
export function listBundles(dir: string): BundleEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return newestFirst(names).map((id) => {
    const path = join(dir, id);
    const parsed = parseBundleId(id)!;
    let manifest: Manifest | undefined;
    try {
      manifest = JSON.parse(readFileSync(join(path, FILES.manifest), 'utf8')) as Manifest;
    } catch {
      manifest = undefined;
    }
    return {
      id,
      path,
      at: parsed.at,
      signal: parsed.signal,
      ...(manifest ? { manifest } : {}),
      pending: existsSync(join(path, FILES.pending)),
    };
  });
}

/** The bundle named by `ref`: an exact id, "latest"/"last", or a unique prefix. Pure over the listing. */
export function findBundle(entries: readonly BundleEntry[], ref: string): { entry?: BundleEntry; error?: string } {
  if (ref === 'latest' || ref === 'last')
    return entries[0] ? { entry: entries[0] } : { error: 'there are no crash bundles' };
  const exact = entries.find((e) => e.id === ref);
  if (exact) return { entry: exact };
  const matches = entries.filter((e) => e.id.startsWith(ref));
  if (matches.length === 1) return { entry: matches[0]! };
  if (matches.length > 1)
    return {
      error: `"${ref}" matches ${matches.length} bundles: ${matches
        .slice(0, 5)
        .map((e) => e.id)
        .join(', ')}`,
    };
  return { error: `no crash bundle "${ref}"` };
}
