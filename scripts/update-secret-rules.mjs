// Regenerates src/bundle/secret-rules/rules.json from gitleaks' published rule set (config/gitleaks.toml, MIT), its Go RE2 regexes turned into JS ones.
//
// Usage: node scripts/update-secret-rules.mjs <gitleaks clone or git dir> [rev, default HEAD]
// Taken: each rule's regex, secretGroup, entropy, keywords and its content allowlists (regexes, stopwords).
// Dropped, with the reason recorded: path-only or path-scoped rules, allowlists that need a path or a commit,
// any regex that JS cannot compile after conversion, and any that misses one of upstream's literal examples.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

const OUT = fileURLToPath(new URL('../src/bundle/secret-rules/rules.json', import.meta.url));
const POSIX = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  digit: '0-9',
  xdigit: '0-9a-fA-F',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  word: '\\w',
  punct: '!-\\/:-@\\[-`{-~',
};
const isLetter = (ch) => /^[a-zA-Z]$/.test(ch);
const other = (ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase());

/** The other-case letters a class range `lo-hi` needs under case folding, as class items. */
function foldRange(lo, hi) {
  const extra = [];
  for (const [a, z] of [
    ['a', 'z'],
    ['A', 'Z'],
  ]) {
    const from = lo > a ? lo : a;
    const to = hi < z ? hi : z;
    if (from <= to) extra.push(`${other(from)}-${other(to)}`);
  }
  return extra.join('');
}

/** One RE2 character class starting at src[i] ('['): its JS text (POSIX names expanded, case-folded when `fold`) and where it ends. */
function convertClass(src, i, fold) {
  let j = i + 1;
  let out = '[';
  if (src[j] === '^') (out += '^'), j++;
  let extra = '';
  for (let first = true; j < src.length && (src[j] !== ']' || first); first = false) {
    const posix = /^\[:(\w+):\]/.exec(src.slice(j));
    if (posix) {
      if (!(posix[1] in POSIX)) throw new Error(`POSIX class ${posix[0]}`);
      out += POSIX[posix[1]];
      j += posix[0].length;
      continue;
    }
    const item = src[j] === '\\' ? src.slice(j, src[j + 1] === 'x' ? j + 4 : j + 2) : src[j];
    j += item.length;
    const single = item.length === 1 ? item : null;
    if (single && src[j] === '-' && src[j + 1] !== ']' && src[j + 1] !== '\\') {
      const hi = src[j + 1];
      out += `${single}-${hi}`;
      if (fold) extra += foldRange(single, hi);
      j += 2;
      continue;
    }
    out += item === ']' ? '\\]' : item;
    if (fold && single && isLetter(single)) extra += other(single);
  }
  if (src[j] !== ']') throw new Error('unterminated class');
  return [`${out}${extra}]`, j + 1];
}

/**
 * Go RE2 → JS: inline flags (?i) (?-i:…) (?i:…) (?s:…) become explicit letter classes / [\s\S]
 * (Node 20 has no regex modifiers), (?P<n>…) a non-capturing group (only jwt-base64 has them, in alternatives, where
 * gitleaks' "first non-empty group" would take a fragment as the secret), \z $ and \A ^.
 */
export function convertRegex(re2) {
  let src = re2;
  let flags = '';
  // A lone leading (?i) is the i flag; any other inline flag means folding by hand.
  if (src.startsWith('(?i)') && !/\(\?-?[a-z]*[:)]/.test(src.slice(4).replace(/\(\?:/g, ''))) {
    src = src.slice(4);
    flags = 'i';
  }
  let out = '';
  let state = { fold: false, dotall: false };
  const stack = [];
  for (let i = 0; i < src.length; ) {
    const rest = src.slice(i);
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (n === 'z') out += '$';
      else if (n === 'A') out += '^';
      else if ('QEpPCx'.includes(n) && !(n === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(i + 2, i + 4))))
        throw new Error(`escape \\${n}`);
      const len = n === 'x' ? 4 : 2;
      if (n !== 'z' && n !== 'A') out += src.slice(i, i + len);
      i += len;
    } else if (c === '[') {
      const [cls, end] = convertClass(src, i, state.fold);
      out += cls;
      i = end;
    } else if (c === '(') {
      const inline = /^\(\?([a-z]*)(?:-([a-z]*))?([:)])/.exec(rest);
      if (inline && (inline[1] || inline[2] !== undefined)) {
        const on = inline[1];
        const off = inline[2] ?? '';
        if (/[^is]/.test(on + off)) throw new Error(`flag ${inline[0]}`);
        const next = {
          fold: on.includes('i') || (state.fold && !off.includes('i')),
          dotall: on.includes('s') || (state.dotall && !off.includes('s')),
        };
        if (inline[3] === ')') state = next;
        else stack.push(state), (state = next), (out += '(?:');
        i += inline[0].length;
      } else {
        const named = /^\(\?P?<[A-Za-z_]\w*>/.exec(rest);
        stack.push(state);
        state = { ...state };
        out += named || rest.startsWith('(?:') ? '(?:' : '(';
        i += named ? named[0].length : rest.startsWith('(?:') ? 3 : 1;
      }
    } else if (c === ')') {
      state = stack.pop() ?? state;
      out += ')';
      i++;
    } else {
      out +=
        c === '.' && state.dotall
          ? '[\\s\\S]'
          : state.fold && isLetter(c)
            ? `[${c.toLowerCase()}${c.toUpperCase()}]`
            : c;
      i++;
    }
  }
  new RegExp(out, `${flags}gd`);
  return [out, flags];
}

/**
 * A leading lazy `[\w.-]{0,50}?` only widens a match leftwards over the key's name (the runtime widens the
 * "match" allowlist target the same way); dropping it keeps the same secrets and spares JS a 50-step retry at every offset.
 */
const stripLazyLead = (source) => {
  for (let prev; prev !== source; )
    (prev = source), (source = source.replace(/^((?:\(\?:)*)\[\\w\.-\]\{0,50\}\?/, '$1'));
  return source;
};

/**
 * Upstream's literal true positives per rule id, from the Go sources that generate gitleaks.toml (cmd/generate/config/rules):
 * the string literals listed directly in a `tps := []string{…}` / `tps = append(tps, …)`, not those built by a call.
 */
function upstreamSamples(git, commit) {
  const out = new Map();
  const files = git('ls-tree', '--name-only', commit, 'cmd/generate/config/rules/')
    .split('\n')
    .filter((f) => f.endsWith('.go'));
  for (const file of files) {
    for (const body of git('show', `${commit}:${file}`)
      .split(/\nfunc /)
      .slice(1)) {
      const id = /RuleID:\s*"([^"]+)"/.exec(body)?.[1];
      for (const m of id ? body.matchAll(/\btps\s*:?=\s*(?:\[\]string\{|append\(tps,)/g) : []) {
        for (let i = m.index + m[0].length, depth = 1, prev = ','; i < body.length && depth > 0; ) {
          const c = body[i];
          const end =
            c === '`'
              ? body.indexOf('`', i + 1) + 1
              : c === '"'
                ? i + 1 + /^(?:\\.|[^"\\])*"/.exec(body.slice(i + 1))[0].length
                : 0;
          if (end) {
            const next = /^[ \t]*(\S)/.exec(body.slice(end))?.[1];
            if (depth === 1 && prev === ',' && (next === ',' || next === '}' || next === ')' || next === '/'))
              out.set(id, [
                ...(out.get(id) ?? []),
                c === '`' ? body.slice(i + 1, end - 1) : JSON.parse(body.slice(i, end)),
              ]);
            (prev = 'lit'), (i = end);
            continue;
          }
          if (c === '/' && body[i + 1] === '/') i = body.indexOf('\n', i);
          else {
            if (!/\s/.test(c)) prev = c === ',' || '({['.includes(c) ? ',' : c;
            depth += '({['.includes(c) ? 1 : ')}]'.includes(c) ? -1 : 0;
            i++;
          }
        }
      }
    }
  }
  return out;
}

/**
 * A rule's content allowlists; dropped (listed in `dropped`): those that need a path or a commit, and literal keys
 * (gcp-api-key allows public ones by value; a bundle may redact them, and this repository need not carry them).
 */
function allowlists(list = [], id, dropped) {
  const out = [];
  for (const a of list) {
    if (a.paths?.length || a.commits?.length) {
      dropped.push({ id, why: 'allowlist scoped to paths or commits' });
      continue;
    }
    const regexes = (a.regexes ?? []).filter((re) => !/^[A-Za-z0-9_-]{20,}$/.test(re));
    if (regexes.length < (a.regexes?.length ?? 0))
      dropped.push({ id, why: `${(a.regexes?.length ?? 0) - regexes.length} literal keys in an allowlist` });
    const entry = {};
    if (a.regexTarget && a.regexTarget !== 'secret') entry.target = a.regexTarget;
    if (regexes.length) entry.regexes = regexes.map(convertRegex);
    if (a.stopwords?.length) entry.stopwords = a.stopwords.map((w) => w.toLowerCase());
    if (entry.regexes || entry.stopwords) out.push(entry);
  }
  return out;
}

function main() {
  const [dir, rev = 'HEAD'] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: node scripts/update-secret-rules.mjs <gitleaks clone or git dir> [rev]\n');
    process.exit(2);
  }
  const git = (...args) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const commit = git('rev-parse', `${rev}^{commit}`).trim();
  const config = parse(git('show', `${commit}:config/gitleaks.toml`));
  const license = git('show', `${commit}:LICENSE`)
    .split('\n')
    .find((l) => /copyright/i.test(l))
    ?.trim();
  const samples = upstreamSamples(git, commit);
  let checked = 0;
  const rules = [];
  const dropped = [];
  const droppedAllowlists = [];
  for (const r of config.rules) {
    if (!r.regex) {
      dropped.push({ id: r.id, why: 'path-only rule (no regex)' });
      continue;
    }
    if (r.path) {
      dropped.push({ id: r.id, why: 'scoped to file paths, which a bundle does not have' });
      continue;
    }
    let rule;
    try {
      const [source, flags] = convertRegex(r.regex);
      rule = { id: r.id, regex: stripLazyLead(source), flags };
      if (r.secretGroup) rule.group = r.secretGroup;
      if (r.entropy) rule.entropy = r.entropy;
      if (r.keywords?.length) rule.keywords = r.keywords.map((k) => k.toLowerCase());
      const allow = allowlists(r.allowlists, r.id, droppedAllowlists);
      if (allow.length) rule.allow = allow;
    } catch (error) {
      dropped.push({ id: r.id, why: `regex not convertible to JS: ${error.message}` });
      continue;
    }
    const re = new RegExp(rule.regex, `${rule.flags}g`);
    const examples = samples.get(r.id) ?? [];
    const missed = examples.filter((t) => !(re.lastIndex = 0) && !re.test(t));
    if (missed.length) {
      dropped.push({ id: r.id, why: `misses ${missed.length} of upstream's ${examples.length} literal examples` });
      continue;
    }
    checked += examples.length;
    rules.push(rule);
  }
  const global = {
    regexes: (config.allowlist?.regexes ?? []).map(convertRegex),
    stopwords: (config.allowlist?.stopwords ?? []).map((w) => w.toLowerCase()),
  };
  const data = {
    about: 'Generated by scripts/update-secret-rules.mjs from gitleaks config/gitleaks.toml; do not edit by hand.',
    source: `https://github.com/gitleaks/gitleaks/blob/${commit}/config/gitleaks.toml`,
    commit,
    license: `MIT License, ${license ?? 'Copyright (c) Zachary Rice'}`,
    taken: rules.length,
    checked: `each taken regex matches upstream's literal true positives for it (${checked} examples)`,
    dropped,
    droppedAllowlists,
    allow: global,
    rules,
  };
  writeFileSync(OUT, `${JSON.stringify(data, null, 1)}\n`);
  process.stdout.write(
    `${rules.length} rules taken (${checked} upstream examples matched), ${dropped.length} dropped → ${OUT}\n`,
  );
  for (const d of dropped) process.stdout.write(`  dropped ${d.id}: ${d.why}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
