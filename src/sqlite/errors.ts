// Turns SQLite and file-system errors into codexguard's result codes and one-line messages.
import { accessSync, constants } from 'node:fs';
import { abiMismatch, oneLine } from '../errors.ts';
import type { Code, Outcome } from '../outcome.ts';

/** The codes a pre-flight step can end with (OK when it did what it set out to do). */
export type ResultCode =
  | 'OK'
  | 'E_BUSY'
  /** Not done now because Codex is in use; done once it is idle (not a failure of a scheduled run). */
  | 'W_DEFERRED'
  | 'E_IN_USE'
  | 'E_DISK_FULL'
  | 'E_READONLY'
  | 'E_NOT_SQLITE'
  | 'E_CORRUPT'
  | 'E_NOT_LOG_DB'
  | 'E_HOT_JOURNAL'
  | 'E_MISSING'
  | 'E_CANTOPEN'
  | 'E_NO_LINKS'
  | 'E_OPENERS_UNKNOWN'
  /** better-sqlite3 was built for another Node.js (after a Node upgrade): the line names the rebuild. */
  | 'E_SQLITE_ABI'
  | 'E_IO';

const KNOWN = new Set(['E_NOT_LOG_DB', 'E_OPENERS_UNKNOWN', 'E_NO_LINKS', 'E_IN_USE', 'E_HOT_JOURNAL']);

/** What every pre-flight step returns instead of throwing: an Outcome with a step's code. */
export type StepResult = Outcome<ResultCode>;

/** Every result code is one of codexguard's codes (this fails to compile when one is not). */
const RESULT_CODES_ARE_CODES: Exclude<ResultCode, 'OK'> extends Code ? true : never = true;
void RESULT_CODES_ARE_CODES;

/** The result code for an error thrown by better-sqlite3 or node:fs. */
export function codeOf(error: unknown): ResultCode {
  if (abiMismatch(error)) return 'E_SQLITE_ABI';
  const code = String((error as { code?: unknown })?.code ?? '');
  if (KNOWN.has(code)) return code as ResultCode;
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return 'E_BUSY';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') return 'E_DISK_FULL';
  if (/^SQLITE_READONLY/.test(code) || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'E_READONLY';
  if (code === 'SQLITE_NOTADB') return 'E_NOT_SQLITE';
  if (/^SQLITE_CORRUPT/.test(code)) return 'E_CORRUPT';
  if (code === 'ENOENT') return 'E_MISSING';
  if (/^SQLITE_CANTOPEN/.test(code)) return 'E_CANTOPEN';
  return 'E_IO';
}

/** The first line of an error's message. */
export function reasonOf(error: unknown): string {
  return oneLine(error);
}

/** A failed step's result from an error, prefixed with what was being done. */
export function failure(doing: string, error: unknown): StepResult {
  return { ok: false, code: codeOf(error), message: `${doing}: ${reasonOf(error)}` };
}

/** A failure result when `dir` cannot be written (read-only mount or permissions), else undefined. */
export function readOnly(dir: string, doing: string): StepResult | undefined {
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    return {
      ok: false,
      code: 'E_READONLY',
      message: `cannot ${doing}: ${dir} is not writable (${(error as NodeJS.ErrnoException).code})`,
    };
  }
}
