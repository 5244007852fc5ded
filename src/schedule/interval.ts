// schedule.every in each scheduler's terms: launchd and systemd take seconds; cron only steps that divide an hour or a day.

/** Whole seconds, at least 60 (launchd's StartInterval, systemd's OnUnitActiveSec). */
export function intervalSeconds(everyMs: number): number {
  return Math.max(60, Math.round(everyMs / 1000));
}

/** A cron schedule and the interval it really gives. */
export interface CronSchedule {
  expression: string;
  /** The step the expression takes: minutes within an hour, hours within a day, or whole days. */
  step: { unit: 'minute' | 'hour' | 'day'; n: number };
  everyMs: number;
  /** True when the interval had to be rounded. */
  rounded: boolean;
}

const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12];

/** The step in `steps` nearest to `value` (ties go to the smaller one). */
function nearest(value: number, steps: readonly number[]): number {
  return steps.reduce((best, step) => (Math.abs(step - value) < Math.abs(best - value) ? step : best));
}

/**
 * The cron expression nearest to an interval. cron restarts its steps each hour and each day, so
 * only steps that divide them are even: under 45 minutes, the nearest of 1, 2, 3, 4, 5, 6, 10, 12,
 * 15, 20, 30 minutes; under 18 hours, the nearest of 1, 2, 3, 4, 6, 8, 12 hours (at minute 0);
 * else whole days at 00:00 (a step of days restarts each month, so it is uneven at month ends).
 */
export function cronSchedule(everyMs: number): CronSchedule {
  const minutes = Math.max(1, Math.round(everyMs / 60_000));
  let expression: string;
  let effective: number;
  let step: CronSchedule['step'];
  if (minutes < 45) {
    const m = nearest(minutes, MINUTE_STEPS);
    expression = m === 1 ? '* * * * *' : `*/${m} * * * *`;
    effective = m * 60_000;
    step = { unit: 'minute', n: m };
  } else if (minutes < 18 * 60) {
    const h = nearest(minutes / 60, HOUR_STEPS);
    expression = h === 1 ? '0 * * * *' : `0 */${h} * * *`;
    effective = h * 3_600_000;
    step = { unit: 'hour', n: h };
  } else {
    const d = Math.max(1, Math.round(minutes / 1440));
    expression = d === 1 ? '0 0 * * *' : `0 0 */${d} * *`;
    effective = d * 86_400_000;
    step = { unit: 'day', n: d };
  }
  return { expression, step, everyMs: effective, rounded: effective !== everyMs };
}

/** The interval of an expression cronSchedule() writes; null for any other expression. */
export function parseCronInterval(expression: string): number | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const [min, hour, day, month, week] = fields as [string, string, string, string, string];
  const step = (field: string) => (/^\*\/[1-9]\d*$/.test(field) ? Number(field.slice(2)) : null);
  if (month !== '*' || week !== '*') return null;
  if (day !== '*') return min === '0' && hour === '0' && step(day) ? step(day)! * 86_400_000 : null;
  if (hour === '0' && min === '0') return 86_400_000;
  if (hour === '*') return min === '0' ? 3_600_000 : min === '*' ? 60_000 : step(min) ? step(min)! * 60_000 : null;
  return min === '0' && step(hour) ? step(hour)! * 3_600_000 : null;
}
