// Preloaded into the test runner and every test file's process (`--import`): each gets a HOME of its own, so no test
// reads or writes the real one, and test files running side by side never share one. Children inherit it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'cg-test-home-'));
process.env.HOME = home;
// Whatever points into the real home goes too; the tests set what they need themselves.
for (const name of [
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_STATE_HOME',
  'XDG_CACHE_HOME',
  'ZDOTDIR',
  'CODEX_HOME',
  'CODEX_SQLITE_HOME',
])
  delete process.env[name];
process.once('exit', () => rmSync(home, { recursive: true, force: true }));

// Any Node warning in a test process (a deprecation, a MaxListeners leak, an experimental API) fails that file:
// warnings left alone become tomorrow's breakage.
process.on('warning', (warning) => {
  process.exitCode = 1;
  process.stderr.write(`test process: a Node warning fails this file: ${warning.name}: ${warning.message}\n`);
});
