// Redaction for everything that goes into a bundle: env allow-list, secret shapes (gitleaks' rule set as data, plus ours), secret-named keys, random-looking values, the prompt. Pure.
import GITLEAKS from './secret-rules/rules.json' with { type: 'json' };

/** The only environment variables a bundle keeps. */
export const ENV_ALLOW: readonly string[] = [
  'TERM',
  'TERM_PROGRAM',
  'TERM_PROGRAM_VERSION',
  'COLORTERM',
  'SHELL',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'CODEX_HOME',
  'CODEX_SQLITE_HOME',
];

/** What a secret is replaced by. */
export const REDACTED = '[REDACTED]';

/** A secret rule: where the secret is (`group`: that capture group; else the first non-empty one; else the match) and what lets a match go. */
interface Rule {
  re: RegExp;
  group?: number;
  /** Skipped unless the text holds one of these (lower case). */
  keywords?: readonly string[];
  /** A match whose secret has this Shannon entropy or less is not one (gitleaks' semantics). */
  entropy?: number;
  /** The secret ends where the token does: gitleaks' fixed-length shapes (`glpat-…{20}`) can stop inside a longer one. */
  extend?: boolean;
  /** False: the match is not a secret (a word in prose, an allowlisted value). */
  keep?: (secret: string, m: RegExpExecArray, text: string) => boolean;
}

/** Bits per character. */
function shannon(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/** Mean run length of character classes (a capital starting a word continues it): ~2 for random tokens, 4+ for words. */
function meanRun(s: string): number {
  const cls = (c: string) => (c >= 'A' && c <= 'Z' ? 1 : c >= 'a' && c <= 'z' ? 2 : c >= '0' && c <= '9' ? 3 : 4);
  let runs = 1;
  for (let i = 1; i < s.length; i++)
    if (cls(s[i - 1]!) !== cls(s[i]!) && !(cls(s[i - 1]!) === 1 && cls(s[i]!) === 2)) runs++;
  return s.length / runs;
}

/** True for a value that looks machine-random: a 16+ char stretch of mixed letters and digits, not hex, not words; ≥ 3.5 bits/char overall. */
export function looksRandom(value: string): boolean {
  if (value.length < 20 || !/^[A-Za-z0-9+/=_.~-]+$/.test(value) || /^[~.]{0,2}\//.test(value)) return false;
  const seg = value.split(/[-_.~]/).reduce((a, b) => (b.length > a.length ? b : a));
  return (
    seg.length >= 16 &&
    /\d/.test(seg) &&
    /[A-Za-z]/.test(seg) &&
    !/^[0-9a-f]+$/i.test(seg) &&
    !/^[0-9A-F]+$/.test(seg) &&
    meanRun(seg) < 3.5 &&
    shannon(value) >= 3.5
  );
}

// ──── Ours: shapes gitleaks lacks or matches too strictly, and the parts around a secret that a report needs. ────
const PEM_BEGIN = '-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----';
const OURS: readonly Rule[] = [
  // The key between its BEGIN and END lines, real newlines or JSON's literal \n; then one cut short (a truncated row): to the string's end.
  {
    re: new RegExp(`${PEM_BEGIN}([\\s\\S]*?)-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----`, 'gd'),
    keywords: ['-----begin'],
  },
  { re: new RegExp(`${PEM_BEGIN}(?!\\[REDACTED\\])((?:\\\\.|[^"\\\\])+)`, 'gd'), keywords: ['-----begin'] },
  // scheme://[user]:password@host, the password up to the token's last @ (it may hold @ and /); `host:8080/…@…` is a port, not a password.
  {
    re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"`\\]*:([^\s'"`<>\\]+)@(?=[\w[\]-])/dgi,
    keywords: ['://'],
    keep: (s) => !/^\d+(?:[/?#]|$)/.test(s),
  },
  // Authorization schemes keep their name; "token <word>" or "basic <word>" in prose is not a credential unless the word looks like one.
  {
    re: /\b(Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=-]{6,})/dgi,
    group: 2,
    keep: (s, m) => /^bearer$/i.test(m[1]!) || m[1] === 'Basic' || /[\d+/=]/.test(s) || s.length >= 20,
  },
  { re: /\bsk-[A-Za-z0-9][A-Za-z0-9_-]{9,}/dg },
  { re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/dg },
  { re: /\bgithub_pat_[A-Za-z0-9_]{20,}/dg },
  { re: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/dg },
  { re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/dg },
  { re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/dg },
  { re: /\bAIza[0-9A-Za-z_-]{30,}/dg },
  { re: /\bya29\.[0-9A-Za-z_-]{20,}/dg },
  { re: /\b(?:hf|npm)_[A-Za-z0-9]{30,}/dg },
  // An AWS secret access key without its name: 40 base64 characters, random-looking (not a path, not hex).
  {
    re: /(?<!(?<!\\)[A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/dg,
    keep: (s) =>
      /[A-Z]/.test(s) &&
      /[a-z]/.test(s) &&
      /\d/.test(s) &&
      !s.startsWith('/') &&
      s.split('/').length < 4 &&
      meanRun(s) < 3.5 &&
      shannon(s) > 4.2,
  },
  // A secret-named flag and its value: `"--password", "X"` (an mcp_servers args array, in argv or a logged config), `--token X` in a logged command line.
  {
    re: /(\\?["'])--?([A-Za-z][\w-]*)\1\s*,\s*(\\?["'])(?!-)(.*?)\3/dg,
    group: 4,
    keep: (_s, m) => isSecretName(m[2]!),
  },
  {
    re: /(?<!(?<!\\)[\w-])--([A-Za-z][\w-]*)[ \t]+(?!-)([^\s"'`\\]+)/dg,
    group: 2,
    keep: (_s, m) => isSecretName(m[1]!),
  },
  // Prose: "my password hunter2", "the token is abc": the next word, when it has a non-letter or follows is/was.
  {
    re: /\b(?:password|passwd|passphrase|pwd|secret|token|api[ _-]?key)(\s+(?:is|was)\s+|[ \t]+)([^\s"'`,;\\]{4,})/dgi,
    group: 2,
    keep: (s, m) => /\S/.test(m[1]!) || /[^A-Za-z]/.test(s.replace(/[.:!?)]+$/, '')),
  },
];

type Source = [string, string];
interface AllowData {
  target?: string;
  regexes?: Source[];
  stopwords?: string[];
}
interface RuleData {
  regex: string;
  flags: string;
  group?: number;
  entropy?: number;
  keywords?: string[];
  allow?: AllowData[];
}
const DATA = GITLEAKS as unknown as { allow: AllowData; rules: RuleData[] };

/** The line around [start, end). */
const lineOf = (text: string, start: number, end: number) =>
  text.slice(text.lastIndexOf('\n', start) + 1, (text.indexOf('\n', end) + 1 || text.length + 1) - 1);

/** A gitleaks allowlist as a `keep` test (false: allowed, not a secret). "match" is widened left over the key name that rules.json's regexes no longer lead with. */
function allowlists(list: readonly AllowData[]): Rule['keep'] {
  const compiled = list.map((a) => ({
    target: a.target,
    res: (a.regexes ?? []).map(([s, f]) => new RegExp(s, f)),
    stop: a.stopwords ?? [],
  }));
  return (secret, m, text) => {
    const lower = secret.toLowerCase();
    return !compiled.some((a) => {
      if (a.stop.some((w) => lower.includes(w))) return true;
      if (a.res.length === 0) return false;
      const end = m.index + m[0].length;
      const target =
        a.target === 'match'
          ? text.slice(
              m.index - (/[\w.-]{0,50}$/.exec(text.slice(Math.max(0, m.index - 50), m.index))?.[0].length ?? 0),
              end,
            )
          : a.target === 'line'
            ? lineOf(text, m.index, end)
            : secret;
      return a.res.some((re) => re.test(target));
    });
  };
}

let compiled: { rules: readonly Rule[]; always: readonly Rule[]; keywords: RegExp } | undefined;

/**
 * A regex whose leading `\b` (before a token's first letter) also holds right after an escape: in `…\nsk-…` (a file's text
 * inside a logged JSON string) `n` and `s` are both word characters. A lookbehind, so that V8 still scans for the literal.
 */
const bounded = (source: string, flags: string) =>
  new RegExp(source.replace(/(^|\||\((?:\?:)?)\\b/g, String.raw`$1(?<!(?<!\\)\w)`), flags);

/**
 * Every rule, compiled on first use (redaction runs only when a bundle is written): ours, then gitleaks'; and one regex
 * that finds which rule keywords a text holds in a single pass (longest first; a prefix of a found one is there too).
 */
function rules(): { rules: readonly Rule[]; always: readonly Rule[]; keywords: RegExp } {
  if (compiled) return compiled;
  const global = DATA.allow;
  const list: Rule[] = [
    ...OURS.map((r) => ({ ...r, re: bounded(r.re.source, r.re.flags) })),
    ...DATA.rules.map(
      (d): Rule => ({
        re: bounded(d.regex, `${d.flags}gd`),
        ...(d.group ? { group: d.group } : {}),
        ...(d.keywords ? { keywords: d.keywords } : {}),
        ...(d.entropy ? { entropy: d.entropy } : {}),
        extend: true,
        keep: allowlists([global, ...(d.allow ?? [])]),
      }),
    ),
  ];
  compiled = {
    rules: list,
    always: list.filter((r) => !r.keywords),
    keywords: new RegExp(trie(list.flatMap((r) => r.keywords ?? [])), 'g'),
  };
  return compiled;
}

/** A regex matching any of `words`, as a trie (`a(?:pi|3-)|…`): a dozen times faster than a flat alternation. At each offset it takes the longest. */
function trie(words: readonly string[]): string {
  interface Node extends Map<string, Node> {
    end?: boolean;
  }
  const root: Node = new Map();
  for (const w of words) {
    let node = root;
    for (const ch of w) node = node.get(ch) ?? node.set(ch, new Map()).get(ch)!;
    node.end = true;
  }
  const emit = (node: Node): string => {
    const alts = [...node].map(([ch, next]) => ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&') + emit(next));
    const body = alts.length > 1 ? `(?:${alts.join('|')})` : (alts[0] ?? '');
    return node.end && body ? `(?:${body})?` : body;
  };
  return emit(root);
}

/** The rule keywords in `lower` (a lower-cased text): the longest at each offset, and its prefixes, which are there too. */
function keywordsIn(lower: string, scan: RegExp): Set<string> {
  const found = new Set<string>();
  scan.lastIndex = 0;
  for (let m = scan.exec(lower); m; m = scan.exec(lower)) {
    for (let n = 1; n <= m[0].length; n++) found.add(m[0].slice(0, n));
    scan.lastIndex = m.index + 1;
  }
  return found;
}

/** `text` with every secret `rule` finds replaced. */
function applyRule(text: string, rule: Rule): string {
  const re = rule.re;
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    const g =
      rule.group ??
      Math.max(
        0,
        m.findIndex((v, i) => i > 0 && !!v),
      );
    let [start, end] = m.indices![g] ?? m.indices![0]!;
    // Never half an escape: a JSON string's `\"` stays whole.
    while (end > start && text[end - 1] === '\\') end--;
    const secret = text.slice(start, end);
    if (start < last || !secret || secret.includes(REDACTED)) continue;
    if (rule.entropy !== undefined && shannon(secret) <= rule.entropy) continue;
    if (rule.keep && !rule.keep(secret, m, text)) continue;
    out += text.slice(last, start) + REDACTED;
    last = rule.extend ? end + (/^[\w+/=.-]*[\w+/=-]/.exec(text.slice(end, end + 200))?.[0].length ?? 0) : end;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Name segments that make a key secret: `api_key`, `apiKey`, `x-api-key`, `access_token`, `password`, `DB_PASS` (not `max_tokens`). */
const SECRET_SEGMENTS = new Set([
  'key',
  'apikey',
  'token',
  'secret',
  'secrets',
  'password',
  'passwd',
  'pwd',
  'pass',
  'pw',
  'passphrase',
  'passcode',
  'credential',
  'credentials',
  'creds',
  'auth',
  'authorization',
  'cookie',
  'bearer',
  'privatekey',
  'signature',
  'jwt',
]);
/** Words ending so are secret names too (`PGPASSWORD`, `dbpass`, `clientsecret`, `authtoken`), except these. */
const SECRET_END =
  /(?:password|passwd|passphrase|secret|token|pass|pwd|(?:api|access|secret|private|signing|master|encryption|auth|session)key)$/;
const NOT_SECRET_WORDS = new Set([
  'bypass',
  'compass',
  'encompass',
  'surpass',
  'trespass',
  'overpass',
  'underpass',
  'oldpwd',
]);
/** A last word that says the value is about a secret, not the secret: `token_count`, `api_key_id`, `password_file`, `auth_type`. */
const NOT_SECRET_TAIL = new Set([
  'count',
  'counts',
  'limit',
  'limits',
  'len',
  'length',
  'size',
  'type',
  'kind',
  'name',
  'id',
  'ids',
  'file',
  'path',
  'dir',
  'url',
  'uri',
  'endpoint',
  'env',
  'var',
  'method',
  'mode',
  'provider',
  'source',
  'usage',
  'used',
  'expiry',
  'expires',
  'ttl',
  'set',
  'present',
  'missing',
  'enabled',
  'configured',
  'required',
  'hint',
  'policy',
  'format',
  'version',
]);

const secretWord = (w: string) => SECRET_SEGMENTS.has(w) || (SECRET_END.test(w) && !NOT_SECRET_WORDS.has(w));
/** Names seen, with the answer: a log repeats the same few keys on every row. */
const NAMES = new Map<string, boolean>();

/** True when a key's name says its value is a secret. */
export function isSecretName(name: string): boolean {
  let secret = NAMES.get(name);
  if (secret === undefined) {
    const words = name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    secret = words.some(secretWord) && !(words.length > 1 && NOT_SECRET_TAIL.has(words.at(-1)!));
    if (NAMES.size >= 4096) NAMES.clear();
    NAMES.set(name, secret);
  }
  return secret;
}

/**
 * `name<sep>value`: JSON ("k": "v", also escaped inside a JSON string), k=v, k: v, k => v, Rust's `k: Some("v")`; a name may
 * follow a JSON escape (`\nPGPASSWORD=…` in a logged file's text).
 * The value: a quoted string (escapes kept), or a run up to a delimiter.
 */
const PAIR =
  /(?<!(?<!\\)[\w.])(\\?["']?)([A-Za-z_][\w.-]*)\1([ \t]*(?::=|=>|[=:])[ \t]*(?:Some\()?)(?:(\\?["'])((?:(?!\4)(?:\\.|[^\\\n]))*)\4|([^\s,;&"'`<>(){}[\]|\\]+))/g;

/** Values of secret-named keys, and random-looking values under any name (not hex, UUIDs, paths). A `/name=value` in a path ends at the next `/`. */
function redactPairs(text: string): string {
  return text.replace(
    PAIR,
    (
      all,
      q1: string,
      name: string,
      sep: string,
      vq: string | undefined,
      quoted: string | undefined,
      bare: string | undefined,
      offset: number,
    ) => {
      let value = quoted ?? bare ?? '';
      let tail = '';
      if (bare !== undefined && q1 === '' && text[offset - 1] === '/' && value.includes('/'))
        [value, tail] = [value.slice(0, value.indexOf('/')), value.slice(value.indexOf('/'))];
      if (!value || /^\/\/|^(Bearer|Basic|Token)$|^(?:true|false|null|none|nil)$/i.test(value)) return all;
      if (!value.includes(REDACTED) && (isSecretName(name) || looksRandom(value)))
        return `${q1}${name}${q1}${sep}${vq ?? ''}${REDACTED}${vq ?? ''}${tail}`;
      // A string that holds pairs of its own (JSON in a JSON string, a file's text in a tool call) is looked into.
      return quoted !== undefined && /[=:]/.test(quoted)
        ? `${q1}${name}${q1}${sep}${vq}${redactPairs(quoted)}${vq}`
        : all;
    },
  );
}

/** Scrubs secrets out of free text: secret shapes (ours, then gitleaks'), then values of secret-named keys and random-looking values. */
export function redactText(text: string): string {
  if (text.length < 4) return text;
  const { rules: list, always, keywords } = rules();
  const present = keywordsIn(text.toLowerCase(), keywords);
  let out = text;
  for (const rule of present.size ? list : always)
    if (!rule.keywords || rule.keywords.some((k) => present.has(k))) out = applyRule(out, rule);
  return redactPairs(out);
}

/** `-c key=value` / `--config key=value`: the next argument is a config override, not a prompt. */
const CONFIG_FLAG = /^(?:-c|--config)$/;

/**
 * Redacts codex's argv: `--api-key x`, `--token=x`, `-c api_key=x`, secrets in any argument; the prompt (an argument with
 * whitespace that is neither an option, a config override nor a path) is user content and goes whole, its length kept.
 */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const long = /^--?([A-Za-z][\w-]*)(=(.*))?$/s.exec(arg);
    if (long && isSecretName(long[1]!)) {
      if (long[2] !== undefined) out.push(`${arg.slice(0, arg.indexOf('=') + 1)}${REDACTED}`);
      else {
        out.push(arg);
        if (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) {
          out.push(REDACTED);
          i++;
        }
      }
      continue;
    }
    const prose =
      /\s/.test(arg) &&
      !arg.startsWith('-') &&
      !CONFIG_FLAG.test(argv[i - 1] ?? '') &&
      !/^(?:~|\.{0,2})\/|^[A-Za-z]:[\\/]/.test(arg);
    out.push(prose ? `[PROMPT: ${arg.length} chars redacted]` : redactText(arg));
  }
  return out;
}

/** The allow-listed variables of an environment, their values scrubbed too. */
export function redactEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ENV_ALLOW) {
    const value = env[name];
    if (value !== undefined) out[name] = redactText(value);
  }
  return out;
}

/** Deep redaction of JSON-able data: secret-named keys lose their values, strings are scrubbed. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        isSecretName(k) && v !== null && typeof v !== 'object' ? REDACTED : redactValue(v),
      ]),
    );
  }
  return value;
}
