// Gets a machine ready for `npm test`: the real shells and the pseudo-terminal the tests run (Debian: apt-get as root), then the build.
import { execFileSync, spawnSync } from 'node:child_process';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = ['zsh', 'fish', 'tmux'].filter((s) => !has(s));
if (missing.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log(`pretest: installing ${missing.join(' ')} with apt-get`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.error(
      `pretest: the tests need ${missing.join(', ')}; install them (e.g. sudo apt-get install ${missing.join(' ')})`,
    );
    process.exit(1);
  }
}
for (const [what, args] of [
  ['the codex under test', ['scripts/test-codex.mjs']],
  ['build', ['scripts/build.mjs']],
  ['typecheck', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']],
]) {
  if (spawnSync(process.execPath, args, { stdio: 'inherit' }).status !== 0) {
    console.error(`pretest: ${what} failed`);
    process.exit(1);
  }
}
