// doctor's judgments on activation (pure): is the shim the `codex` the user's shells run, and which real codex is behind it.
import { basename } from 'node:path';
import { notOk, ok, type Check } from './report.ts';

/** One shell start that was probed, with `codexguard install`'s own verdict on it. */
export interface ProbeVerdict {
  shell: string;
  mode: string;
  level: 'ok' | 'warn' | 'problem';
  text: string;
}

/** What is known about PATH order. */
export interface PathFacts {
  /** From install's record: the shells it set up and its links dir; an error if the record is unreadable; undefined without one. */
  installed: { shells: string[]; linksDir: string } | { error: string } | undefined;
  /** One verdict per probed shell start (empty when nothing was installed). */
  probes: ProbeVerdict[];
  /** This process's PATH: the first `codex` on it, and whether that is the shim. */
  current: { codex: string | undefined; isShim: boolean };
}

const label = (p: ProbeVerdict) => `${p.shell} (${p.mode})`;

/** Splits install's verdict text ("what is wrong; what to do") into a summary and a fix. */
export function splitAdvice(text: string, fallback: string): { summary: string; fix: string } {
  const at = text.lastIndexOf('; ');
  return at < 0 ? { summary: text, fix: fallback } : { summary: text.slice(0, at), fix: text.slice(at + 2) };
}

/** The `path` check: every shell install set up must run the shim as `codex`, and so should this shell. */
export function judgePath(f: PathFacts): Check {
  const details = { installed: f.installed, probes: f.probes, current: f.current };
  if (f.installed && 'error' in f.installed)
    return notOk('path', 'fail', f.installed.error, 'codexguard install', details);
  if (!f.installed || f.installed.shells.length === 0) {
    if (f.current.isShim)
      return ok(
        'path',
        'the shim is the first `codex` on this PATH (set up without `codexguard install`, so no other shell was checked)',
        details,
      );
    const runs = f.current.codex ? `\`codex\` runs ${f.current.codex}` : 'there is no `codex` on this PATH';
    return notOk('path', 'fail', `the shim is not installed: ${runs}`, 'codexguard install', details);
  }
  const reinstall = `codexguard install --shell ${f.installed.shells.join(',')}`;
  for (const level of ['problem', 'warn'] as const) {
    const bad = f.probes.filter((p) => p.level === level);
    if (bad.length === 0) continue;
    const { summary, fix } = splitAdvice(bad[0]!.text, reinstall);
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more shell start${bad.length > 2 ? 's' : ''})` : '';
    return notOk('path', level === 'problem' ? 'fail' : 'warn', `${label(bad[0]!)}: ${summary}${more}`, fix, details);
  }
  const shells = f.probes.map(label).join(', ');
  if (!f.current.isShim) {
    return notOk(
      'path',
      'warn',
      `new shells run the shim (${shells}), but this one's PATH does not: it was started before install`,
      'open a new shell, or run `exec "$SHELL" -l`',
      details,
    );
  }
  return ok('path', `\`codex\` is the shim in ${shells || 'this shell'}`, details);
}

/** Which real codex the shim would start from here, and what its `--version` said. */
export interface RealCodexFacts {
  resolved:
    | {
        found: string;
        file: string;
        kind: 'native' | 'npm-native' | 'launcher';
        source: string;
        realpath?: string;
        volta?: string;
      }
    | { error: string; code: string };
  version?: { text: string } | { error: string };
}

/** The `real-codex` check: the shim must find a real codex, and that codex must answer `--version`. */
export function judgeRealCodex(f: RealCodexFacts): Check {
  const r = f.resolved;
  if ('error' in r) {
    if (r.code === 'E_NOT_FOUND') {
      // "no real codex found on PATH (searched …); install Codex or set …": the advice goes into the fix.
      const { summary } = splitAdvice(r.error, '');
      return notOk(
        'real-codex',
        'fail',
        `nothing behind the shim: ${summary}`,
        'install Codex (`npm install -g @openai/codex`), or set codexPath in ~/.codexguardrc',
        { code: r.code },
      );
    }
    return notOk(
      'real-codex',
      'fail',
      r.error,
      'point codexPath in ~/.codexguardrc (or CODEXGUARD_REAL_CODEX) at the real codex binary',
      { code: r.code },
    );
  }
  const details: Record<string, unknown> = {
    found: r.found,
    file: r.file,
    kind: r.kind,
    source: r.source,
    ...(r.volta ? { volta: r.volta } : {}),
  };
  const volta = r.volta ? `Volta's package image, ` : '';
  const via =
    r.kind === 'npm-native'
      ? ` (${volta}the npm launcher's binary ${r.file}, started directly)`
      : r.kind === 'launcher'
        ? ` (${volta}an npm launcher started as is)`
        : r.volta
          ? ` (Volta's package image: ${r.file})`
          : '';
  const from = r.source === 'PATH' ? '' : `, from ${r.source}`;
  if (!f.version || 'error' in f.version) {
    const why = f.version ? f.version.error : 'not run';
    return notOk(
      'real-codex',
      'warn',
      `${r.found}${via}${from} does not answer --version: ${why}`,
      `run \`${r.file} --version\` to see why`,
      details,
    );
  }
  details.version = f.version.text;
  // Volta's shims (~/.volta/bin/codex → volta-shim) turn a death by signal into exit 1, so a crash behind one looks
  // like an ordinary failure: no crash line, no bundle, no restart. The shim sees through to Volta's package image
  // when it can; this is what is left (a project's own codex, or an image it does not recognise).
  if (r.realpath !== undefined && basename(r.realpath) === 'volta-shim') {
    return notOk(
      'real-codex',
      'warn',
      `${f.version.text} at ${r.found}, Volta's shim: it reports a crash of codex as exit 1, so codexguard never sees the crash`,
      "set codexPath in ~/.codexguardrc to the codex in Volta's package image (`volta which codex`)",
      details,
    );
  }
  return ok('real-codex', `${f.version.text} at ${r.found}${via}${from}`, details);
}
