/**
 * `npm run bench`: every benchmark, each measured against a baseline in the same run. Not part
 * of `npm test`. `npm run bench -- webhook sweep` runs only the ones named. Exit code 1 when a
 * target is missed.
 */
import { runOutboxDrainBench } from './outbox-drain.bench.ts';
import { runReportBench } from './report.bench.ts';
import { runSearchBench } from './search.bench.ts';
import { runSweepBench } from './sweep.bench.ts';
import { runWebhookBench } from './webhook.bench.ts';

const benches: Record<string, () => Promise<boolean>> = { webhook: runWebhookBench, sweep: runSweepBench, report: runReportBench, drain: runOutboxDrainBench, search: runSearchBench };
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in benches));
if (unknown.length) throw new Error(`No benchmark ${unknown.join(', ')} (there are: ${Object.keys(benches).join(', ')})`);

const results: Record<string, boolean> = {};
for (const name of asked.length ? asked : Object.keys(benches)) results[name] = await benches[name]!();
const missed = Object.entries(results).filter(([, ok]) => !ok);
console.log(missed.length ? `\nTargets missed: ${missed.map(([n]) => n).join(', ')}` : '\nAll targets met.');
process.exitCode = missed.length ? 1 : 0;
