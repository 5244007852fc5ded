// Dependencies point one way: nothing under src/ imports src/cli/ (the commands are leaves), and the modules import
// each other without cycles, static, type-only and lazy imports alike. Read from the sources themselves.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { CODES } from '../src/outcome.ts';
import { REPO } from './helpers/index.ts';

const SRC = join(REPO, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module each source imports (`import … from`, `export … from`, `import('…')`), as paths relative to src/. */
function graph(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const specs = [
      ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g),
    ].map((m) => m[1] ?? m[2]!);
    out.set(
      relative(SRC, file),
      specs.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s))),
    );
  }
  return out;
}

test('nothing under src/ outside src/cli/ imports src/cli/: the commands are leaves', () => {
  const wrong = [...graph()].flatMap(([from, to]) =>
    from.startsWith('cli/') ? [] : to.filter((t) => t.startsWith('cli/')).map((t) => `${from} → ${t}`),
  );
  assert.deepEqual(wrong, []);
  const commands = [...graph()].flatMap(([from, to]) =>
    from.startsWith('cli/commands/')
      ? to.filter((t) => t.startsWith('cli/commands/')).map((t) => `${from} → ${t}`)
      : [],
  );
  assert.deepEqual(commands, [], 'no command imports another');
});

test('no import cycles among the modules of src/', () => {
  const g = graph();
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const walk = (node: string, path: string[]): void => {
    state.set(node, 'open');
    for (const next of g.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) walk(next, [...path, next]);
    }
    state.set(node, 'done');
  };
  for (const node of g.keys()) if (!state.has(node)) walk(node, [node]);
  assert.deepEqual(cycles, []);
});

test('every default comes from the one table of keys: the limits, the crash policy and the bundle defaults agree with config/keys.ts', async () => {
  const { defaults } = await import('../src/config/keys.ts');
  const { settingsFrom } = await import('../src/shim/settings.ts');
  const { DEFAULT_LIMITS } = await import('../src/inventory/limits.ts');
  const { DEFAULT_CRASH_POLICY, crashPolicy } = await import('../src/crash/policy.ts');
  const { BUNDLE_DEFAULTS } = await import('../src/bundle/write.ts');
  const fromTable = settingsFrom(defaults());
  assert.deepEqual(fromTable.limits, { ...DEFAULT_LIMITS });
  assert.deepEqual(crashPolicy(fromTable.crashPolicy), { ...DEFAULT_CRASH_POLICY });
  assert.deepEqual(
    [BUNDLE_DEFAULTS.keep, BUNDLE_DEFAULTS.logRows],
    [DEFAULT_CRASH_POLICY.keep, DEFAULT_CRASH_POLICY.logRows],
  );
});

test("every code codexguard prints is in the one list of codes (src/outcome.ts), and each is in the README's table", () => {
  const codes = new Set<string>();
  for (const file of sources(SRC)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\b([EW]_[A-Z][A-Z_]*[A-Z])\b/g)) codes.add(m[1]!);
  }
  // fs.constants.W_OK is no code.
  codes.delete('W_OK');
  const listed = new Set<string>(CODES);
  assert.ok(codes.size > 30, `found ${codes.size} codes`);
  assert.deepEqual([...codes].filter((c) => !listed.has(c)).sort(), [], 'codes written in src/ but not in CODES');
  assert.equal(listed.size, CODES.length, 'each code once');
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('### Codes'), readme.indexOf('## macOS notes'));
  assert.deepEqual(
    CODES.filter((c) => !table.includes(`\`${c}\``)),
    [],
    'codes missing from the README table',
  );
});
