/**
 * `npm run bench`: every benchmark, each measured against a baseline in the same run. Not part
 * of `npm test`. Exit code 1 when a target is missed.
 */
import { runReportBench } from './report.bench.ts';
import { runSweepBench } from './sweep.bench.ts';
import { runWebhookBench } from './webhook.bench.ts';

const results: Record<string, boolean> = {};
results.webhook = await runWebhookBench();
results.sweep = await runSweepBench();
results.report = await runReportBench();
const missed = Object.entries(results).filter(([, ok]) => !ok);
console.log(missed.length ? `\nTargets missed: ${missed.map(([n]) => n).join(', ')}` : '\nAll targets met.');
process.exitCode = missed.length ? 1 : 0;
