// The names of the files a rotation makes beside a DB; their presence is the rotation's state, read back by recovery.
//
// For a DB `logs_2.sqlite`:
//   logs_2.sqlite.codexguard-build           new DB being written (a leftover is garbage)
//   logs_2.sqlite.codexguard-ready           new DB complete and fsynced, old set already linked into
//                                            a partial archive: a leftover means "finish the swap"
//   logs_2.sqlite.<stamp>.archive.partial/   hard links of the old db + -wal, made before the swap
//   logs_2.sqlite.<stamp>.archive/           a finished archive (db [+ -wal])
//   logs_2.sqlite.<stamp>.archive.tgz        the same, compressed (.tgz.partial while being written)
//   logs_2.sqlite.<stamp>.archive.restoring/ a compressed archive unpacked for `codexguard restore`

/** Suffix of the new DB while it is being written. */
export const BUILD = '.codexguard-build';
/** Suffix of the complete new DB waiting to be renamed over the old one. */
export const READY = '.codexguard-ready';
/** Suffix of a finished archive directory. */
export const ARCHIVE = '.archive';
/** Suffix of a compressed archive. */
export const ARCHIVE_TGZ = '.archive.tgz';
/** Suffixes of an archive still being made, packed or unpacked. */
export const ARCHIVE_PARTIAL = '.archive.partial';
export const ARCHIVE_TGZ_PARTIAL = '.archive.tgz.partial';
export const ARCHIVE_RESTORING = '.archive.restoring';

const STAMP = String.raw`\d{8}T\d{6}\.\d{3}Z`;
const ARCHIVE_RE = new RegExp(
  String.raw`^(.+\.sqlite)\.(${STAMP})(\.archive(?:\.tgz|\.partial|\.tgz\.partial|\.restoring)?)$`,
);
const WORK_RE = /^(.+\.sqlite)(\.codexguard-(?:build|ready))(-wal|-shm|-journal)?$/;

/** A name a rotation made: which DB it belongs to and what it is. */
export interface RotationName {
  db: string;
  kind: 'build' | 'ready' | 'archive' | 'archive-tgz' | 'partial' | 'tgz-partial' | 'restoring';
  stamp?: string;
  /** A SQLite sidecar (-wal, -shm, -journal) of a build or ready file. */
  sidecar?: string;
}

const ARCHIVE_KINDS: Record<string, RotationName['kind']> = {
  [ARCHIVE]: 'archive',
  [ARCHIVE_TGZ]: 'archive-tgz',
  [ARCHIVE_PARTIAL]: 'partial',
  [ARCHIVE_TGZ_PARTIAL]: 'tgz-partial',
  [ARCHIVE_RESTORING]: 'restoring',
};

/** Parses a directory entry made by a rotation; undefined for anything else. */
export function parseRotationName(name: string): RotationName | undefined {
  const work = WORK_RE.exec(name);
  if (work) return { db: work[1]!, kind: work[2] === BUILD ? 'build' : 'ready', sidecar: work[3] };
  const archive = ARCHIVE_RE.exec(name);
  if (archive) return { db: archive[1]!, stamp: archive[2]!, kind: ARCHIVE_KINDS[archive[3]!]! };
  return undefined;
}

/** A UTC stamp with milliseconds that sorts as text: 20260619T052106.123Z. */
export function stampOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

/** The name of an archive of `db` made at `date`, with the given suffix (ARCHIVE, ARCHIVE_PARTIAL, ...). */
export function archiveName(db: string, date: Date, suffix: string = ARCHIVE): string {
  return `${db}.${stampOf(date)}${suffix}`;
}
