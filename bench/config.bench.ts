// Cost of .codexguardrc on every launch, measured through the real shim (dist/shim.cjs): no file, JSON, YAML.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPaired, type Variant } from './lib/paired.ts';
import { median, ms, printTable } from './lib/report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHIM = join(ROOT, 'bin', 'codex.js');
/** What a config file may add to a launch, over no file at all (parsing, validation, merging). */
const BUDGET_MS = { json: 10, yaml: 25 };

const CASES: Record<string, Record<string, string>> = {
  'no file': {},
  'user + project JSON': {
    '.codexguardrc.json': JSON.stringify({ logs: { maxSize: '200MB', keepRows: 50000 }, restart: { mode: 'always' } }),
    'src/org/repo/.codexguardrc.json': JSON.stringify({ logs: { maxSize: '50MB' }, restart: { mode: 'never' } }),
  },
  'user + project YAML': {
    '.codexguardrc': 'logs:\n  maxSize: 200MB\n  keepRows: 50000\nrestart:\n  mode: always\n',
    'src/org/repo/.codexguardrc.yaml': 'logs:\n  maxSize: 50MB\nrestart:\n  mode: never\n',
  },
};

/** A home with a project 4 levels below it holding the config files of one case, and a shim run that starts /bin/true from there. */
function variant(dir: string, name: string, files: Record<string, string>): Variant {
  const home = join(dir, name.replace(/\W+/g, '-'));
  const cwd = join(home, 'src', 'org', 'repo', 'pkg');
  mkdirSync(cwd, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(home, file), text);
  const env = {
    HOME: home,
    PATH: process.env.PATH,
    CODEX_HOME: join(home, '.codex'),
    CODEXGUARD_REAL_CODEX: '/bin/true',
  };
  return { name, file: process.execPath, args: [SHIM], env, cwd, check: () => undefined };
}

/** Paired launches of the shim per case (median of 40); budgets on what a config file adds. */
export async function bench(): Promise<{ ok: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-config-'));
  try {
    const variants = Object.entries(CASES).map(([name, files]) => variant(dir, name, files));
    const samples = runPaired(variants, { iterations: 40, warmup: 3 });
    const base = median(samples.get('no file')!);
    const rows = variants.map((v) => {
      const m = median(samples.get(v.name)!);
      return { case: v.name, 'launch median': ms(m), 'over no file': v.name === 'no file' ? '-' : ms(m - base) };
    });
    printTable(rows, '\n.codexguardrc: a launch through the shim (real codex = /bin/true), 40 paired rounds');
    const added = (name: string) => median(samples.get(name)!) - base;
    const results = [
      [
        `a JSON user + project config adds ${ms(added('user + project JSON'))} (budget ${BUDGET_MS.json} ms)`,
        added('user + project JSON') <= BUDGET_MS.json,
      ],
      [
        `a YAML user + project config adds ${ms(added('user + project YAML'))} (budget ${BUDGET_MS.yaml} ms)`,
        added('user + project YAML') <= BUDGET_MS.yaml,
      ],
    ] as const;
    for (const [text, ok] of results) console.log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
    return { ok: results.every(([, ok]) => ok) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
