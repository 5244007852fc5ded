// Uninstall's changes: take out exactly what install recorded, delete what it created; safe to repeat.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CodexguardError } from '../errors.ts';
import { removeBlock, type Removal } from './block.ts';
import { removeQuietly } from '../private-fs.ts';
import { asBytes, readText, removeEmptyDirs, removeLink, writeText } from './fsops.ts';
import { dataDir, linksDir, manifestPath, type Env } from './locations.ts';
import { readManifest, type FileRecord } from './manifest.ts';
import { rcFiles, SHELLS } from './shells.ts';

/** What happened to one start-up file: block removed (exactly or between the markers), file deleted, or file gone. */
export interface FileUndo {
  path: string;
  how: Removal | 'deleted' | 'missing';
}

/** What deactivate did, and what it could not do cleanly. */
export interface DeactivateResult {
  files: FileUndo[];
  links: string[];
  dirs: string[];
  manifest: string | undefined;
  warnings: string[];
}

/** The file after removing its record's text (pure): undefined means delete it (install created it, nothing else is in it). */
export function undoFile(
  current: string,
  record: Pick<FileRecord, 'created'> & Partial<FileRecord>,
): { next: string | undefined; how: Removal } {
  const insertion =
    record.block === undefined ? undefined : { prefix: record.prefix ?? '', block: asBytes(record.block) };
  const { content, how } = removeBlock(current, insertion);
  return { next: record.created && content === '' ? undefined : content, how };
}

/** A link is ours if it points at a codexguard bin. */
const ours = (target: string) => /\/bin\/codex(guard)?\.js$/.test(target);

/** Removes what install added; without a record, removes marked blocks from the usual files and our links. */
export function deactivate(env: Env): DeactivateResult {
  const warnings: string[] = [];
  const manifestFile = manifestPath(env);
  let manifest: ReturnType<typeof readManifest> | undefined;
  try {
    manifest = readManifest(manifestFile);
  } catch (error) {
    if (!(error instanceof CodexguardError)) throw error;
    warnings.push(`${error.message}; removing marked blocks from the usual files instead`);
  }
  const records: (Pick<FileRecord, 'path' | 'created'> & Partial<FileRecord>)[] = [...(manifest?.files ?? [])];
  // Blocks in files the record does not name (a lost record, another XDG_DATA_HOME) go too.
  for (const shell of SHELLS) {
    for (const rc of rcFiles(shell, env, existsSync))
      if (!records.some((r) => r.path === rc.path)) records.push({ path: rc.path, created: false });
  }
  const files: FileUndo[] = [];
  for (const record of records) {
    const current = readText(record.path);
    if (current === undefined) {
      if (record.block !== undefined) files.push({ path: record.path, how: 'missing' });
      continue;
    }
    const { next, how } = undoFile(current, record);
    if (next === undefined) {
      removeQuietly(record.path);
      files.push({ path: record.path, how: 'deleted' });
    } else if (next !== current) {
      writeText(record.path, next, false);
      files.push({ path: record.path, how });
    } else if (record.block !== undefined) {
      files.push({ path: record.path, how: 'none' });
    }
  }
  const dir = manifest?.linksDir ?? linksDir(env);
  const linkPaths = manifest?.links.map((l) => l.path) ?? ['codex', 'codexguard'].map((name) => join(dir, name));
  const links = linkPaths.filter((path) => removeLink(path, ours));
  const removedManifest =
    existsSync(manifestFile) && manifest !== undefined && removeQuietly(manifestFile) ? manifestFile : undefined;
  const dirs = removeEmptyDirs(manifest?.createdDirs ?? [dir, dataDir(env)]);
  return { files, links, dirs, manifest: removedManifest, warnings };
}
