// The one table of `.codexguardrc` keys: type, default, who may set it, how a project may tighten it, and its doc.
// Pure data with no schema library, so the launch path can read defaults without loading zod.

/** How a key's value is written in a file; each has a schema and an expected form in types.ts. */
export type KeyType = 'size' | 'duration' | 'int' | 'bool' | 'enum' | 'path' | 'signals' | 'levels' | 'filter';

/**
 * Which direction is tighter, for keys a project-level file may set: `lower` (smaller numbers),
 * `higher` (bigger numbers), `true` (true over false), or an order of enum values from loosest to tightest.
 */
export type Tighten = 'lower' | 'higher' | 'true' | readonly string[];

/** One key: `tighten` absent means user-level only (programs, directories, preferences that are not limits). */
export interface KeySpec {
  type: KeyType;
  default: unknown;
  doc: string;
  tighten?: Tighten;
  /** Smallest allowed value for numbers (bytes, ms or a count). */
  min?: number;
  /**
   * Smallest value a project file may tighten a number to: a cloned repository may make the guard
   * stricter, but not wipe the user's log history or archives (say `logs.keepRows: 0, logs.archives: 0`).
   */
  projectMin?: number;
  /** Allowed values of an enum or of a list's items. */
  values?: readonly string[];
  /** For a path whose default is null: what applies when it is not set. */
  unset?: string;
}

const SIZE_DOC = 'a size: "100MB" (10^6), "50 MiB" (2^20), or a plain number of bytes';

/** Every key, in display order. Adding a key is one entry here (and its consumer reads `config[key]`). */
export const KEYS = {
  'logs.maxSize': {
    type: 'size',
    default: 100_000_000,
    tighten: 'lower',
    min: 0,
    projectMin: 10_000_000,
    doc: `A log DB (main file + -wal) over this is rotated; ${SIZE_DOC}.`,
  },
  'logs.keepRows': {
    type: 'int',
    default: 20_000,
    tighten: 'lower',
    min: 0,
    projectMin: 1_000,
    doc: 'A rotation keeps at most this many of the newest log rows.',
  },
  'logs.keepDays': {
    type: 'int',
    default: 14,
    tighten: 'lower',
    min: 0,
    projectMin: 1,
    doc: 'A rotation keeps no log row older than this many days.',
  },
  'logs.archives': {
    type: 'int',
    default: 3,
    tighten: 'lower',
    min: 0,
    projectMin: 1,
    doc: 'Archives kept per log DB; older ones are deleted.',
  },
  'logs.compress': {
    type: 'bool',
    default: true,
    tighten: 'true',
    doc: 'Gzip archives after a rotation, off the launch path.',
  },
  'logs.dropLevels': {
    type: 'levels',
    default: [],
    values: ['TRACE', 'DEBUG', 'INFO'],
    doc: 'Log levels whose inserts a SQLite trigger drops, e.g. ["TRACE"].',
  },
  'logs.filter': {
    type: 'filter',
    default: null,
    unset: 'no filter',
    doc: 'A RUST_LOG-style filter of the rows stored, e.g. "info,codex_core::session=debug,codex_otel=off"; the same trigger drops what it does not keep.',
  },
  'wal.maxSize': {
    type: 'size',
    default: 32_000_000,
    tighten: 'lower',
    min: 0,
    projectMin: 1_000_000,
    doc: `A DB whose -wal is over this gets a PASSIVE, then a TRUNCATE checkpoint; ${SIZE_DOC}.`,
  },
  'wal.watchEvery': {
    type: 'duration',
    default: 30_000,
    min: 1_000,
    doc: 'While codex runs, the shim stats the DB files this often and checkpoints a -wal over wal.maxSize.',
  },
  'daemon.restart': {
    type: 'enum',
    default: 'idle',
    values: ['idle', 'never'],
    doc: "Codex's app-server daemon, when a log DB is due: stop it while it is idle to rotate (it is started again), or never stop it.",
  },
  'lock.timeout': {
    type: 'duration',
    default: 10_000,
    tighten: 'lower',
    min: 0,
    doc: "How long a shim waits for another shim's pre-flight before launching anyway.",
  },
  codexPath: {
    type: 'path',
    default: null,
    unset: 'the next codex on PATH',
    doc: 'The real codex to start. Unset, it is the next `codex` on PATH after the shim.',
  },
  'crash.signals': {
    type: 'signals',
    default: ['SIGTRAP', 'SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL'],
    doc: 'Signals that count as a crash (SIGINT, SIGTERM, SIGHUP, SIGPIPE never do).',
  },
  'crash.dir': { type: 'path', default: null, unset: 'CODEX_HOME/codexguard/crashes', doc: 'Where crash bundles go.' },
  'crash.logRows': { type: 'int', default: 500, tighten: 'lower', min: 0, doc: 'Log rows copied into a crash bundle.' },
  'crash.keep': {
    type: 'int',
    default: 20,
    tighten: 'lower',
    min: 1,
    doc: 'Crash bundles kept; older ones are deleted.',
  },
  'restart.mode': {
    type: 'enum',
    default: 'ask',
    values: ['always', 'ask', 'never'],
    tighten: ['always', 'ask', 'never'],
    doc: 'After a crash: restart without asking, ask on the terminal, or never.',
  },
  'restart.resume': {
    type: 'bool',
    default: true,
    doc: 'Restart an interactive session as `codex resume <id>` of the conversation that crashed (else `--last`).',
  },
  'restart.maxRestarts': {
    type: 'int',
    default: 3,
    tighten: 'lower',
    min: 0,
    doc: 'At most this many restarts within restart.window.',
  },
  'restart.window': {
    type: 'duration',
    default: 600_000,
    tighten: 'higher',
    min: 1_000,
    doc: "The crash-loop guard's window.",
  },
  'schedule.every': {
    type: 'duration',
    default: 900_000,
    min: 60_000,
    doc: 'How often the scheduled `codexguard maintain` runs.',
  },
} as const satisfies Record<string, KeySpec>;

/** A key of the table, e.g. `"logs.maxSize"`. */
export type Key = keyof typeof KEYS;

type ValueOf<S> = S extends { type: 'size' | 'duration' | 'int' }
  ? number
  : S extends { type: 'bool' }
    ? boolean
    : S extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : S extends { type: 'path' | 'filter' }
        ? string | null
        : string[];

/** The effective configuration, flat by dotted key: sizes in bytes, durations in ms, paths absolute or null (not set). */
export type Config = { -readonly [K in Key]: ValueOf<(typeof KEYS)[K]> };

/** Every key, in table order. */
export const KEY_NAMES = Object.keys(KEYS) as Key[];

/** The spec of a key (typed loosely, for code that walks the table). */
export function spec(key: Key): KeySpec {
  return KEYS[key];
}

/** A fresh copy of the defaults (lists copied, so callers may change them). */
export function defaults(): Config {
  const config = {} as Record<Key, unknown>;
  for (const key of KEY_NAMES) {
    const value: unknown = KEYS[key].default;
    config[key] = Array.isArray(value) ? [...value] : value;
  }
  return config as Config;
}

/** Where a value came from: "default", or the absolute path of the file that set it. */
export type Source = 'default' | (string & {});

/** Every key's source as "default". */
export function defaultSources(): Record<Key, Source> {
  return Object.fromEntries(KEY_NAMES.map((key) => [key, 'default'])) as Record<Key, Source>;
}
