// Before a rotation or recovery under the pre-flight lock: ask what Codex is doing, stop an idle daemon, or defer and checkpoint.
import { actionDb, checkpointInstead, type Action } from '../inventory/decide.ts';
import type { Inventory } from '../inventory/scan.ts';
import { codexActivity } from '../codex/activity.ts';
import { stopDaemon, type CodexCommand } from '../codex/daemon-control.ts';
import { planRotation, type DaemonRestart } from '../codex/idle.ts';

/** A rotation (or recovery) left for later, and why. */
export interface Deferral {
  db: string;
  kind: 'rotate' | 'recover';
  why: string;
}

/** What the gate lets through: the actions to run, what it deferred, and the daemon it stopped (to start again off the launch path). */
export interface Gated {
  actions: Action[];
  deferred: Deferral[];
  stopped?: { pid: number; ms: number; interrupted?: string | undefined };
}

/** What the gate needs from the caller. */
export interface GateOptions {
  codexHome: string;
  restart: DaemonRestart;
  /** `rotate --stop-daemon`, confirmed by the user: stop even a busy daemon. */
  stopBusy?: boolean;
  /** The real codex, to stop the daemon with; without it a daemon is never stopped. */
  codex?: CodexCommand | undefined;
  walMaxBytes: number;
}

const needsCodexAlone = (a: Action) => a.kind === 'rotate' || a.kind === 'recover';

/**
 * Asks Codex's activity only when a rotation or recovery is due (nothing is read otherwise). A daemon
 * that is idle is stopped the official way; a busy one is never stopped: its DB is deferred, and its WAL
 * checkpointed instead when that is over the limit.
 */
export async function gateRotations(inventory: Inventory, actions: Action[], options: GateOptions): Promise<Gated> {
  const due = actions.filter(needsCodexAlone);
  if (!due.length) return { actions, deferred: [] };
  const activity = await codexActivity(
    options.codexHome,
    inventory.dbs.map((d) => d.path),
  );
  const plan = planRotation(activity, options);
  let stopFailure: string | undefined;
  let stopped: Gated['stopped'];
  if (plan.kind === 'stop-daemon') {
    const pid = plan.pid;
    if (!options.codex)
      stopFailure = `Codex's app-server daemon (pid ${pid}) runs, and no real codex was found to stop it with`;
    else {
      const result = await stopDaemon(options.codex, pid);
      if (result.ok) stopped = { pid, ms: result.ms, interrupted: plan.interrupts };
      else stopFailure = `${result.message}; Codex's daemon is left running`;
    }
  }
  const deferred: Deferral[] = [];
  const kept: Action[] = [];
  for (const action of actions) {
    const why = !needsCodexAlone(action)
      ? undefined
      : plan.kind === 'defer'
        ? plan.why
        : plan.kind === 'stop-daemon' && !stopped
          ? stopFailure
          : undefined;
    if (why === undefined) {
      kept.push(action);
      continue;
    }
    deferred.push({ db: actionDb(action), kind: action.kind === 'recover' ? 'recover' : 'rotate', why });
    if (action.kind === 'rotate') kept.push(...checkpointInstead(action.db, options.walMaxBytes));
  }
  return { actions: kept, deferred, stopped };
}
