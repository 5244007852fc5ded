// Installing codexguard the ways Node users do, with the real npm: the packed tarball next to the official
// @openai/codex in one prefix, and install/install.sh into a prefix of its own from a clone that is then deleted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { PINNED_CODEX_VERSION } from './helpers/codex-home.ts';
import { CODEX_MODULES, NODE_BIN_DIR, REPO, tmp } from './helpers/index.ts';

const ADDON = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

function run(file: string, args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }) {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 300_000, ...opts });
  assert.equal(r.status, 0, `${file} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * An environment with only node and npm (and /usr/bin, /bin) on PATH and a temp HOME. npm's cache is the repository's
 * own .cache/npm (never the real HOME's), kept between runs so that codexguard's dependencies are fetched once.
 */
function npmEnv(home: string, extraPath: string[] = []): NodeJS.ProcessEnv {
  // What npm needs to reach the registry from this machine (a proxy, a CA for TLS inspection), passed on as it is.
  const network = Object.fromEntries(
    Object.entries(process.env).filter(([k]) =>
      /^(https?_proxy|no_proxy|node_extra_ca_certs|ssl_cert_(file|dir)|npm_config_registry)$/i.test(k),
    ),
  );
  return {
    ...network,
    HOME: home,
    PATH: [...extraPath, NODE_BIN_DIR, '/usr/bin', '/bin'].join(':'),
    LANG: 'C',
    SHELL: '/bin/bash',
    npm_config_cache: join(REPO, '.cache', 'npm'),
    npm_config_update_notifier: 'false',
  };
}

/**
 * The official @openai/codex in `prefix`, installed by npm from the suite's own copy of the package. Its platform
 * package (an optional dependency, 270 MB) is linked in beside it where npm would put it, and left out of the copy's
 * package.json: resolving it would fetch @openai/codex's whole packument (every version) and the tarball again.
 */
function installOfficial(root: string, prefix: string, env: NodeJS.ProcessEnv): string {
  const copy = join(root, 'openai-codex');
  cpSync(join(CODEX_MODULES, '@openai', 'codex'), copy, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'));
  delete pkg.optionalDependencies;
  writeFileSync(join(copy, 'package.json'), JSON.stringify(pkg));
  const tgz = join(
    root,
    JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root, copy], { env }).stdout)[0]
      .filename,
  );
  run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tgz], { env });
  const platform = readdirSync(join(CODEX_MODULES, '@openai')).find((n) => n.startsWith(`codex-${process.platform}-`))!;
  symlinkSync(join(CODEX_MODULES, '@openai', platform), join(prefix, 'lib', 'node_modules', '@openai', platform));
  return join(prefix, 'bin', 'codex');
}

test('npm pack: the tarball holds exactly what runs (bin, dist, README, package.json): no sources, tests, benches or code caches', (t) => {
  const root = tmp(t);
  // dist/ is built by the pretest; packing with --ignore-scripts leaves it alone for the tests running beside this one.
  writeFileSync(join(REPO, 'dist', 'probe.cjs.v8cache'), 'x');
  t.after(() => rmSync(join(REPO, 'dist', 'probe.cjs.v8cache'), { force: true }));
  const r = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], {
    cwd: REPO,
    env: npmEnv(root),
  });
  const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path).sort();
  const outside = files.filter((f) => !/^(bin\/[^/]+|dist\/[^/]+\.c?js|README\.md|package\.json|LICENSE)$/.test(f));
  assert.deepEqual(outside, []);
  for (const needed of [
    'bin/codex.js',
    'bin/codexguard.js',
    'bin/package.json',
    'dist/boot.cjs',
    'dist/shim.cjs',
    'dist/cli.js',
  ])
    assert.ok(files.includes(needed), needed);
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(pkg.bin), ['codexguard'], 'no `codex` bin: it would take the official link');
  assert.match(pkg.scripts.prepack, /build/);
  assert.match(pkg.scripts.prepare, /build/);
});

test('npm install -g of the tarball beside the official codex: its link is untouched, codex goes through the shim, and npm uninstall leaves codex working', (t) => {
  const root = tmp(t);
  const home = join(root, 'home');
  mkdirSync(home);
  const prefix = join(root, 'prefix');
  const env = npmEnv(home, [join(prefix, 'bin')]);
  const tarball = join(
    root,
    JSON.parse(
      run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], { cwd: REPO, env }).stdout,
    )[0].filename,
  );
  const official = installOfficial(root, prefix, env);
  const link = readlinkSync(official);
  // --ignore-scripts and the suite's own better-sqlite3 binary: the test does not build it from source or download it.
  run(
    'npm',
    ['install', '-g', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball],
    { env },
  );
  const installed = join(prefix, 'lib', 'node_modules', 'codexguard');
  mkdirSync(dirname(join(installed, ADDON)), { recursive: true });
  copyFileSync(join(REPO, ADDON), join(installed, ADDON));
  assert.equal(readlinkSync(official), link, 'the official codex link is as @openai/codex made it');
  assert.ok(existsSync(join(prefix, 'bin', 'codexguard')));

  run(join(prefix, 'bin', 'codexguard'), ['install', '--shell', 'bash', '--no-verify', '--no-schedule'], { env });
  const links = join(home, '.local', 'share', 'codexguard', 'bin');
  const shimEnv = { ...env, PATH: [links, env.PATH].join(':') };
  assert.equal(run('bash', ['-c', 'command -v codex'], { env: shimEnv }).stdout.trim(), join(links, 'codex'));
  assert.equal(readlinkSync(join(links, 'codex')), join(installed, 'bin', 'codex.js'));
  assert.equal(run('codex', ['--version'], { env: shimEnv }).stdout.trim(), `codex-cli ${PINNED_CODEX_VERSION}`);

  run(join(prefix, 'bin', 'codexguard'), ['uninstall'], { env });
  run('npm', ['uninstall', '-g', '--prefix', prefix, 'codexguard'], { env });
  assert.equal(readlinkSync(official), link);
  assert.equal(run(official, ['--version'], { env }).stdout.trim(), `codex-cli ${PINNED_CODEX_VERSION}`);
});

test('install.sh from a clone into a prefix of its own: the clone can go, the shim still works, uninstall gives the rc file back byte for byte', (t) => {
  const root = tmp(t);
  const home = join(root, 'home');
  mkdirSync(home);
  const bashrc = join(home, '.bashrc');
  const before = '# my bashrc\nexport EDITOR=vi\n\n';
  writeFileSync(bashrc, before);
  // A clone with its dependencies already installed (as after a first install.sh): copied, not linked.
  const clone = join(root, 'clone');
  const tracked = spawnSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' })
    .stdout.split('\0')
    .filter(Boolean);
  for (const file of tracked) cpSync(join(REPO, file), join(clone, file), { recursive: true, verbatimSymlinks: true });
  cpSync(join(REPO, 'node_modules'), join(clone, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  const env = npmEnv(home);
  const r = run('sh', [join(clone, 'install', 'install.sh'), '--shell', 'bash', '--no-verify', '--no-schedule'], {
    env,
  });
  const prefix = join(home, '.local', 'share', 'codexguard', 'app');
  assert.match(r.stdout, new RegExp(`installed into ${prefix} \\(\\d+ KB\\); this clone may be deleted`));
  const kb = Number(/\((\d+) KB\)/.exec(r.stdout)![1]);
  assert.ok(kb <= 40 * 1024, `installed size ${kb} KB is within 40 MB`);
  assert.ok(
    !existsSync(join(prefix, 'node_modules', 'typescript')) && !existsSync(join(prefix, 'node_modules', '@openai')),
    'no devDependencies',
  );
  rmSync(clone, { recursive: true, force: true });

  const links = join(home, '.local', 'share', 'codexguard', 'bin');
  const shimEnv = { ...env, PATH: [links, join(CODEX_MODULES, '.bin'), env.PATH].join(':') };
  assert.equal(
    run(join(links, 'codex'), ['--version'], { env: shimEnv }).stdout.trim(),
    `codex-cli ${PINNED_CODEX_VERSION}`,
  );
  // The rotation path needs better-sqlite3: it loads from the prefix.
  run(
    process.execPath,
    ['-e', `new (require(${JSON.stringify(join(prefix, 'node_modules', 'better-sqlite3'))}))(':memory:').close()`],
    { env },
  );

  const u = run(join(links, 'codexguard'), ['uninstall'], { env: shimEnv });
  assert.equal(readFileSync(bashrc, 'utf8'), before);
  assert.match(
    u.stdout,
    /left codexguard itself \(installed by install\.sh\) at ~\/\.local\/share\/codexguard\/app \(\d+\.\d MB\)/,
  );
  assert.match(u.stdout, /`codexguard uninstall --purge` removes it/);
  run(process.execPath, [join(prefix, 'bin', 'codexguard.js'), 'uninstall', '--purge'], { env });
  assert.equal(existsSync(prefix), false);
  assert.equal(
    existsSync(join(home, '.local', 'share', 'codexguard')),
    false,
    'nothing of codexguard is left in the data dir',
  );
});
