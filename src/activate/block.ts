// The marked PATH block for each shell language, and adding/removing it in a file's text (pure).
import type { Syntax } from './shells.ts';

export const BEGIN = '# >>> codexguard >>>';
export const END = '# <<< codexguard <<<';
const NOTE = '# Puts the codexguard `codex` shim first on PATH. `codexguard uninstall` removes this block.';

/** `s` as one single-quoted sh word. */
export function quoteSh(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** `s` as one single-quoted fish word (fish unescapes only \\ and \' inside). */
export function quoteFish(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** The block that puts `dir` first on PATH unless it already is first; ends with a newline. */
export function blockText(syntax: Syntax, dir: string): string {
  if (syntax === 'fish') {
    const d = quoteFish(dir);
    // Not fish_add_path: it would move entries around; and no duplicate entry either.
    return [
      BEGIN,
      NOTE,
      `if test "$PATH[1]" != ${d}`,
      `    if set -l i (contains -i -- ${d} $PATH)`,
      '        set -e PATH[$i]',
      '    end',
      `    set -gx --prepend PATH ${d}`,
      'end',
      END,
      '',
    ].join('\n');
  }
  const d = quoteSh(dir);
  // ${PATH:+:$PATH}: an empty PATH must not gain an empty entry (that would mean the cwd).
  return [
    BEGIN,
    NOTE,
    'case "$PATH" in',
    `  ${d}|${d}:*) ;;`,
    `  *) export PATH=${d}"\${PATH:+:$PATH}" ;;`,
    'esac',
    END,
    '',
  ].join('\n');
}

/** What install put into one file: a separator it needed, then the block. */
export interface Insertion {
  prefix: string;
  block: string;
}

/** Appends `block` at the end of `content`, after a newline if the file lacks one and a blank line for air. */
export function addBlock(content: string, block: string): { content: string; insertion: Insertion } {
  const prefix = separatorAfter(content);
  return { content: content + prefix + block, insertion: { prefix, block } };
}

/** The separator the block needs after `content`: none at the start or after a blank line, else a blank line. */
function separatorAfter(content: string): string {
  return content === '' || content.endsWith('\n\n') ? '' : content.endsWith('\n') ? '\n' : '\n\n';
}

/** True when `content` holds a codexguard block. */
export function hasBlock(content: string): boolean {
  return markedRange(content) !== undefined;
}

/** How a removal went: exact (the recorded text), markers (between the marker lines: the block was edited), none. */
export type Removal = 'exact' | 'markers' | 'none';

/** Removes what was inserted: the recorded text if still there, else anything between the markers. */
export function removeBlock(content: string, insertion?: Insertion): { content: string; how: Removal } {
  let how: Removal = 'none';
  if (insertion) {
    for (const text of [insertion.prefix + insertion.block, insertion.block]) {
      const at = content.lastIndexOf(text);
      if (at < 0) continue;
      // The separator counts only if it is the one addBlock would have put after the text before it.
      if (text !== insertion.block && separatorAfter(content.slice(0, at)) !== insertion.prefix) continue;
      content = splice(content, at, at + text.length);
      how = 'exact';
      break;
    }
  }
  for (let range = markedRange(content); range; range = markedRange(content)) {
    content = splice(content, range.start, range.end);
    if (how === 'none') how = 'markers';
  }
  return { content, how };
}

/** content without [start, end); keeps a line break between what was before and after. */
function splice(content: string, start: number, end: number): string {
  const before = content.slice(0, start);
  const after = content.slice(end);
  const glue = before !== '' && after !== '' && !before.endsWith('\n') && !after.startsWith('\n') ? '\n' : '';
  return before + glue + after;
}

/** The span from the start of a BEGIN line through the end of the following END line. */
function markedRange(content: string): { start: number; end: number } | undefined {
  const start = lineStartOf(content, BEGIN, 0);
  if (start === undefined) return undefined;
  const endLine = lineStartOf(content, END, start + BEGIN.length);
  if (endLine === undefined) return undefined;
  const newline = content.indexOf('\n', endLine);
  return { start, end: newline < 0 ? content.length : newline + 1 };
}

/** Index of the first line at or after `from` that starts with `marker`. */
function lineStartOf(content: string, marker: string, from: number): number | undefined {
  for (let at = content.indexOf(marker, from); at >= 0; at = content.indexOf(marker, at + 1)) {
    if (at === 0 || content[at - 1] === '\n') return at;
  }
  return undefined;
}
