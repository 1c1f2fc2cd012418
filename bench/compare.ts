/**
 * `npm run bench -- --compare a.json b.json`: two result files of the same bench
 * (bench/results/<bench>-<timestamp>.json, written by every run) side by side, each number's
 * change as b / a. Which way is better depends on the metric (ms down, rps up): the names say.
 */
import { readFileSync } from 'node:fs';
import type { Metric } from './support.ts';

export interface BenchResultFile {
  bench: string;
  at: string;
  commit?: string;
  ok: boolean;
  metrics: Record<string, Metric>;
}

export function readResult(path: string): BenchResultFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the bench result ${path}: ${(error as Error).message}`);
  }
  const r = parsed as Partial<BenchResultFile>;
  if (typeof r?.bench !== 'string' || typeof r.metrics !== 'object' || r.metrics === null) throw new Error(`${path} is not a bench result (no "bench" and "metrics")`);
  return r as BenchResultFile;
}

export function compareResults(a: BenchResultFile, b: BenchResultFile): string {
  const lines = [`${a.bench}${a.bench === b.bench ? '' : ` vs ${b.bench}`}: ${a.at}${a.commit ? ` (${a.commit})` : ''} → ${b.at}${b.commit ? ` (${b.commit})` : ''}`];
  lines.push('| metric | a | b | b / a |', '|---|---|---|---|');
  for (const name of [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])]) {
    const [x, y] = [a.metrics[name], b.metrics[name]];
    const ratio = typeof x === 'number' && typeof y === 'number' && x !== 0 ? `${(y / x).toFixed(2)}×` : '–';
    lines.push(`| ${name} | ${x ?? '–'} | ${y ?? '–'} | ${ratio} |`);
  }
  lines.push(`| targets met | ${a.ok} | ${b.ok} | |`);
  return lines.join('\n');
}
