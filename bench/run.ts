/**
 * `npm run bench`: every benchmark, each measured against a baseline in the same run. Not part
 * of `npm test`. `npm run bench -- webhook sweep` runs only the ones named. Exit code 1 when a
 * target is missed. Each bench's numbers are also written to bench/results/<bench>-<timestamp>.json
 * (not committed); `npm run bench -- --compare a.json b.json` puts two of them side by side.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareResults, readResult, type BenchResultFile } from './compare.ts';
import { runImportBench, runImportWebhookBench } from './import.bench.ts';
import { runOutboxDrainBench } from './outbox-drain.bench.ts';
import { runReportBench } from './report.bench.ts';
import { recordedMetrics, ROOT } from './support.ts';
import { runSearchBench } from './search.bench.ts';
import { runSweepBench } from './sweep.bench.ts';
import { runWebhookBench } from './webhook.bench.ts';

const benches: Record<string, () => Promise<boolean>> = {
  webhook: runWebhookBench,
  sweep: runSweepBench,
  report: runReportBench,
  drain: runOutboxDrainBench,
  import: runImportBench,
  'import-webhook': runImportWebhookBench,
  search: runSearchBench,
};
const asked = process.argv.slice(2);

if (asked[0] === '--compare') {
  if (asked.length !== 3) throw new Error('Usage: npm run bench -- --compare <a.json> <b.json>');
  console.log(compareResults(readResult(asked[1]!), readResult(asked[2]!)));
} else {
  const unknown = asked.filter((name) => !(name in benches));
  if (unknown.length) throw new Error(`No benchmark ${unknown.join(', ')} (there are: ${Object.keys(benches).join(', ')})`);

  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  })();

  const results: Record<string, boolean> = {};
  for (const name of asked.length ? asked : Object.keys(benches)) {
    const at = new Date().toISOString();
    results[name] = await benches[name]!();
    const file: BenchResultFile = { bench: name, at, ...(commit && { commit }), ok: results[name], metrics: recordedMetrics(name) };
    const path = join(resultsDir, `${name}-${at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
    console.log(`results: ${path}`);
  }
  const missed = Object.entries(results).filter(([, ok]) => !ok);
  console.log(missed.length ? `\nTargets missed: ${missed.map(([n]) => n).join(', ')}` : '\nAll targets met.');
  process.exitCode = missed.length ? 1 : 0;
}
