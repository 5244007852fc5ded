// Install's changes: the links, the block at the end of each start-up file, and the record of both.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { addBlock, blockText, removeBlock } from './block.ts';
import { asBytes, ensureLink, makeDirs, readText, writeText, type LinkChange } from './fsops.ts';
import { linksDir, linkTargets, manifestPath, type Env } from './locations.ts';
import { mergeFiles, readManifest, writeManifest, type FileRecord } from './manifest.ts';
import { rcFiles, type RcFile, type Shell } from './shells.ts';

/** What happens to one start-up file: added, updated (moved back to the end or rewritten), or unchanged. */
export interface FilePlan {
  rc: RcFile;
  /** The file's bytes now, undefined if it does not exist. */
  current: string | undefined;
  next: string;
  change: 'added' | 'updated' | 'unchanged';
  record: FileRecord;
}

/** Plans one file (pure): take out the previous block exactly, then append the current one at the end. */
export function planFile(rc: RcFile, current: string | undefined, prev: FileRecord | undefined, dir: string): FilePlan {
  const text = current ?? '';
  const block = blockText(rc.syntax, dir);
  const base = removeBlock(text, prev && { prefix: prev.prefix, block: asBytes(prev.block) }).content;
  const { content: next, insertion } = addBlock(base, asBytes(block));
  const change = base === text ? 'added' : next === text ? 'unchanged' : 'updated';
  const record: FileRecord = {
    path: rc.path,
    shell: rc.shell,
    created: prev?.created === true || current === undefined,
    prefix: insertion.prefix,
    block,
  };
  return { rc, current, next, change, record };
}

/** The start-up files of `shells`, each once. */
export function filesFor(shells: readonly Shell[], env: Env): RcFile[] {
  const byPath = new Map<string, RcFile>();
  for (const shell of shells)
    for (const rc of rcFiles(shell, env, existsSync)) if (!byPath.has(rc.path)) byPath.set(rc.path, rc);
  return [...byPath.values()];
}

/** What activate did. */
export interface ActivateResult {
  linksDir: string;
  links: { path: string; target: string; change: LinkChange }[];
  files: FilePlan[];
}

/** Links the bins into the links dir and puts the block at the end of each start-up file of `shells`. */
export function activate(env: Env, shells: readonly Shell[], targets = linkTargets()): ActivateResult {
  const dir = linksDir(env);
  const manifestFile = manifestPath(env);
  const old = readManifest(manifestFile);
  const createdDirs = new Set(old?.createdDirs ?? []);
  const made = (dirs: string[]) => {
    for (const d of dirs) createdDirs.add(d);
  };
  made(makeDirs(dir));
  const links = Object.entries(targets).map(([name, target]) => {
    const path = join(dir, name);
    return { path, target, change: ensureLink(path, target) };
  });
  const plans = filesFor(shells, env).map((rc) =>
    planFile(
      rc,
      readText(rc.path),
      old?.files.find((f) => f.path === rc.path),
      dir,
    ),
  );
  for (const plan of plans) if (plan.current === undefined) made(makeDirs(dirname(plan.rc.path)));
  // The record goes to disk before any start-up file changes, so that nothing is ever added unrecorded.
  writeManifest(manifestFile, {
    version: 1,
    linksDir: dir,
    links: links.map(({ path, target }) => ({ path, target })),
    files: mergeFiles(
      old?.files ?? [],
      plans.map((p) => p.record),
    ),
    createdDirs: [...createdDirs],
  });
  for (const plan of plans)
    if (plan.next !== plan.current) writeText(plan.rc.path, plan.next, plan.current === undefined);
  return { linksDir: dir, links, files: plans };
}
