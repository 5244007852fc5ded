// `codexguard crashes [--json]`, `crashes show|report|pack <id>`: the crash bundles in crash.dir.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { finishAllPending, finishPending } from '../../bundle/pending.ts';
import { humanDuration } from '../../human.ts';
import { findBundle, listBundles, type BundleEntry } from '../../bundle/store.ts';
import { FILES } from '../../bundle/types.ts';
import { defaultCrashDir } from '../../bundle/write.ts';
import { tildify } from '../../config/issues.ts';
import { loadConfig } from '../../config/load.ts';
import { CodexguardError } from '../../errors.ts';

const out = (text: string) => process.stdout.write(text);
const when = (at: number) =>
  new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, 'Z');

/** The crash dir: config `crash.dir`, else CODEX_HOME/codexguard/crashes. */
async function crashDir(): Promise<string> {
  const { config } = await loadConfig();
  return config['crash.dir'] ?? defaultCrashDir();
}

/** The bundles, after finishing any whose OS report arrived late. */
async function bundles(dir: string): Promise<BundleEntry[]> {
  await finishAllPending(dir);
  return listBundles(dir);
}

async function one(ref: string): Promise<BundleEntry> {
  const found = findBundle(await bundles(await crashDir()), ref);
  if (!found.entry) throw new CodexguardError('E_NO_BUNDLE', `${found.error} (see \`codexguard crashes\`)`);
  return found.entry;
}

/** Lists the bundles, newest first: a table, or JSON with --json. */
export async function run(options: { json?: boolean } = {}): Promise<number> {
  const dir = await crashDir();
  const list = await bundles(dir);
  if (options.json) {
    out(
      `${JSON.stringify({ version: 1, dir, bundles: list.map((b) => ({ id: b.id, path: b.path, at: new Date(b.at).toISOString(), signal: b.signal, codexVersion: b.manifest?.codex.version ?? null, likelyCause: b.manifest?.likelyCause ?? null, pending: b.pending })) }, null, 2)}\n`,
    );
    return 0;
  }
  if (list.length === 0) {
    out(`No crash bundles in ${tildify(dir, homedir())}.\n`);
    return 0;
  }
  const rows = [['ID', 'WHEN (UTC)', 'SIGNAL', 'CODEX', 'LIKELY CAUSE']];
  for (const b of list) {
    const cause = b.manifest
      ? b.manifest.likelyCause.id === 'unknown'
        ? 'unknown'
        : `${b.manifest.likelyCause.title} (${b.manifest.likelyCause.confidence})`
      : '(unreadable manifest)';
    rows.push([
      b.id,
      when(b.at),
      b.signal,
      b.manifest?.codex.version ?? '?',
      `${cause}${b.pending ? ' [OS report pending]' : ''}`,
    ]);
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  out(
    `${rows.map((r) => r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  ')).join('\n')}\n\n${list.length} bundle(s) in ${tildify(dir, homedir())}\n`,
  );
  return 0;
}

/** Shows one bundle: the manifest's summary and its files (the manifest itself with --json). */
export async function show(ref: string, options: { json?: boolean } = {}): Promise<number> {
  const b = await one(ref);
  const m = b.manifest;
  if (options.json) {
    out(`${JSON.stringify(m ?? null, null, 2)}\n`);
    return m ? 0 : 1;
  }
  const lines = [`${b.id}  (${tildify(b.path, homedir())})`];
  if (m) {
    lines.push(
      `  signal      ${m.signal}${m.exitCode === null ? '' : ` (exit status ${m.exitCode})`}${m.pid === null ? '' : `, pid ${m.pid}`}`,
      `  when        ${m.times.endedAt}${m.times.uptimeMs === null ? '' : `, after ${humanDuration(m.times.uptimeMs)}`}`,
      `  codex       ${m.codex.version ?? 'version unknown'}  ${m.codex.path ?? ''}`,
      `  command     codex ${m.argv.join(' ')}`,
      `  cwd         ${m.cwd}`,
      `  platform    ${m.platform.platform} ${m.platform.osRelease} ${m.platform.arch}, node ${m.platform.node}, codexguard ${m.codexguard}`,
      `  cause       ${m.likelyCause.title}${m.likelyCause.id === 'unknown' ? '' : ` (${m.likelyCause.confidence} confidence)`}`,
      `  OS report   ${m.osReports}`,
      ...m.warnings.map((w) => `  warning     ${w}`),
    );
  } else lines.push('  (manifest.json is missing or unreadable)');
  lines.push('  files');
  for (const f of m?.files ?? []) {
    let size = '';
    try {
      size = `${statSync(join(b.path, f)).size} B`;
    } catch {
      size = 'missing';
    }
    lines.push(`    ${f.padEnd(32)} ${size}`);
  }
  out(`${lines.join('\n')}\n`);
  return 0;
}

/** Prints a bundle's REPORT.md. */
export async function report(ref: string): Promise<number> {
  const b = await one(ref);
  try {
    out(readFileSync(join(b.path, FILES.report), 'utf8'));
  } catch (error) {
    throw new CodexguardError('E_NO_REPORT', `${b.id} has no readable REPORT.md`, 1, { cause: error });
  }
  return 0;
}

/** Writes a bundle as `<id>.tar.gz` (or -o file), mode 0600, never over an existing file. */
export async function pack(ref: string, options: { output?: string } = {}): Promise<number> {
  const b = await one(ref);
  const file = resolve(options.output ?? `${b.id}.tar.gz`);
  const { packBundle } = await import('../../bundle/pack.ts');
  try {
    await packBundle(b.path, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' ? 'it already exists' : (error as Error).message;
    throw new CodexguardError('E_PACK', `cannot write ${file}: ${why}`, 1, { cause: error });
  }
  out(`${file}\n`);
  return 0;
}

/** (hidden) Finishes a pending bundle: waits for its OS report until its window ends. Run detached by the crash path. */
export async function finish(path: string): Promise<number> {
  return (await finishPending(resolve(path), 60_000)) ? 1 : 0;
}
