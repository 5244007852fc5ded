// `codexguard install` / `uninstall` against a temp HOME, checked with real bash, zsh and fish; and install/install.sh's guards.
import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cleanEnv, CLI, fakeCodex, NODE_BIN_DIR, readRecord, REPO, runSync, SHIM, tmp } from './helpers/index.ts';

/** Every path under `dir` → its bytes, link target or 'dir'. */
function snapshot(dir: string, out = new Map<string, string>(), root = dir): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = relative(root, path);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) out.set(rel, `link:${readlinkSync(path)}`);
    else if (st.isDirectory()) {
      out.set(rel, 'dir');
      snapshot(path, out, root);
    } else out.set(rel, readFileSync(path).toString('base64'));
  }
  return out;
}

/** What the shells themselves create in a home (fish's data dir, histories); never codexguard's. */
const shellOwned = (rel: string) =>
  /^(\.local|\.local\/share|\.local\/share\/fish(\/.*)?|\.config|\.config\/fish|\.config\/fish\/fish_variables|\.\w+_history|\.zcompdump.*)$/.test(
    rel,
  );

/** A temp HOME with start-up files (one lacking a final newline, one with non-UTF-8 bytes) and a fake real codex. */
function home(t: TestContext) {
  const root = tmp(t, 'cg-act-');
  const home = join(root, 'home');
  const real = fakeCodex(join(root, 'real-bin'));
  mkdirSync(home);
  writeFileSync(join(home, '.bashrc'), 'alias ll="ls -l"\nexport FOO=1');
  // Login shells start over from /etc/profile's PATH; like a user's ~/.profile, this one adds where codex lives.
  writeFileSync(join(home, '.profile'), `# ~/.profile\nexport PATH="${join(root, 'real-bin')}:$PATH"\n`);
  writeFileSync(
    join(home, '.zshrc'),
    Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\nsetopt no_beep\n')]),
  );
  const links = join(home, '.local', 'share', 'codexguard', 'bin');
  const env = (extra: Record<string, string | undefined> = {}) =>
    cleanEnv({
      HOME: home,
      SHELL: '/bin/bash',
      PATH: [join(root, 'real-bin'), NODE_BIN_DIR, '/usr/bin', '/bin'].join(':'),
      CODEX_HOME: join(root, 'codex-home'),
      ...extra,
    });
  const cli = (args: string[], extra: Record<string, string | undefined> = {}) =>
    runSync(process.execPath, [CLI, ...args], { env: env(extra), cwd: root });
  return { root, home, real, links, env, cli };
}

const SHELL_RUNS = [
  ['bash', '-ic'],
  ['bash', '-lic'],
  ['zsh', '-ic'],
  ['zsh', '-lic'],
  ['fish', '-c'],
  ['fish', '-lic'],
] as const;

test('install puts the shim first in bash, zsh and fish; a second install changes nothing; uninstall restores every byte', (t) => {
  const h = home(t);
  const before = snapshot(h.home);
  const first = h.cli(['install', '--shell', 'bash', 'zsh', 'fish']);
  assert.equal(first.status, 0, first.stdout + first.stderr);
  for (const label of ['bash (interactive)', 'bash (login)', 'zsh (interactive)', 'zsh (login)', 'fish (login)']) {
    assert.match(
      first.stdout,
      new RegExp(`^  ok +${label.replace(/[()]/g, '\\$&')} +codex → shim, then the real codex ${h.real}$`, 'm'),
    );
  }
  assert.match(first.stdout, /new shell/);
  assert.equal(realpathSync(join(h.links, 'codex')), realpathSync(SHIM));
  assert.ok(existsSync(join(h.home, '.config', 'fish', 'config.fish')), 'config.fish created');
  assert.ok(
    readFileSync(join(h.home, '.bashrc'), 'utf8').startsWith(
      'alias ll="ls -l"\nexport FOO=1\n\n# >>> codexguard >>>\n',
    ),
  );

  const installed = snapshot(h.home);
  const second = h.cli(['install', '--shell', 'bash', 'zsh', 'fish']);
  assert.equal(second.status, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /already there/);
  assert.deepEqual(snapshot(h.home), installed, 'install twice = the same files');

  for (const [shell, flags] of SHELL_RUNS) {
    const record = join(h.root, `record-${shell}${flags}.json`);
    const lookup = shell === 'fish' ? 'command -s codex' : 'command -v codex';
    const r = runSync(`/usr/bin/${shell}`, [flags, `${lookup}; codex exec "two words" ''`], {
      env: h.env({ FAKE_CODEX_RECORD: record }),
      cwd: h.root,
    });
    assert.equal(r.status, 0, `${shell} ${flags}: ${r.stderr}`);
    assert.equal(r.stdout.trim().split('\n').pop(), join(h.links, 'codex'), `${shell} ${flags} finds the shim first`);
    const rec = readRecord(record);
    assert.equal(rec.self, h.real, `${shell} ${flags}: the shim reached the real codex`);
    assert.deepEqual(rec.argv, ['exec', 'two words', '']);
  }

  const un = h.cli(['uninstall']);
  assert.equal(un.status, 0, un.stdout + un.stderr);
  assert.match(un.stdout, /\.bashrc: block removed/);
  assert.match(un.stdout, /config\.fish: deleted/);
  const after = snapshot(h.home);
  for (const [rel, value] of before) assert.equal(after.get(rel), value, `${rel} is byte for byte as before`);
  const added = [...after.keys()].filter((rel) => !before.has(rel));
  assert.deepEqual(
    added.filter((rel) => !shellOwned(rel)),
    [],
    'nothing of codexguard is left',
  );
  assert.ok(!existsSync(join(h.home, '.config', 'fish', 'config.fish')));

  const again = h.cli(['uninstall']);
  assert.equal(again.status, 0);
  assert.match(again.stdout, /nothing to remove/);
  assert.deepEqual(snapshot(h.home), after, 'uninstall twice = no change');
});

test('without the checks, install then uninstall leaves the home exactly as it was, created dirs included', (t) => {
  const h = home(t);
  const env = {
    XDG_CONFIG_HOME: join(h.home, 'cfg'),
    XDG_DATA_HOME: join(h.home, 'data', 'deep'),
    ZDOTDIR: join(h.home, 'zdot'),
  };
  const before = snapshot(h.home);
  const r = h.cli(['install', '--no-verify', '--shell', 'bash,zsh', '--shell', 'fish'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /checking/);
  for (const file of [
    'cfg/fish/config.fish',
    'zdot/.zshrc',
    'data/deep/codexguard/bin/codex',
    'data/deep/codexguard/install.json',
  ]) {
    assert.ok(existsSync(join(h.home, file)), file);
  }
  assert.equal(h.cli(['uninstall'], env).status, 0);
  assert.deepEqual(snapshot(h.home), before);
});

test("uninstall names what stays, with sizes; --purge removes codexguard's state and the archives, never a live DB or the clone", (t) => {
  const h = home(t);
  const codexHome = join(h.root, 'codex-home');
  mkdirSync(join(codexHome, 'codexguard', 'crashes', 'b1'), { recursive: true });
  writeFileSync(join(codexHome, 'codexguard', 'crashes', 'b1', 'REPORT.md'), 'x'.repeat(2_000));
  writeFileSync(join(codexHome, 'logs_2.sqlite'), 'live');
  writeFileSync(join(codexHome, 'logs_2.sqlite.20260103T000000.000Z.archive.tgz'), 'y'.repeat(5_000));
  assert.equal(h.cli(['install', '--no-verify', '--no-schedule', '--shell', 'bash']).status, 0);
  const u = h.cli(['uninstall']);
  assert.equal(u.status, 0, u.stderr);
  assert.match(
    u.stdout,
    /^codexguard: left codexguard state \(crash bundles, sessions, notices\) at \S+codex-home\/codexguard \(2\.0 kB\)$/m,
  );
  assert.match(u.stdout, /^codexguard: left 1 archive of rotated DBs at \S+\.archive\.tgz \(5\.0 kB\)$/m);
  assert.match(u.stdout, /^codexguard: left codexguard's clone at \S+: delete it yourself$/m);
  assert.match(
    u.stdout,
    /^codexguard: `codexguard uninstall --purge` removes those 2 \(7\.0 kB\); Codex's own DBs stay either way$/m,
  );
  const p = h.cli(['uninstall', '--purge']);
  assert.equal(p.status, 0, p.stderr);
  assert.deepEqual(readdirSync(codexHome), ['logs_2.sqlite']);
  assert.ok(existsSync(join(REPO, 'package.json')), 'the clone is never purged');
});

test("install's shell checks never save or restore a Terminal.app session (SHELL_SESSIONS_DISABLE=1)", (t) => {
  const h = home(t);
  // What /etc/bashrc_Apple_Terminal and /etc/zshrc_Apple_Terminal do on macOS when TERM_PROGRAM is Apple_Terminal,
  // reduced to the check they make first: a session is saved and restored unless SHELL_SESSIONS_DISABLE is 1.
  const apple = `if [ "$TERM_PROGRAM" = Apple_Terminal ] && [ "\${SHELL_SESSIONS_DISABLE:-0}" -ne 1 ]; then : > "$HOME/session-$$"; fi\n`;
  appendFileSync(join(h.home, '.bashrc'), `\n${apple}`);
  writeFileSync(join(h.home, '.zshenv'), apple);
  const r = h.cli(['install', '--shell', 'bash', 'zsh', '--no-schedule'], { TERM_PROGRAM: 'Apple_Terminal' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ok +zsh \(login\)/, 'the shells were asked');
  assert.deepEqual(
    readdirSync(h.home).filter((n) => n.startsWith('session-')),
    [],
  );
  // The same snippet does fire in a shell started without it: the check above can fail.
  const plain = runSync('bash', ['-c', apple], { env: h.env({ TERM_PROGRAM: 'Apple_Terminal' }) });
  assert.equal(plain.status, 0);
  assert.equal(readdirSync(h.home).filter((n) => n.startsWith('session-')).length, 1);
});

test('default shells are $SHELL plus those with start-up files', (t) => {
  const h = home(t);
  const r = h.cli(['install', '--no-verify'], { SHELL: '/usr/bin/fish' });
  assert.equal(r.status, 0, r.stderr);
  // .bashrc and .zshrc exist; fish is the login shell.
  assert.deepEqual(
    [...r.stdout.matchAll(/^codexguard: (\w+): /gm)].map((m) => m[1]),
    ['bash', 'bash', 'zsh', 'fish'],
  );
  const none = h.cli(['install', '--no-verify'], { SHELL: '/bin/sh', HOME: join(h.root, 'empty-home') });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no supported shell found.*--shell/);
  assert.equal(h.cli(['install', '--shell', 'ksh']).status, 2);
});

test('install exits 1 when a shell still runs another codex first, and warns about a shell it cannot run', (t) => {
  const h = home(t);
  // .zlogin runs after .zshrc in login shells and puts the real codex first again.
  writeFileSync(join(h.home, '.zlogin'), `export PATH="${join(h.root, 'real-bin')}:$PATH"\n`);
  const bin = join(h.root, 'few-bin');
  mkdirSync(bin);
  for (const name of ['zsh', 'node', 'env']) symlinkSync(`/usr/bin/${name}`, join(bin, name));
  const r = h.cli(['install', '--shell', 'zsh', 'fish'], { PATH: `${join(h.root, 'real-bin')}:${bin}` });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^ {2}ok +zsh \(interactive\)/m);
  assert.match(r.stdout, new RegExp(`^  problem +zsh \\(login\\) +\`codex\` runs ${h.real}, not the shim`, 'm'));
  assert.match(r.stdout, /^ {2}warn +fish \(login\) +fish is not on PATH/m);
  assert.match(r.stdout, /codexguard uninstall` undoes it/);
});

test('an edited block is still removed (between its markers) and the rest of the file kept', (t) => {
  const h = home(t);
  assert.equal(h.cli(['install', '--no-verify', '--shell', 'bash']).status, 0);
  const bashrc = join(h.home, '.bashrc');
  writeFileSync(bashrc, readFileSync(bashrc, 'utf8').replace('case "$PATH"', '# edited\ncase "$PATH"'));
  appendFileSync(bashrc, 'export AFTER=1\n');
  const r = h.cli(['uninstall']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /\.bashrc: block removed between its markers/);
  assert.equal(readFileSync(bashrc, 'utf8'), 'alias ll="ls -l"\nexport FOO=1\n\nexport AFTER=1\n');
});

test('install/install.sh parses as POSIX sh and refuses a missing or old node before touching anything', (t) => {
  const script = join(REPO, 'install', 'install.sh');
  assert.equal(runSync('/bin/sh', ['-n', script]).status, 0);
  const root = tmp(t);
  const bin = join(root, 'bin');
  mkdirSync(bin);
  symlinkSync('/usr/bin/dirname', join(bin, 'dirname'));
  const none = runSync('/bin/sh', [script], { env: { PATH: bin, HOME: root } });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^install\.sh: node not found on PATH; install Node\.js 20\.16 or newer/);
  for (const version of ['18.19.0', '20.15.1']) {
    writeFileSync(join(bin, 'node'), `#!/bin/sh\ncase "$1" in -p) echo ${version} ;; *) echo v${version} ;; esac\n`, {
      mode: 0o755,
    });
    const old = runSync('/bin/sh', [script], { env: { PATH: bin, HOME: root } });
    assert.equal(old.status, 1);
    assert.equal(old.stderr, `install.sh: node v${version} is too old; codexguard needs Node.js 20.16 or newer\n`);
    assert.equal(old.stdout, '', 'nothing installed');
  }
});
