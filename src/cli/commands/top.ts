// `codexguard top [--json] [--rows N]`: what fills Codex's log DB: the biggest targets and levels, and rows per day.
import { line } from '../../outcome.ts';
import { commandContext } from '../../command-context.ts';
import { humanSize } from '../../human.ts';
import type { Group } from '../../insight/log-queries.ts';
import { logTop, type LogTop } from '../../insight/top.ts';
import { scanInventory } from '../../inventory/scan.ts';
import { textTable } from '../../status/format.ts';
import { oneLine } from '../../errors.ts';

/** The human view of one log DB's figures. Pure. */
export function formatTop(name: string, t: LogTop): string {
  const share = (n: number) => (t.sampled ? `${Math.round((100 * n) / t.sampled)}%` : '-');
  const out = [
    `${name}: ${t.rows.toLocaleString('en')} rows; targets and levels from the newest ${t.sampled.toLocaleString('en')}`,
    '',
  ];
  const groups = (head: string, list: readonly Group[]) =>
    textTable(
      [
        [head, 'ROWS', 'SHARE', 'BYTES'],
        ...list.map((g) => [g.name, String(g.rows), share(g.rows), humanSize(g.bytes)]),
      ],
      true,
    );
  out.push(groups('TARGET', t.targets), '', groups('LEVEL', t.levels), '');
  const days = new Map<string, { rows: number; peak: number }>();
  for (const h of t.hours) {
    const d = days.get(h.hour.slice(0, 10)) ?? { rows: 0, peak: 0 };
    d.rows += h.rows;
    d.peak = Math.max(d.peak, h.rows);
    days.set(h.hour.slice(0, 10), d);
  }
  out.push(
    days.size
      ? textTable(
          [
            ['DAY (UTC)', 'ROWS', 'BUSIEST HOUR'],
            ...[...days].map(([day, d]) => [day, String(d.rows), String(d.peak)]),
          ],
          true,
        )
      : 'no rows in the last 7 days',
  );
  return out.join('\n');
}

/** Prints the figures of every log DB in Codex's SQLite home; exit 1 when one could not be read. */
export async function run(options: { json?: boolean; rows?: string }): Promise<number> {
  const { home } = await commandContext(true);
  const sampleRows = options.rows === undefined ? undefined : Number(options.rows);
  if (sampleRows !== undefined && !(Number.isInteger(sampleRows) && sampleRows > 0)) {
    process.stderr.write(`${line(`--rows takes a whole number above 0, not ${options.rows}`, 'E_USAGE')}\n`);
    return 2;
  }
  const logs = scanInventory(home.dir).dbs.filter((d) => d.kind === 'log' && d.exists);
  const results: Array<{ db: string } & (LogTop | { error: string })> = [];
  let status = 0;
  for (const db of logs) {
    const started = performance.now();
    try {
      results.push({
        db: db.name,
        ...logTop(db.path, sampleRows === undefined ? {} : { sampleRows }),
        ms: Math.round(performance.now() - started),
      } as { db: string } & LogTop);
    } catch (error) {
      results.push({ db: db.name, error: oneLine(error) });
      status = 1;
    }
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ version: 1, sqliteHome: home.dir, dbs: results }, null, 2)}\n`);
    return status;
  }
  if (results.length === 0) process.stdout.write(`codexguard: no log DB in ${home.dir}\n`);
  for (const r of results) {
    if ('error' in r) process.stderr.write(`${line(`cannot read ${r.db}: ${r.error}`, 'E_IO')}\n`);
    else process.stdout.write(`${formatTop(r.db, r)}\n`);
  }
  return status;
}
