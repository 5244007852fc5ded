// The record of what `codexguard install` added, so that uninstall can take exactly that away.
import { readFileSync } from 'node:fs';
import { writeAtomic } from '../private-fs.ts';
import * as z from 'zod/mini';
import { CodexguardError } from '../errors.ts';
import { SHELLS } from './shells.ts';

const FileEntry = z.object({
  path: z.string(),
  shell: z.enum(SHELLS),
  /** install created the file (uninstall deletes it if nothing else was added). */
  created: z.boolean(),
  /** The exact text inserted: a separator (newline / blank line) and the block. */
  prefix: z.string(),
  block: z.string(),
});

const ManifestSchema = z.object({
  version: z.literal(1),
  linksDir: z.string(),
  links: z.array(z.object({ path: z.string(), target: z.string() })),
  files: z.array(FileEntry),
  /** Dirs install created, removed by uninstall if they are empty then. */
  createdDirs: z.array(z.string()),
});

/** What install added: links, blocks in start-up files, created dirs. */
export type Manifest = z.infer<typeof ManifestSchema>;
/** One start-up file's record in the manifest. */
export type FileRecord = z.infer<typeof FileEntry>;

/** The manifest at `path`, undefined if there is none; E_MANIFEST if it is not one. */
export function readManifest(path: string): Manifest | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CodexguardError('E_MANIFEST', `cannot read ${path}: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
  try {
    return ManifestSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new CodexguardError(
      'E_MANIFEST',
      `${path} is not a codexguard install record; move it away and run the command again`,
      undefined,
      { cause: error },
    );
  }
}

/** Writes the manifest atomically (a half-written record would lose what to remove). */
export function writeManifest(path: string, manifest: Manifest): void {
  writeAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
}

/** `entries` replacing same-path entries of `old`, whose others are kept (install for zsh keeps bash's record). */
export function mergeFiles(old: readonly FileRecord[], entries: readonly FileRecord[]): FileRecord[] {
  const paths = new Set(entries.map((e) => e.path));
  return [...old.filter((e) => !paths.has(e.path)), ...entries];
}
