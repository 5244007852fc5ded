// The argv a crashed codex comes back with: `resume --last` plus the user's global options. Pure.
// With `-c sqlite_home=…` (inventory/sqlite-home.ts), the only place codexguard looks at codex's arguments.
// Option table from `codex --help` and `codex resume --help` of codex-cli 0.169.0.

/** Global options that take a value, by long name, with their short letter. */
const VALUE_OPTIONS: Record<string, string | undefined> = {
  config: 'c',
  enable: undefined,
  disable: undefined,
  remote: undefined,
  'remote-auth-token-env': undefined,
  image: 'i',
  model: 'm',
  'local-provider': undefined,
  profile: 'p',
  sandbox: 's',
  cd: 'C',
  'add-dir': undefined,
  'ask-for-approval': 'a',
};
/** Global options without a value. */
const FLAGS = new Set([
  'strict-config',
  'oss',
  'approve-for-me',
  'dangerously-bypass-approvals-and-sandbox',
  'dangerously-bypass-hook-trust',
  'worktree',
  'search',
  'no-alt-screen',
  'no-daemon',
  'help',
  'version',
]);
/** Flags of `resume` and `fork` themselves. */
const SESSION_FLAGS = new Set(['last', 'all', 'include-non-interactive']);
const SHORT: Record<string, string> = {
  c: 'config',
  i: 'image',
  m: 'model',
  p: 'profile',
  s: 'sandbox',
  C: 'cd',
  a: 'ask-for-approval',
  h: 'help',
  V: 'version',
};
/** The subcommands and aliases each version's `codex --help` lists (a test checks the version under test against its own). */
// biome-ignore format: one line per version, as its `--help` lists them.
export const LISTED_SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  '0.141.0': ['exec', 'e', 'review', 'login', 'logout', 'mcp', 'plugin', 'mcp-server', 'app-server', 'remote-control', 'completion', 'update', 'doctor', 'sandbox', 'debug', 'apply', 'a', 'resume', 'archive', 'delete', 'unarchive', 'fork', 'cloud', 'exec-server', 'features', 'help'],
  '0.171.0': ['agents', 'exec', 'e', 'review', 'login', 'logout', 'mcp', 'plugin', 'app-server', 'remote-control', 'completion', 'update', 'doctor', 'sandbox', 'debug', 'apply', 'a', 'resume', 'queue', 'archive', 'delete', 'migrate-rollouts', 'migrate-nfs-db', 'unarchive', 'fork', 'cloud', 'exec-server', 'features', 'help'],
};
/** Subcommands no version lists: hidden ones. */
export const UNLISTED_SUBCOMMANDS: readonly string[] = ['responses-api-proxy', 'stdio-to-uds', 'execpolicy'];
/** A first positional that is one of these is a subcommand, not a prompt: a crashed `codex mcp-server` is not resumed as a TUI. */
const SUBCOMMANDS = new Set([...Object.values(LISTED_SUBCOMMANDS).flat(), ...UNLISTED_SUBCOMMANDS]);
/** Options not carried into the resumed run: the first prompt's images, a second new worktree, help, version. */
const DROPPED = new Set(['image', 'worktree', 'help', 'version']);

interface Parsed {
  subcommand?: string;
  /** Global options to keep, verbatim (option and value tokens). */
  kept: string[];
  flags: Set<string>;
  positionals: string[];
}

/** Splits argv into options (by the table above) and positionals; undefined on an option it does not know. */
function parse(argv: readonly string[]): Parsed | undefined {
  const out: Parsed = { kept: [], flags: new Set(), positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      if (out.subcommand === undefined && out.positionals.length === 0 && SUBCOMMANDS.has(token)) {
        out.subcommand = token;
        if (token !== 'resume' && token !== 'fork') return out;
      } else out.positionals.push(token);
      continue;
    }
    const long = token.startsWith('--');
    const name = long ? token.slice(2).split('=')[0]! : SHORT[token[1]!];
    const inline = long ? token.includes('=') : token.length > 2;
    if (name === undefined) return undefined;
    const inSession = out.subcommand !== undefined && SESSION_FLAGS.has(name);
    if (!inSession && !FLAGS.has(name) && !(name in VALUE_OPTIONS)) return undefined;
    const tokens = [token];
    if (name in VALUE_OPTIONS && !inline) {
      if (i + 1 >= argv.length) return undefined;
      tokens.push(argv[++i]!);
      // --image takes several files, up to the next option.
      while (name === 'image' && i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) tokens.push(argv[++i]!);
    }
    if (inSession || FLAGS.has(name)) out.flags.add(name);
    if (!inSession && !DROPPED.has(name)) out.kept.push(...tokens);
  }
  return out;
}

/**
 * The argv that resumes an interactive session (`codex`, `codex "prompt"`, `codex resume …`, `codex fork …`):
 * `resume --last` (or `resume <id>` when the user resumed that id) plus the global options, without the prompt.
 * undefined when argv is not an interactive session: another subcommand, --help/--version, or an option unknown to codex 0.169.
 */
export function resumeArgs(argv: readonly string[]): string[] | undefined {
  const parsed = parse(argv);
  if (parsed === undefined || parsed.flags.has('help') || parsed.flags.has('version')) return undefined;
  const { subcommand, flags, positionals, kept } = parsed;
  if (subcommand !== undefined && subcommand !== 'resume' && subcommand !== 'fork') return undefined;
  const id = subcommand === 'resume' && !flags.has('last') ? positionals[0] : undefined;
  const args = ['resume', id ?? '--last'];
  // A session in another directory (picked with --all, or in a new worktree) is only found across directories.
  if ((subcommand === 'resume' && flags.has('all')) || flags.has('worktree')) args.push('--all');
  if (flags.has('include-non-interactive')) args.push('--include-non-interactive');
  return [...args, ...kept];
}

/** How a crashed run comes back: resumed (interactive and `resume` on), or with its own argv; isExec for anything not interactive. */
export function restartArgs(argv: readonly string[], resume: boolean): { args: string[]; isExec: boolean } {
  const resumed = resumeArgs(argv);
  if (resumed === undefined) return { args: [...argv], isExec: true };
  return { args: resume ? resumed : [...argv], isExec: false };
}
