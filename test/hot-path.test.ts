// The shim's start-up loads only Node built-ins and exactly these modules (read from the build's metafile, as
// `npm run bench -- startup` lists them). A module added to the hot path fails here until it is listed on purpose.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildShim, ROOT } from '../scripts/build.mjs';
import { hotPath } from '../bench/lib/bundle.ts';
import { tmp } from './helpers/index.ts';

/**
 * Sources a healthy launch loads before codex starts: finding the real codex, the config, one stat per DB, the launch
 * and its registry entry. What runs only once codex has ended (is it a crash? its status, mirrored; node:os with them)
 * loads as codex starts; signal-exit a second later (a shorter run never loads it); the signal-origin check at such a
 * signal.
 */
const HOT_SOURCES = [
  'src/config/discover.ts',
  'src/config/issues.ts',
  'src/config/keys.ts',
  'src/config/load.ts',
  'src/crash/policy.ts',
  'src/droplevels/state.ts',
  'src/env.ts',
  'src/errors.ts',
  'src/node-os.ts',
  'src/human.ts',
  'src/inventory/decide.ts',
  'src/inventory/scan.ts',
  'src/inventory/sqlite-home.ts',
  'src/launch/run.ts',
  'src/outcome.ts',
  'src/path-join.ts',
  'src/preflight/check.ts',
  'src/private-fs.ts',
  'src/registry/on-exit.ts',
  'src/registry/process-stamp.ts',
  'src/registry/session.ts',
  'src/resolve/npm-launcher.ts',
  'src/resolve/path-walk.ts',
  'src/resolve/real-codex.ts',
  'src/resolve/volta.ts',
  'src/rotate/names.ts',
  'src/safe-read.ts',
  'src/shim/main.ts',
  'src/shim/settings.ts',
  'src/terminal/save.ts',
  'src/version-order.ts',
  'src/watch/io.ts',
  'src/watch/session-watch.ts',
];
/** Packages from node_modules bundled into the hot file (none is required from node_modules at start-up). */
const HOT_PACKAGES: string[] = [];

test("the shim's hot path: Node built-ins and these sources only; no package required at start-up", async (t) => {
  const dir = tmp(t);
  const path = hotPath(await buildShim(join(dir, 'dist')), ROOT, 'src/shim/main.ts');
  assert.deepEqual(path.externals, [], 'nothing is required from node_modules when the shim starts');
  // node:os (about 0.4 ms) is one of the modules that load only once codex runs.
  assert.doesNotMatch(readFileSync(join(dir, 'dist', path.entry.file), 'utf8'), /require\("node:os"\)/);
  const inputs = path.inputs.map((i) => i.input);
  assert.deepEqual(inputs.filter((i) => !i.startsWith('src/')).sort(), HOT_PACKAGES);
  assert.deepEqual(inputs.filter((i) => i.startsWith('src/')).sort(), [...HOT_SOURCES].sort());
  for (const heavy of [
    'better-sqlite3',
    'execa',
    'cosmiconfig',
    'zod',
    'commander',
    'tar',
    'smol-toml',
    'proper-lockfile',
    'signal-exit',
  ])
    assert.ok(!inputs.includes(heavy), heavy);
});

test('the crash path loads without better-sqlite3: a Node upgrade that breaks its ABI costs the bundle its DB figures, not the bundle', async (t) => {
  const meta = await buildShim(join(tmp(t), 'dist'));
  /** The outputs a chunk holding `input` pulls in as it loads (static imports only), and the packages they require. */
  const loadedWith = (input: string): string[] => {
    const start = Object.keys(meta.outputs).find((k) => input in meta.outputs[k]!.inputs);
    assert.ok(start, `a chunk holds ${input}`);
    const seen = new Set<string>();
    const required = new Set<string>();
    for (const queue = [start]; queue.length > 0; ) {
      const key = queue.pop()!;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const imp of meta.outputs[key]!.imports) {
        if (imp.kind !== 'require-call' && imp.kind !== 'import-statement') continue;
        if (imp.external) required.add(imp.path);
        else queue.push(imp.path);
      }
    }
    return [...required];
  };
  for (const input of ['src/crash/on-crash.ts', 'src/bundle/index.ts']) {
    assert.ok(!loadedWith(input).includes('better-sqlite3'), `${input} requires better-sqlite3 as it loads`);
  }
  assert.ok(
    loadedWith('src/sqlite/open.ts').includes('better-sqlite3'),
    'the check sees a static require where there is one',
  );
});
