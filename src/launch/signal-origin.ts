// Whether a SIGINT or SIGWINCH that reached the shim came from its terminal (which signals codex too) or was sent to the shim's pid alone.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { programOnPath } from '../resolve/path-walk.ts';
import { maybeTerminal } from '../terminal/save.ts';

/** What the terminal looks like when a signal arrives. */
export interface TerminalView {
  /** The shim's process group is its terminal's foreground group (false: no terminal, or in the background). */
  foreground: boolean;
  /** The terminal turns Ctrl-C into SIGINT (`isig`); false in raw mode, as codex's TUI sets it. Unknown counts as true. */
  isig: boolean;
}

/**
 * Pure: must the shim pass this signal on? The terminal sends SIGINT (Ctrl-C, only with `isig`) and SIGWINCH
 * (a resize) to its whole foreground group, codex included, so passing those on would deliver them twice. Any
 * other arrival was meant for the shim's pid alone, and reaches codex only through the shim.
 */
export function mustForward(signal: 'SIGINT' | 'SIGWINCH', view: TerminalView): boolean {
  if (!view.foreground) return true;
  return signal === 'SIGINT' && !view.isig;
}

/** Pure: pgrp and tpgid from a /proc/<pid>/stat line (comm may hold spaces and parentheses). */
export function groupsFromStat(stat: string): { pgrp: number; tpgid: number } | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(fields[2]);
  const tpgid = Number(fields[5]);
  return Number.isInteger(pgrp) && Number.isInteger(tpgid) ? { pgrp, tpgid } : undefined;
}

/** Pure: is `isig` on in `stty -a` output (GNU and BSD print `isig` or `-isig` as a word)? Unknown is true. */
export function isigFrom(sttyA: string): boolean {
  return !/(^|\s)-isig(\s|$)/.test(sttyA);
}

function run(name: string, args: string[], stdin: 'inherit' | 'ignore'): string | undefined {
  const file = programOnPath(name);
  if (file === undefined) return undefined;
  const r = spawnSync(file, args, { stdio: [stdin, 'pipe', 'ignore'], encoding: 'utf8', timeout: 1000 });
  return r.status === 0 ? r.stdout : undefined;
}

/** The shim's process group and its terminal's foreground group: /proc on Linux, `ps` elsewhere (only when a signal comes). */
function groups(): { pgrp: number; tpgid: number } | undefined {
  try {
    return groupsFromStat(readFileSync('/proc/self/stat', 'utf8'));
  } catch {
    const out = run('ps', ['-o', 'pgid=,tpgid=', '-p', String(process.pid)], 'ignore');
    const [pgrp, tpgid] = (out ?? '').trim().split(/\s+/).map(Number);
    return Number.isInteger(pgrp) && Number.isInteger(tpgid) ? { pgrp: pgrp!, tpgid: tpgid! } : undefined;
  }
}

/**
 * Looks at the terminal now (a few ms, only when SIGINT or SIGWINCH arrives). When it cannot tell, it answers
 * "from the terminal": a signal passed on twice is worse than one missed by a sender who meant the shim.
 */
export function viewTerminal(needIsig: boolean): TerminalView {
  try {
    const g = groups();
    if (g === undefined) return { foreground: true, isig: true };
    const foreground = g.tpgid > 0 && g.tpgid === g.pgrp;
    if (!foreground || !needIsig) return { foreground, isig: true };
    // Never process.stdin: its stream would change the flags of the terminal that codex shares.
    const stty = maybeTerminal(0) ? run('stty', ['-a'], 'inherit') : undefined;
    return { foreground, isig: stty === undefined ? true : isigFrom(stty) };
  } catch {
    return { foreground: true, isig: true };
  }
}
