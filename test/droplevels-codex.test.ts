// logs.dropLevels and logs.filter against the real pinned codex: its app-server keeps working and logging with the trigger
// in place, stores no row at a dropped level or outside the filter, and follows live changes of the trigger without a restart.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { applyDropLevels, dropLevelsStatus } from '../src/droplevels/apply.ts';
import { keeps, parseFilter } from '../src/droplevels/filter.ts';
import { appServer, codexDoctor, goldenHome, inspect } from './helpers/codex-home.ts';
import { waitFor } from './helpers/index.ts';

const DB_TROUBLE = /sqlite|database|migrat|malformed|corrupt|trigger/i;

/** Rows stored after `afterId`, counted by level (read on the side while codex writes). */
function levelsAfter(path: string, afterId: number): Record<string, number> {
  const db = new Database(path, { readonly: true, timeout: 5_000 });
  try {
    const rows = db.prepare('SELECT level, count(*) AS n FROM logs WHERE id > ? GROUP BY level').all(afterId) as Array<{
      level: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.level, r.n]));
  } finally {
    db.close();
  }
}

/** The counts by level of the rows stored after `afterId`, once `ready` holds for them (codex writes on its own time). */
function levelsOnce(path: string, afterId: number, ready: (l: Record<string, number>) => boolean, what: string) {
  return waitFor(
    () => {
      const l = levelsAfter(path, afterId);
      return ready(l) ? l : undefined;
    },
    40_000,
    what,
  );
}

/** Rows stored after `afterId`: target and level of each. */
function rowsAfter(path: string, afterId: number): Array<{ target: string; level: string }> {
  const db = new Database(path, { readonly: true, timeout: 5_000 });
  try {
    return db.prepare('SELECT target, level FROM logs WHERE id > ?').all(afterId) as Array<{
      target: string;
      level: string;
    }>;
  } finally {
    db.close();
  }
}

/** The target with the most rows at `level` among `rows`, skipping any that is a prefix of, or starts with, one in `not`. */
function busiest(
  rows: Array<{ target: string; level: string }>,
  level: string,
  not: string[] = [],
): string | undefined {
  const counts = new Map<string, number>();
  for (const r of rows)
    if (r.level === level && !not.some((n) => r.target.startsWith(n) || n.startsWith(r.target)))
      counts.set(r.target, (counts.get(r.target) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function maxId(path: string): number {
  const db = new Database(path, { readonly: true, timeout: 5_000 });
  try {
    return db.prepare('SELECT coalesce(max(id), 0) FROM logs').pluck().get() as number;
  } finally {
    db.close();
  }
}

test('the real codex app-server with the trigger: keeps working, stores no TRACE row, follows live changes, then a logs.filter', async (t) => {
  const home = await goldenHome(t);
  const path = join(home, 'logs_2.sqlite');
  const migrations = inspect(path).migrations;
  assert.equal(applyDropLevels(path, { levels: ['TRACE'] }).changed, true);

  // 1. Installed before codex starts: migrations pass over it, every request logs, nothing at TRACE is stored.
  const server = await appServer(t, home);
  const first = await server.startThread();
  assert.equal(first.error, undefined, 'thread/start answered');
  const a = await levelsOnce(path, 0, (l) => (l.INFO ?? 0) > 0 && (l.DEBUG ?? 0) > 0, 'INFO and DEBUG rows from codex');
  assert.equal(a.TRACE, undefined, `no TRACE row stored: ${JSON.stringify(a)}`);

  // 2. Removed while codex runs: TRACE rows come back (codex does write them; the trigger was what kept them out).
  const beforeRemoval = maxId(path);
  assert.equal(applyDropLevels(path, { levels: [] }).changed, true);
  await server.startThread();
  const b = await levelsOnce(path, beforeRemoval, (l) => (l.TRACE ?? 0) > 0, 'TRACE rows once the trigger is gone');
  assert.ok((b.INFO ?? 0) > 0, JSON.stringify(b));

  // 3. Replaced while codex runs (TRACE and DEBUG): rows go on arriving, none at those levels.
  assert.equal(applyDropLevels(path, { levels: ['DEBUG', 'TRACE'] }).action, 'create');
  const beforeReplace = maxId(path);
  await server.startThread();
  const c = await levelsOnce(path, beforeReplace, (l) => (l.INFO ?? 0) > 0, 'new INFO rows');
  assert.deepEqual([c.TRACE, c.DEBUG], [undefined, undefined], JSON.stringify(c));

  // 4. A logs.filter, compiled into the same trigger while codex runs: the target that wrote the most DEBUG rows in step
  // 2 stays at debug, the one that wrote the most INFO rows is off, the rest at info. Every row stored after that is one
  // the filter keeps (EnvFilter's rule, `keeps`), and none comes from the target that is off.
  const seen = rowsAfter(path, beforeRemoval);
  const debugTarget = busiest(seen, 'DEBUG');
  const offTarget = busiest(seen, 'INFO', debugTarget ? [debugTarget] : []);
  assert.ok(
    debugTarget && offTarget,
    `codex wrote DEBUG and INFO rows from two targets: ${JSON.stringify(seen.slice(0, 20))}`,
  );
  const filter = `info,${debugTarget}=debug,${offTarget}=off`;
  const parsed = parseFilter(filter);
  assert.ok(parsed.ok);
  assert.equal(applyDropLevels(path, { levels: [], filter }).action, 'replace');
  const beforeFilter = maxId(path);
  await server.startThread();
  await server.startThread();
  const d = await waitFor(
    () => {
      const rows = rowsAfter(path, beforeFilter);
      return rows.some((r) => r.level === 'INFO') ? rows : undefined;
    },
    40_000,
    'INFO rows under the filter',
  );
  t.diagnostic(
    `filter ${filter}: ${d.length} rows stored under it, ${d.filter((r) => r.level === 'DEBUG').length} at DEBUG`,
  );
  assert.deepEqual(
    d.filter((r) => !keeps(parsed.directives, r.target, r.level)),
    [],
    `only rows the filter keeps (${filter})`,
  );
  assert.equal(d.filter((r) => r.target.startsWith(offTarget)).length, 0, `nothing from ${offTarget}`);
  assert.ok(
    seen.some((r) => r.target.startsWith(offTarget) && r.level === 'INFO'),
    'that target does write INFO rows without the filter',
  );

  assert.equal(await server.close(), 0, 'app-server exits cleanly');
  assert.deepEqual(
    server.stderr.split('\n').filter((line) => DB_TROUBLE.test(line)),
    [],
    'codex says nothing about its databases',
  );
  const after = inspect(path);
  assert.equal(after.integrity, 'ok');
  assert.deepEqual(after.migrations, migrations, 'codex did not re-run or rewrite a migration');
  assert.deepEqual(dropLevelsStatus(path), { installed: true, rule: { levels: [], filter: parsed.text } });
  const doctor = codexDoctor(home) as { checks: Record<string, { details: Record<string, string> }> };
  assert.equal(doctor.checks['state.paths']!.details['log DB integrity'], 'ok');
});
