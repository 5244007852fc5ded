// Redaction for everything that goes into a bundle: env allow-list, secret patterns, secret-named keys. Pure.

/** The only environment variables a bundle keeps. */
export const ENV_ALLOW: readonly string[] = [
  'TERM', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'COLORTERM', 'SHELL', 'LANG', 'LC_ALL', 'LC_CTYPE',
  'CODEX_HOME', 'CODEX_SQLITE_HOME',
];

/** What a secret is replaced by. */
export const REDACTED = '[REDACTED]';

/** Well-known token shapes, replaced wherever they appear. */
const TOKENS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  [/\bsk-[A-Za-z0-9][A-Za-z0-9_-]{9,}/g, REDACTED],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\bAKIA[0-9A-Z]{16}\b/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED],
  // Credentials in URLs: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, `$1:${REDACTED}@`],
];

/** Name segments that make a key secret: `api_key`, `apiKey`, `x-api-key`, `access_token`, `password` (not `max_tokens`). */
const SECRET_SEGMENTS = new Set(['key', 'apikey', 'token', 'secret', 'secrets', 'password', 'passwd', 'pwd', 'passphrase', 'credential', 'credentials', 'auth', 'authorization', 'cookie', 'bearer', 'privatekey']);

/** True when a key's name says its value is a secret. */
export function isSecretName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_SEGMENTS.has(w));
}

const QUOTED_PAIR = /(["'])([A-Za-z_][\w.-]*)\1(\s*:\s*)(["'])((?:\\.|(?!\4)[^\\])*)\4/g;
const PLAIN_PAIR = /(^|[\s,;&?{(\[])(["']?)([A-Za-z_][\w.-]*)\2(\s*[=:]\s*)(\[REDACTED\]|"(?:\\.|[^"\\])*"|'[^']*'|[^\s,;&"'}\])]+)/g;

/** Scrubs secrets out of free text: token shapes, then values of secret-named keys (JSON, `k=v`, `k: v`). */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TOKENS) out = out.replace(pattern, replacement);
  out = out.replace(QUOTED_PAIR, (all, q: string, name: string, sep: string, vq: string) => (isSecretName(name) ? `${q}${name}${q}${sep}${vq}${REDACTED}${vq}` : all));
  out = out.replace(PLAIN_PAIR, (all, lead: string, q: string, name: string, sep: string, value: string) => {
    if (!isSecretName(name) || value.includes(REDACTED) || /^\/\/|^(Bearer|Basic|Token)$/i.test(value)) return all;
    const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
    return `${lead}${q}${name}${q}${sep}${quote}${REDACTED}${quote}`;
  });
  return out;
}

/** Redacts codex's argv: `--api-key x`, `--token=x`, `-c api_key=x`, and any token shape in any argument. */
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
    out.push(redactText(arg));
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
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretName(k) && v !== null && typeof v !== 'object' ? REDACTED : redactValue(v)]));
  }
  return value;
}
