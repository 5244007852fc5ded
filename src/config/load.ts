// Loads the effective config for a launch: a few stat() calls when no file exists, else read, validate, merge.
import { userHome } from '../node-os.ts';
import { findConfigFiles, type FoundFile } from './discover.ts';
import type { ConfigIssue } from './issues.ts';
import { defaults, defaultSources, type Config, type Key, type Source } from './keys.ts';

/** The effective config, each key's source, the files read, and the lines to print (errors and warnings). */
export interface LoadedConfig {
  config: Config;
  sources: Record<Key, Source>;
  files: FoundFile[];
  issues: ConfigIssue[];
}

/** Where to look; each defaults to this process's (home: $HOME, else the OS's idea of it). */
export interface LoadOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** The process's cwd; a deleted cwd makes process.cwd() throw, and then no project file applies. */
function cwdOr(fallback: string): string {
  try {
    return process.cwd();
  } catch {
    return fallback;
  }
}

/** Never throws: a broken file costs its own values, not the launch. */
export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const home = options.home ?? (env.HOME || userHome());
  const found = findConfigFiles({ cwd: options.cwd ?? cwdOr(home), env, home });
  const files = [found.user, found.project].filter((f): f is FoundFile => f !== undefined);
  if (files.length === 0) return { config: defaults(), sources: defaultSources(), files, issues: found.issues };
  try {
    const { mergeFiles } = await import('./layers.ts');
    const merged = await mergeFiles(found.user, found.project, home);
    return { ...merged, files, issues: [...found.issues, ...merged.issues] };
  } catch (error) {
    const issue: ConfigIssue = {
      severity: 'error',
      file: files[0]!.path,
      message: `could not be loaded (${String(error)}); using the defaults`,
    };
    return { config: defaults(), sources: defaultSources(), files, issues: [...found.issues, issue] };
  }
}
