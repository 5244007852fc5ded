// `logs.filter`: a RUST_LOG-style filter (tracing-subscriber's EnvFilter directive syntax), parsed and compiled to SQL. Pure.
//
// The syntax and its meaning follow tracing-subscriber's EnvFilter (docs.rs/tracing-subscriber, `EnvFilter`, "Directives"):
// - comma-separated directives: `level` (the default), `target=level`, or `target` alone (every level of it);
// - a directive's target matches every target that starts with it (a plain string prefix), the longest match winning;
// - a target no directive names gets the default level, and with no default nothing of it is kept;
// - levels are off, error, warn, info, debug, trace (any case, or 0 to 5); a level keeps itself and everything above.
// Span and field directives (`target[span{field=value}]=level`) cannot be judged on a stored row, so they are refused.

/** The levels a directive can name, least verbose first; the index is tracing's verbosity (OFF keeps nothing). */
export const LEVELS = ['OFF', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] as const;
export type FilterLevel = (typeof LEVELS)[number];

/** One directive: a target prefix (undefined for the default) and the most verbose level it keeps. */
export interface Directive {
  target: string | undefined;
  level: FilterLevel;
}

/** A parsed filter: its directives (one per target, the last one written winning) and their canonical text. */
export type ParsedFilter = { ok: true; directives: Directive[]; text: string } | { ok: false; reason: string };

/**
 * Characters a target may have here: Rust module paths (`codex_core::session`) and the names crates give their
 * targets (`codex_otel.log_only`, `h2`). Nothing that could end a SQL string or a comment.
 */
const TARGET = /^[A-Za-z0-9_:.\-@/]+$/;

function levelOf(text: string): FilterLevel | undefined {
  const word = text.trim().toUpperCase();
  if (/^[0-5]$/.test(word)) return LEVELS[Number(word)];
  return LEVELS.find((l) => l === word);
}

/** Parses `text`; a directive that is not understood fails the whole filter, with the reason naming it. */
export function parseFilter(text: string): ParsedFilter {
  const byTarget = new Map<string | undefined, FilterLevel>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    if (/[[\]{}]/.test(part))
      return { ok: false, reason: `"${part}": span and field filters cannot be applied to stored log rows` };
    const eq = part.indexOf('=');
    if (eq === -1) {
      const level = levelOf(part);
      if (level !== undefined) byTarget.set(undefined, level);
      else if (TARGET.test(part)) byTarget.set(part, 'TRACE');
      else return { ok: false, reason: `"${part}" is neither a level nor a target` };
      continue;
    }
    const target = part.slice(0, eq).trim();
    const level = levelOf(part.slice(eq + 1));
    if (level === undefined)
      return {
        ok: false,
        reason: `"${part}": "${part.slice(eq + 1).trim()}" is not a level (off, error, warn, info, debug, trace)`,
      };
    if (!TARGET.test(target))
      return { ok: false, reason: `"${part}": "${target}" is not a target (letters, digits and _ : . - @ /)` };
    byTarget.delete(target);
    byTarget.set(target, level);
  }
  if (byTarget.size === 0) return { ok: false, reason: 'no directives' };
  const directives = [...byTarget].map(([target, level]) => ({ target, level }));
  const canonical = directives
    .map((d) => (d.target === undefined ? d.level.toLowerCase() : `${d.target}=${d.level.toLowerCase()}`))
    .join(',');
  return { ok: true, directives, text: canonical };
}

/** Pure: whether a row at `level` from `target` is kept, as EnvFilter would decide it (the reference the SQL is tested against). */
export function keeps(directives: readonly Directive[], target: string, level: string): boolean {
  // Codex stores tracing's Level::as_str(), upper-case; anything else (another case, another word) is kept, as the SQL does.
  const rank = LEVELS.indexOf(level as FilterLevel);
  if (rank <= 0) return true;
  const match = directives
    .filter((d) => d.target !== undefined && target.startsWith(d.target))
    .sort((a, b) => b.target!.length - a.target!.length)[0];
  const allowed = match?.level ?? directives.find((d) => d.target === undefined)?.level ?? 'OFF';
  return rank <= LEVELS.indexOf(allowed);
}

/**
 * The SQL condition that is true for a row the filter drops: the row's level is more verbose than what its target
 * keeps. Targets are tried longest first (`substr(..) =`, not LIKE, where `_` would be a wildcard).
 */
export function dropCondition(directives: readonly Directive[]): string {
  const rank = (l: FilterLevel) => LEVELS.indexOf(l);
  const fallback = rank(directives.find((d) => d.target === undefined)?.level ?? 'OFF');
  const targeted = directives
    .filter((d): d is Directive & { target: string } => d.target !== undefined)
    .sort((a, b) => b.target.length - a.target.length);
  const allowed = targeted.length
    ? `CASE ${targeted.map((d) => `WHEN substr(NEW.target, 1, ${d.target.length}) = '${d.target}' THEN ${rank(d.level)}`).join(' ')} ELSE ${fallback} END`
    : String(fallback);
  const row = `CASE NEW.level ${LEVELS.slice(1)
    .map((l, i) => `WHEN '${l}' THEN ${i + 1}`)
    .join(' ')} ELSE 0 END`;
  return `(${row}) > (${allowed})`;
}
