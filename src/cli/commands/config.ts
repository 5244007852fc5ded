// `codexguard config [--json]`: the effective config, where each value came from, and the files' problems.
import { homedir } from 'node:os';
import { formatValue } from '../../config/format.ts';
import { formatIssue, hasErrors, tildify } from '../../config/issues.ts';
import { KEY_NAMES } from '../../config/keys.ts';
import { loadConfig, type LoadedConfig } from '../../config/load.ts';

/** The stable shape printed by `--json` (version 1): raw values (bytes, ms, null for an unset path), sources, files, issues. */
function json(loaded: LoadedConfig, home: string): string {
  const { config, sources, files, issues } = loaded;
  return `${JSON.stringify(
    {
      version: 1,
      ok: !hasErrors(issues),
      files,
      config: Object.fromEntries(KEY_NAMES.map((k) => [k, config[k]])),
      sources: Object.fromEntries(KEY_NAMES.map((k) => [k, sources[k]])),
      issues: issues.map((issue) => ({ ...issue, line: formatIssue(issue, home) })),
    },
    null,
    2,
  )}\n`;
}

function table(loaded: LoadedConfig, home: string): string {
  const rows = [
    ['KEY', 'VALUE', 'SOURCE'],
    ...KEY_NAMES.map((k) => [k, formatValue(k, loaded.config[k]), tildify(loaded.sources[k], home)]),
  ];
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map(
    ([key, value, source]) => `${key!.padEnd(widths[0]!)}  ${value!.padEnd(widths[1]!)}  ${source}`,
  );
  const files = loaded.files.length
    ? loaded.files.map((f) => `  ${f.level.padEnd(8)} ${tildify(f.path, home)}`)
    : ['  (none: every value is the default)'];
  return `${lines.join('\n')}\n\nfiles:\n${files.join('\n')}\n`;
}

/** Prints the config (a table, or JSON with --json) and the issue lines on stderr; 1 when any file has errors. */
export async function run(options: { json?: boolean } = {}): Promise<number> {
  const home = process.env.HOME || homedir();
  const loaded = await loadConfig({ home });
  for (const issue of loaded.issues) process.stderr.write(`${formatIssue(issue, home)}\n`);
  process.stdout.write(options.json ? json(loaded, home) : table(loaded, home));
  return hasErrors(loaded.issues) ? 1 : 0;
}
