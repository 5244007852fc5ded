// `codexguard status [--json]`: Codex's databases against the limits, live sessions, archives and config sources.
import { formatStatus } from '../../status/format.ts';
import { gatherStatus } from '../../status/gather.ts';

/** Prints the status; always exits 0 (`codexguard doctor` is the command that judges). */
export async function run(options: { json?: boolean }): Promise<number> {
  const status = await gatherStatus();
  process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`);
  return 0;
}
