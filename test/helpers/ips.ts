// macOS crash reports (.ips) in ReportCrash's real format, made from test/fixtures/macos/codex-sigtrap.ips: a
// header line of JSON, then the pretty-printed JSON body, with slashes escaped (`\/`) and the home folder's name
// anonymised as USER, as in real reports (e.g. the IPS 2.0 files of macOS 12-26 kept in public repositories).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './index.ts';

export const IPS_TEMPLATE = join(REPO, 'test', 'fixtures', 'macos', 'codex-sigtrap.ips');

/** What to change in the template: the crashed process, its parent, its path (a real path; anonymised here against `home`). */
export interface IpsOptions {
  pid: number;
  parentPid?: number;
  procName?: string;
  procPath?: string;
  home?: string;
  translated?: boolean;
  /** Extra text put into the body (e.g. a planted secret), as a field ReportCrash could carry. */
  extra?: string;
}

/** An .ips report as ReportCrash would write it for such a process. */
export function ipsReport(o: IpsOptions): string {
  const escaped = (s: string) => JSON.stringify(s).slice(1, -1).replaceAll('/', '\\/');
  let text = readFileSync(IPS_TEMPLATE, 'utf8');
  const set = (key: string, value: string) => {
    const re = new RegExp(`^  "${key}" : .*,$`, 'm');
    if (!re.test(text)) throw new Error(`no ${key} in the template`);
    text = text.replace(re, `  "${key}" : ${value},`);
  };
  set('pid', String(o.pid));
  if (o.parentPid !== undefined) set('parentPid', String(o.parentPid));
  if (o.translated !== undefined) set('translated', String(o.translated));
  if (o.procName !== undefined) {
    set('procName', JSON.stringify(o.procName));
    text = text
      .replace(/^(\{"app_name":)"codex"/, `$1${JSON.stringify(o.procName)}`)
      .replace(/"name":"codex","incident_id"/, `"name":${JSON.stringify(o.procName)},"incident_id"`);
  }
  if (o.procPath !== undefined) {
    let path = o.procPath;
    if (o.home && path.startsWith(`${o.home}/`))
      path = `${o.home.slice(0, o.home.lastIndexOf('/'))}/USER${path.slice(o.home.length)}`;
    set('procPath', `"${escaped(path)}"`);
  }
  if (o.extra !== undefined)
    text = text.replace(
      /^ {2}"sip" : "enabled",$/m,
      `  "sip" : "enabled",\n  "environment" : ${JSON.stringify(o.extra)},`,
    );
  return text;
}
