// `npm test`'s guard of the real HOME: `snapshot` (pretest) records what codexguard could touch there, `check` (posttest)
// fails the run, naming the paths, if any of it changed while the suite ran.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const home = homedir();
const state = join(process.cwd(), 'node_modules', '.cache', 'codexguard-test', 'home-before.json');
/** What codexguard writes under a HOME: its own folders and files, the shell files install edits, the scheduled job. */
const WATCHED = [
  '.codex/codexguard',
  '.codexguardrc',
  '.codexguardrc.json',
  '.codexguardrc.yaml',
  '.codexguardrc.yml',
  '.config/codexguard',
  '.local/share/codexguard',
  '.local/state/codexguard',
  '.bashrc',
  '.bash_profile',
  '.bash_login',
  '.profile',
  '.zshrc',
  '.zprofile',
  '.config/fish/config.fish',
  '.config/systemd/user',
  'Library/LaunchAgents',
];

/** path → size@mtime for the watched files and everything under the watched folders. */
function snapshot() {
  const seen = {};
  const walk = (path) => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return;
    seen[path] = st.isDirectory() ? 'dir' : `${st.size}@${st.mtimeMs}`;
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  for (const rel of WATCHED) walk(join(home, rel));
  return seen;
}

if (process.argv[2] === 'snapshot') {
  mkdirSync(join(state, '..'), { recursive: true });
  writeFileSync(state, JSON.stringify(snapshot()));
} else {
  const before = JSON.parse(readFileSync(state, 'utf8'));
  const after = snapshot();
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((p) => before[p] !== after[p])
    .sort();
  if (changed.length) {
    console.error(
      `home-guard: the suite changed the real HOME (${home}):\n${changed.map((p) => `  ${before[p] === undefined ? 'new' : after[p] === undefined ? 'gone' : 'changed'} ${p}`).join('\n')}`,
    );
    process.exit(1);
  }
  console.log(`home-guard: the real HOME is as it was (${Object.keys(after).length} watched paths)`);
}
