// Checking activation with the user's own shells: what to run, how to read it, and the verdict (pure).
import { dirname } from 'node:path';
import type { Shell } from './shells.ts';

/** One shell start to check, as a new terminal or login would start it. */
export interface Probe {
  shell: Shell;
  mode: 'interactive' | 'login';
  args: string[];
}

const TAG = '__codexguard_';
// A start-up file may print anything; our lines are tagged and read last.
const SH_PROBE = `printf '\\n${TAG}codex=%s\\n${TAG}path=%s\\n' "$(command -v codex)" "$PATH"`;
// type -p prints nothing for a function; a quoted path variable joins with ':' in fish >= 3.
const FISH_PROBE = `set -l p (type -p codex 2>/dev/null); set -l t (type -t codex 2>/dev/null); printf '\\n${TAG}codex=%s\\n${TAG}kind=%s\\n${TAG}path=%s\\n' "$p" "$t" "$PATH"`;

/** The shell starts to check for `shells`: bash and zsh interactive and login; fish once (config.fish serves both). */
export function probesFor(shells: readonly Shell[]): Probe[] {
  return shells.flatMap((shell): Probe[] =>
    shell === 'fish'
      ? [{ shell, mode: 'login', args: ['-lic', FISH_PROBE] }]
      : [
          { shell, mode: 'interactive', args: ['-ic', SH_PROBE] },
          { shell, mode: 'login', args: ['-lic', SH_PROBE] },
        ],
  );
}

/** What a probe printed: the `codex` the shell would run (a path, or an alias/function text) and its PATH. */
export interface ProbeOutput {
  codex: string;
  kind: string | undefined;
  path: string;
}

/** Reads the tagged lines (the last of each) from a probe's stdout. */
export function parseProbe(stdout: string): ProbeOutput | undefined {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^${TAG}(codex|kind|path)=(.*)$`).exec(line);
    if (m?.[1] !== undefined) values.set(m[1], m[2] ?? '');
  }
  const codex = values.get('codex');
  const path = values.get('path');
  return codex === undefined || path === undefined ? undefined : { codex, kind: values.get('kind'), path };
}

/** What is known after one probe: its output, where its `codex` really is, and the real codex behind the shim. */
export interface ProbeFacts {
  output: ProbeOutput;
  /** realpath of output.codex when it is an existing file. */
  codexRealpath: string | undefined;
  shimRealpath: string;
  /** The real codex the shim would start on that PATH, or why there is none. */
  behind: { found: string; file: string } | { error: string };
  /** The start-up files that hold the block for this shell. */
  files: readonly string[];
}

/** A probe's result: ok, warn (works, but see the text) or problem (the shim is not what `codex` runs). */
export interface Verdict {
  level: 'ok' | 'warn' | 'problem';
  text: string;
}

/** Judges one probe: the shim must be the first `codex`, and a real codex should be behind it. */
export function judge(f: ProbeFacts): Verdict {
  const { codex, kind } = f.output;
  const files = f.files.join(', ');
  if (codex === '' && (kind === 'function' || kind === 'builtin')) {
    return {
      level: 'problem',
      text: `\`codex\` is a fish ${kind} there, so the shim is never run; remove it (functions --erase codex, and its file)`,
    };
  }
  if (codex === '')
    return {
      level: 'problem',
      text: `no \`codex\` found on that shell's PATH; is the codexguard block in ${files} still there? Run \`codexguard install\` again`,
    };
  if (!codex.startsWith('/')) {
    return {
      level: 'problem',
      text: `\`codex\` is an alias or function there (${codex.split('\n')[0]}), so the shim is never run; remove it from your start-up files`,
    };
  }
  if (f.codexRealpath !== f.shimRealpath) {
    return {
      level: 'problem',
      text: `\`codex\` runs ${codex}, not the shim: something run after the codexguard block in ${files} puts ${dirname(codex)} first on PATH; move the block below it (or run \`codexguard install\` again after it)`,
    };
  }
  if ('error' in f.behind) {
    return { level: 'warn', text: `the shim comes first, but finds nothing behind it: ${f.behind.error}` };
  }
  const via = f.behind.file === f.behind.found ? '' : ` (starts ${f.behind.file})`;
  return { level: 'ok', text: `codex → shim, then the real codex ${f.behind.found}${via}` };
}

/** The closing hint: this shell still has its old PATH (or its old command hash). */
export function reloadHint(pathValue: string | undefined, dir: string, action: 'install' | 'uninstall'): string {
  const first = (pathValue ?? '').split(':')[0] === dir;
  if (action === 'uninstall' || first)
    return 'Run `hash -r` (bash/zsh) so this shell forgets where it last found codex, or open a new shell.';
  return 'Open a new shell (or run `exec "$SHELL" -l`) for `codex` to go through the shim; shells already open keep their old PATH.';
}
