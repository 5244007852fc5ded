// `crashes pack`: one bundle as a .tar.gz (tar v7), written exclusively with mode 0600; without pending.json (bookkeeping that holds $PATH).
import { createWriteStream } from 'node:fs';
import { basename, dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Writes `bundle` (a directory) to `out` as gzip'd tar with the bundle's id as its top folder; fails if `out` exists. */
export async function packBundle(bundle: string, out: string): Promise<void> {
  const tar = await import('tar');
  const stream = tar.create(
    {
      gzip: true,
      cwd: dirname(bundle),
      portable: true,
      filter: (p) => !/(^|\/)\.|\.tmp-|^\/pending\.json$/.test(p.slice(basename(bundle).length)),
    },
    [basename(bundle)],
  );
  await pipeline(stream as unknown as NodeJS.ReadableStream, createWriteStream(out, { flags: 'wx', mode: 0o600 }));
}
