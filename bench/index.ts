// `npm run bench`: runs every bench/*.bench.ts in name order (or those whose names contain an argument); exits 1 if any budget failed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule } from './lib/report.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (filters.length === 0 || filters.some((want) => f.includes(want))))
  .sort();

const failed: string[] = [];
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  try {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
    if (!(await mod.bench()).ok) failed.push(file);
  } catch (error) {
    console.error(`${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    failed.push(file);
  }
}

console.log(
  failed.length
    ? `\nbench: over budget or failed: ${failed.join(', ')}`
    : `\nbench: ${files.length} file(s), every budget held`,
);
process.exitCode = failed.length ? 1 : 0;
