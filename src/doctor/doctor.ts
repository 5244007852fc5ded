// `codexguard doctor`: gathers the facts of each check (thin I/O), judges them (pure), never changes anything, never throws.
import { join } from 'node:path';
import { linkTargets } from '../activate/locations.ts';
import { defaultCrashDir } from '../bundle/write.ts';
import { gatherStatus, type StatusJson } from '../status/gather.ts';
import { commandContext, type CommandContext } from '../command-context.ts';
import { sessionsDir } from '../registry/session.ts';
import { gatherDropLevels, gatherSchedule, judgeDropLevels, judgeSchedule } from './extras.ts';
import { gatherPath, gatherRealCodex } from './gather-activation.ts';
import { gatherCrashes, gatherLock, loadSqlite, quickChecks } from './gather-state.ts';
import { judgePath, judgeRealCodex } from './judge-activation.ts';
import { fastestToLimit, judgeConfig, judgeDbs, judgeGrowth, judgeSqliteModule } from './judge-home.ts';
import { judgeArchives, judgeCodex, judgeCrashes, judgeLock, judgeSessions } from './judge-state.ts';
import { buildReport, crashed, guarded, type DoctorReport } from './report.ts';

/** The biggest target among the newest 20 000 rows of the DB that grows too fast (only then is SQLite read). */
async function gatherTopTarget(s: StatusJson): Promise<{ target: string; share: number } | undefined> {
  const fast = fastestToLimit(s.growth);
  if (!fast) return undefined;
  const { logTop } = await import('../insight/top.ts');
  const top = logTop(join(s.sqliteHome.dir, fast.name), { sampleRows: 20_000, days: 1, limit: 1 });
  const sampled = top.levels.reduce((n, g) => n + g.bytes, 0);
  const first = top.targets[0];
  return first && sampled > 0 ? { target: first.name, share: first.bytes / sampled } : undefined;
}

/** `--deep` adds `PRAGMA quick_check` on every DB. */
export interface DoctorOptions {
  deep?: boolean;
}

/** Runs every check (the shells and `codex --version` concurrently with the rest); an error in one check is that check's fail. */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  try {
    const context: Promise<CommandContext> = commandContext(true);
    const status: Promise<StatusJson> = gatherStatus();
    // Unhandled until a check awaits them: each check reports their failure as its own.
    context.catch(() => {});
    status.catch(() => {});
    const shim = () => linkTargets().codex;
    const groups = await Promise.all([
      guarded('path', async () => judgePath(await gatherPath((await context).env, shim()))),
      guarded('real-codex', async () => {
        const { env, settings } = await context;
        return judgeRealCodex(await gatherRealCodex(env, shim(), settings.codexPath));
      }),
      guarded('config', async () => {
        const { loaded, home, env } = await context;
        return judgeConfig({
          files: loaded.files,
          issues: loaded.issues,
          sqliteHomeWarning: home.warning,
          home: env.HOME,
        });
      }),
      guarded('dbs', async () => {
        const s = await status;
        const files = Object.fromEntries(
          s.dbs.filter((d) => d.exists).map((d) => [d.name, join(s.sqliteHome.dir, d.name)]),
        );
        return judgeDbs({ status: s, deep: options.deep ? await quickChecks(files) : undefined });
      }),
      guarded('codex', async () => judgeCodex((await status).codex)),
      guarded('lock', async () => judgeLock(gatherLock((await context).home.codexHome))),
      guarded('sessions', async () => {
        const s = await status;
        return judgeSessions({ dir: sessionsDir(s.codexHome), sessions: s.sessions, last: s.lastSession ?? undefined });
      }),
      guarded('growth', async () => {
        const s = await status;
        return judgeGrowth({ growth: s.growth, logMaxBytes: s.limits.logMaxBytes, top: await gatherTopTarget(s) });
      }),
      guarded('archives', async () => judgeArchives({ archives: (await status).archives })),
      guarded('crashes', async () => {
        const { settings, env } = await context;
        return judgeCrashes(gatherCrashes(settings.crashPolicy.dir ?? defaultCrashDir(env)));
      }),
      guarded('schedule', async () => judgeSchedule(await gatherSchedule(await context))),
      guarded('drop-levels', async () => judgeDropLevels(await gatherDropLevels(await context, await status))),
      guarded('sqlite', async () => judgeSqliteModule(await loadSqlite())),
    ]);
    return buildReport(groups.flat());
  } catch (error) {
    return buildReport([crashed('doctor', error)]);
  }
}
