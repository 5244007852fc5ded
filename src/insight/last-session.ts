// The newest ended session from the registry's history: what codex wrote and how each DB grew (doctor and status).
import { readFileSync } from 'node:fs';
import type { DbSnapshot } from '../bundle/types.ts';
import { ago, humanSize } from '../human.ts';
import { historyFile, type SessionEntry } from '../registry/session.ts';

/** The newest line of the session history: when it ended, the bytes codex wrote, each DB's size (main + WAL) at its start and end. */
export interface LastSession {
  pid: number;
  endedAt: number;
  codexWroteBytes?: number | undefined;
  growth: Array<{ name: string; before: number; after: number }>;
}

/** "last session (pid 4250, 3 min ago): codex wrote 45.2 MB; logs_2.sqlite 12.0 MB → 12.5 MB". */
export function describeLast(l: LastSession, now: number): string {
  const grew = l.growth
    .filter((g) => g.after !== g.before)
    .map((g) => `${g.name} ${humanSize(g.before)} → ${humanSize(g.after)}`);
  const wrote = l.codexWroteBytes === undefined ? [] : [`codex wrote ${humanSize(l.codexWroteBytes)}`];
  const parts = [...wrote, ...grew];
  return `last session (pid ${l.pid}, ended ${ago(now - l.endedAt)} ago)${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

/** The newest ended session in the history, with its figures (undefined when there is none). */
export function gatherLastSession(codexHome: string): LastSession | undefined {
  let text: string;
  try {
    text = readFileSync(historyFile(codexHome), 'utf8');
  } catch {
    return undefined;
  }
  const line = text.trimEnd().split('\n').pop();
  try {
    const e = JSON.parse(line ?? '') as Partial<SessionEntry> & { endedAt?: number };
    const total = (list: DbSnapshot['dbs'] | undefined, name: string) => {
      const db = list?.find((d) => d.name === name);
      return db ? db.size + db.walSize : 0;
    };
    const names = [
      ...new Set([...(e.figures?.start?.dbs ?? []), ...(e.figures?.last?.dbs ?? [])].map((d) => d.name)),
    ].sort();
    const growth = names.map((name) => ({
      name,
      before: total(e.figures?.start?.dbs, name),
      after: total(e.figures?.last?.dbs, name),
    }));
    return typeof e.pid === 'number' && typeof e.endedAt === 'number'
      ? { pid: e.pid, endedAt: e.endedAt, codexWroteBytes: e.figures?.codexWroteBytes, growth }
      : undefined;
  } catch {
    return undefined;
  }
}
