// Lays the user-level and project-level values over the defaults. Pure. A project may only tighten.
import { formatValue } from './format.ts';
import type { ConfigIssue } from './issues.ts';
import { defaultSources, KEY_NAMES, spec, type Config, type Key, type Source, type Tighten } from './keys.ts';

/** The validated values of one file. */
export interface Layer {
  file: string;
  values: Partial<Config>;
}

/** The effective config, each key's source, and one warning per project value that was ignored. */
export interface Merged {
  config: Config;
  sources: Record<Key, Source>;
  issues: ConfigIssue[];
}

/** Is `next` looser than `current` under `rule`? (Equal is not looser.) */
export function looser(rule: Tighten, next: unknown, current: unknown): boolean {
  if (rule === 'lower') return (next as number) > (current as number);
  if (rule === 'higher') return (next as number) < (current as number);
  if (rule === 'true') return next === false && current === true;
  return rule.indexOf(next as string) < rule.indexOf(current as string);
}

/**
 * defaults ← user ← project. Every key of the user layer applies. From the project layer, keys without
 * a tighten rule (programs, directories, preferences) are ignored, and so are values looser than what
 * applies without the project file, or tighter than the key's project floor; each ignored value is one warning.
 */
export function merge(defaults: Config, user?: Layer, project?: Layer): Merged {
  const config = { ...defaults } as Record<Key, unknown>;
  const sources = defaultSources();
  const issues: ConfigIssue[] = [];
  for (const key of KEY_NAMES) {
    const fromUser = user?.values[key];
    if (user && fromUser !== undefined) [config[key], sources[key]] = [fromUser, user.file];
    const fromProject = project?.values[key];
    if (!project || fromProject === undefined) continue;
    const rule = spec(key).tighten;
    const warn = (message: string) => issues.push({ severity: 'warning', file: project.file, key, message });
    if (rule === undefined) {
      warn(
        'ignored: only a user-level config (~/.codexguardrc, ~/.config/codexguard/config.*, $CODEXGUARD_CONFIG) may set it',
      );
    } else if (spec(key).projectMin !== undefined && (fromProject as number) < spec(key).projectMin!) {
      warn(
        `ignored: a project file may tighten it down to ${formatValue(key, spec(key).projectMin)}, not to ${formatValue(key, fromProject)}`,
      );
    } else if (looser(rule, fromProject, config[key])) {
      const from = sources[key] === 'default' ? 'the default' : 'the user-level config';
      warn(
        `ignored: ${formatValue(key, fromProject)} is looser than ${formatValue(key, config[key])} from ${from}; a project file may only tighten limits`,
      );
    } else if (fromProject !== config[key]) {
      [config[key], sources[key]] = [fromProject, project.file];
    }
  }
  return { config: config as Config, sources, issues };
}
