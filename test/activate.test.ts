// Activation's decisions, without touching a home dir: the blocks (run by real shells), add/remove, rc files, shells, verdicts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { addBlock, BEGIN, blockText, END, hasBlock, removeBlock } from '../src/activate/block.ts';
import { planFile } from '../src/activate/activate.ts';
import { undoFile } from '../src/activate/deactivate.ts';
import { asBytes } from '../src/activate/fsops.ts';
import { dataDir, linksDir, manifestPath, tildify } from '../src/activate/locations.ts';
import { mergeFiles, type FileRecord } from '../src/activate/manifest.ts';
import { bashLoginFile, defaultShells, parseShells, rcFiles } from '../src/activate/shells.ts';
import { judge, parseProbe, probesFor, reloadHint, type ProbeFacts } from '../src/activate/verify.ts';
import { type CodexguardError, EXIT } from '../src/errors.ts';

const DIR = "/h/it's a $dir with `spaces`/bin";
const exists = (paths: string[]) => (p: string) => paths.includes(p);

/** PATH after running the block in a real shell with `path` as PATH (printed by that shell). */
function pathAfter(shell: 'sh' | 'bash' | 'zsh' | 'fish', path: string): string {
  const block = blockText(shell === 'fish' ? 'fish' : 'sh', DIR);
  // A quoted "$PATH" joins with ':' in fish too.
  const r = spawnSync(`/usr/bin/${shell}`, ['-c', `${block}\nprintf "%s" "$PATH"`], {
    encoding: 'utf8',
    env: { PATH: path, HOME: '/nonexistent' },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

for (const shell of ['sh', 'bash', 'zsh', 'fish'] as const) {
  test(`the ${shell} block puts the dir first once, keeps it first, and never adds an empty entry`, () => {
    assert.equal(pathAfter(shell, '/usr/bin:/bin'), `${DIR}:/usr/bin:/bin`);
    assert.equal(pathAfter(shell, `${DIR}:/usr/bin`), `${DIR}:/usr/bin`, 'already first: unchanged');
    assert.equal(pathAfter(shell, DIR), DIR);
    // sh shells prepend again when the dir is not first (harmless); fish moves it instead.
    assert.equal(pathAfter(shell, `/a:${DIR}:/b`), shell === 'fish' ? `${DIR}:/a:/b` : `${DIR}:/a:${DIR}:/b`);
  });
}

test('the sh block keeps an empty PATH from gaining an empty (cwd) entry', () => {
  const r = spawnSync('/bin/sh', ['-c', `PATH=\n${blockText('sh', '/x/bin')}\nprintf %s "$PATH"`], {
    encoding: 'utf8',
  });
  assert.equal(r.stdout, '/x/bin');
});

test('addBlock appends at the end with a separator, and removeBlock restores the exact bytes', () => {
  const block = blockText('sh', '/x/bin');
  for (const before of ['', 'a', 'a\n', 'a\n\n', '#!/bin/sh\nexport A=1\r\n', 'no newline at end']) {
    const { content, insertion } = addBlock(before, block);
    assert.ok(content.startsWith(before) && content.endsWith(block));
    assert.equal(content.slice(before.length), insertion.prefix + block);
    assert.ok(/^\n*$/.test(insertion.prefix));
    assert.ok(before === '' || content.includes(`\n\n${BEGIN}`), 'a blank line before the block');
    assert.deepEqual(removeBlock(content, insertion), { content: before, how: 'exact' });
  }
});

test('removeBlock keeps text the user added after the block, on its own line', () => {
  const block = blockText('sh', '/x/bin');
  const { content, insertion } = addBlock('no newline', block);
  assert.equal(removeBlock(`${content}alias x=y\n`, insertion).content, 'no newline\nalias x=y\n');
  const nl = addBlock('line\n', block);
  assert.equal(removeBlock(`${nl.content}after\n`, nl.insertion).content, 'line\nafter\n');
});

test('removeBlock falls back to the markers when the block was edited or the record is lost', () => {
  const block = blockText('sh', '/x/bin');
  const { content, insertion } = addBlock('a\n', block);
  const edited = content.replace('case', '# my note\ncase');
  assert.deepEqual(removeBlock(edited, insertion), { content: 'a\n\n', how: 'markers' });
  assert.deepEqual(removeBlock(content), { content: 'a\n\n', how: 'markers' });
  assert.deepEqual(removeBlock('a\n'), { content: 'a\n', how: 'none' });
  // A marker that is not at the start of a line is not ours; an unterminated block is left alone.
  assert.equal(hasBlock(`echo "${BEGIN}"\n${END}\n`), false);
  assert.deepEqual(removeBlock(`${BEGIN}\nx\n`), { content: `${BEGIN}\nx\n`, how: 'none' });
  // Two blocks (a copied one): both go.
  assert.deepEqual(removeBlock(`a\n${block}b\n${block}`, insertion), { content: 'a\nb\n', how: 'exact' });
});

test('planFile is idempotent, moves a block that is no longer last to the end, and remembers what it created', () => {
  const rc = { path: '/h/.bashrc', shell: 'bash' as const, syntax: 'sh' as const };
  const first = planFile(rc, 'x=1', undefined, '/d');
  assert.equal(first.change, 'added');
  assert.equal(first.record.created, false);
  const again = planFile(rc, first.next, first.record, '/d');
  assert.equal(again.change, 'unchanged');
  assert.equal(again.next, first.next);
  assert.deepEqual(again.record, first.record);
  const later = planFile(rc, `${first.next}export PATH=/n:$PATH\n`, first.record, '/d');
  assert.equal(later.change, 'updated');
  assert.ok(later.next.endsWith(first.record.block));
  assert.equal(undoFile(later.next, later.record).next, 'x=1\nexport PATH=/n:$PATH\n');
  const created = planFile(rc, undefined, undefined, '/d');
  assert.equal(created.record.created, true);
  assert.equal(created.record.prefix, '');
  assert.equal(planFile(rc, created.next, created.record, '/d').record.created, true, 'still ours on the next install');
});

test('undoFile deletes a file install created only when nothing else is in it', () => {
  const record: FileRecord = {
    path: '/h/.profile',
    shell: 'bash',
    created: true,
    prefix: '',
    block: blockText('sh', '/d'),
  };
  assert.equal(undoFile(record.block, record).next, undefined);
  assert.equal(undoFile('', record).next, undefined);
  assert.equal(undoFile(`${record.block}export X=1\n`, record).next, 'export X=1\n');
  assert.equal(undoFile(record.block, { ...record, created: false }).next, '');
});

test('non-UTF-8 bytes in a start-up file survive a round trip (latin1 view)', () => {
  const bytes = Buffer.from([0x65, 0x63, 0x68, 0x6f, 0x20, 0xe9, 0xff, 0x0a]).toString('latin1');
  const block = blockText('sh', '/h/ünï/bin');
  const { content, insertion } = addBlock(bytes, asBytes(block));
  assert.ok(Buffer.from(content, 'latin1').includes(Buffer.from('/h/ünï/bin', 'utf8')));
  assert.equal(undoFile(content, { created: false, prefix: insertion.prefix, block }).next, bytes);
});

test('bash gets ~/.bashrc and the login file bash really reads', () => {
  const env = { HOME: '/h' };
  assert.equal(bashLoginFile(env, exists([])), '/h/.profile');
  assert.equal(bashLoginFile(env, exists(['/h/.profile', '/h/.bash_login'])), '/h/.bash_login');
  assert.equal(bashLoginFile(env, exists(['/h/.profile', '/h/.bash_profile', '/h/.bash_login'])), '/h/.bash_profile');
  assert.deepEqual(
    rcFiles('bash', env, exists(['/h/.profile'])).map((f) => f.path),
    ['/h/.bashrc', '/h/.profile'],
  );
});

test('zsh honours ZDOTDIR and fish XDG_CONFIG_HOME; relative values are ignored', () => {
  assert.deepEqual(rcFiles('zsh', { HOME: '/h' }, exists([])), [{ path: '/h/.zshrc', shell: 'zsh', syntax: 'sh' }]);
  assert.equal(rcFiles('zsh', { HOME: '/h', ZDOTDIR: '/z' }, exists([]))[0]?.path, '/z/.zshrc');
  assert.equal(rcFiles('fish', { HOME: '/h' }, exists([]))[0]?.path, '/h/.config/fish/config.fish');
  assert.equal(rcFiles('fish', { HOME: '/h', XDG_CONFIG_HOME: '/c' }, exists([]))[0]?.syntax, 'fish');
  assert.equal(
    rcFiles('fish', { HOME: '/h', XDG_CONFIG_HOME: 'rel' }, exists([]))[0]?.path,
    '/h/.config/fish/config.fish',
  );
  assert.throws(
    () => rcFiles('bash', {}, exists([])),
    (e: CodexguardError) => e.code === 'E_NO_HOME',
  );
});

test('the links dir, data dir and manifest follow XDG_DATA_HOME', () => {
  assert.equal(linksDir({ HOME: '/h' }), '/h/.local/share/codexguard/bin');
  assert.equal(dataDir({ HOME: '/h', XDG_DATA_HOME: '/d' }), '/d/codexguard');
  assert.equal(manifestPath({ HOME: '/h', XDG_DATA_HOME: '/d' }), '/d/codexguard/install.json');
  assert.equal(tildify('/h/.bashrc', '/h'), '~/.bashrc');
  assert.equal(tildify('/hx/.bashrc', '/h'), '/hx/.bashrc');
});

test("default shells: $SHELL's if supported, plus each shell with its own start-up file", () => {
  assert.deepEqual(defaultShells({ HOME: '/h', SHELL: '/usr/bin/zsh' }, exists([])), ['zsh']);
  assert.deepEqual(
    defaultShells({ HOME: '/h', SHELL: '/bin/zsh' }, exists(['/h/.bashrc', '/h/.config/fish/config.fish'])),
    ['bash', 'zsh', 'fish'],
  );
  assert.deepEqual(
    defaultShells({ HOME: '/h', SHELL: '/bin/sh' }, exists(['/h/.profile'])),
    [],
    '.profile alone is no sign of bash',
  );
  assert.deepEqual(defaultShells({ HOME: '/h', ZDOTDIR: '/z' }, exists(['/z/.zshenv'])), ['zsh']);
});

test('--shell takes repeated or comma-separated names, once each, and rejects others', () => {
  assert.deepEqual(parseShells(['fish', 'bash,zsh', 'bash']), ['fish', 'bash', 'zsh']);
  assert.throws(
    () => parseShells(['ksh']),
    (e: CodexguardError) => e.code === 'E_USAGE' && e.exitCode === EXIT.usage && /ksh/.test(e.message),
  );
});

test('probes: bash and zsh interactive and login, fish once', () => {
  assert.deepEqual(
    probesFor(['bash', 'zsh', 'fish']).map((p) => `${p.shell} ${p.args[0]}`),
    ['bash -ic', 'bash -lic', 'zsh -ic', 'zsh -lic', 'fish -lic'],
  );
});

test('parseProbe reads the last tagged lines, whatever the start-up files printed', () => {
  const out = 'Welcome!\n__codexguard_codex=/old\n\n__codexguard_codex=/l/codex\n__codexguard_path=/l:/usr/bin\n';
  assert.deepEqual(parseProbe(out), { codex: '/l/codex', kind: undefined, path: '/l:/usr/bin' });
  assert.equal(parseProbe('nothing here'), undefined);
});

test('judge: ok, no real codex behind (warn), and the ways the shim can be bypassed (problem)', () => {
  const base: ProbeFacts = {
    output: { codex: '/l/codex', kind: undefined, path: '/l:/r' },
    codexRealpath: '/pkg/bin/codex.js',
    shimRealpath: '/pkg/bin/codex.js',
    behind: { found: '/r/codex', file: '/r/codex' },
    files: ['~/.bashrc'],
  };
  assert.equal(judge(base).level, 'ok');
  assert.match(judge({ ...base, behind: { found: '/r/codex', file: '/n/codex' } }).text, /starts \/n\/codex/);
  assert.equal(judge({ ...base, behind: { error: 'no real codex found' } }).level, 'warn');
  const other = judge({ ...base, output: { ...base.output, codex: '/r/codex' }, codexRealpath: '/r/codex' });
  assert.equal(other.level, 'problem');
  assert.match(other.text, /puts \/r first.*~\/\.bashrc|~\/\.bashrc.*\/r first/);
  assert.match(judge({ ...base, output: { ...base.output, codex: "alias codex='echo'" } }).text, /alias or function/);
  assert.match(judge({ ...base, output: { codex: '', kind: 'function', path: '' } }).text, /fish function/);
  assert.equal(judge({ ...base, output: { codex: '', kind: '', path: '' } }).level, 'problem');
});

test('reloadHint: hash -r when this shell already has the dir first, else a new shell', () => {
  assert.match(reloadHint('/d:/usr/bin', '/d', 'install'), /hash -r/);
  assert.match(reloadHint('/usr/bin', '/d', 'install'), /new shell/);
  assert.match(reloadHint('/usr/bin', '/d', 'uninstall'), /hash -r/);
});

test('mergeFiles keeps records of other shells and replaces same-path ones', () => {
  const rec = (path: string, created: boolean): FileRecord => ({
    path,
    shell: 'bash',
    created,
    prefix: '',
    block: 'b',
  });
  assert.deepEqual(mergeFiles([rec('/a', true), rec('/b', false)], [rec('/b', true)]), [
    rec('/a', true),
    rec('/b', true),
  ]);
});
