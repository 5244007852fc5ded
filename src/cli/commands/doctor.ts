// `codexguard doctor [--json] [--deep]`: is the guard working? One line per check with its fix; exit 1 when any check fails.
import { runDoctor } from '../../doctor/doctor.ts';
import { formatReport } from '../../doctor/format.ts';

/** commander's options for `doctor`. */
export interface DoctorCommandOptions {
  json?: boolean;
  deep?: boolean;
}

/** Prints the report (stable JSON with --json, see DoctorReport); changes nothing. Exit 0, or 1 when a check failed. */
export async function run(options: DoctorCommandOptions = {}): Promise<number> {
  const report = await runDoctor({ deep: options.deep === true });
  process.stdout.write(
    options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report, process.env.HOME)}\n`,
  );
  return report.ok ? 0 : 1;
}
