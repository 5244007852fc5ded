// The slow path of loading: read, validate and merge the files that exist (loaded only when one does).
import type { FoundFile } from './discover.ts';
import type { ConfigIssue } from './issues.ts';
import { defaults } from './keys.ts';
import { merge, type Layer, type Merged } from './merge.ts';
import { readConfigFile } from './read.ts';
import { validate } from './validate.ts';

async function layer(file: FoundFile | undefined, home: string, issues: ConfigIssue[]): Promise<Layer | undefined> {
  if (!file) return undefined;
  const read = await readConfigFile(file.path, file.level);
  if (!read.ok) {
    issues.push(read.issue);
    return undefined;
  }
  const { values, issues: found } = validate(read.raw, file.path, home);
  issues.push(...found);
  return { file: file.path, values };
}

/** Reads the user-level and project-level files and merges them over the defaults; issues in file order. */
export async function mergeFiles(
  user: FoundFile | undefined,
  project: FoundFile | undefined,
  home: string,
): Promise<Merged> {
  const issues: ConfigIssue[] = [];
  const userLayer = await layer(user, home, issues);
  const projectLayer = await layer(project, home, issues);
  const merged = merge(defaults(), userLayer, projectLayer);
  return { ...merged, issues: [...issues, ...merged.issues] };
}
