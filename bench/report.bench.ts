/**
 * The handling report for 10,000 suggestions (issue 5): statistics + rendering in each format must
 * take under 2 s. The data is written straight into a real SQLite file (the command path would
 * take minutes) but is shaped like a real year: lead, co and split assignments, re-assignments,
 * returned and re-handled answers, evaluations by lead deputies and co-signers, contacts,
 * co-handler opinions, commitments in every state, and open items that are overdue.
 *
 * Baselines measured in the same run: reading the same rows with plain `select *` statements (the
 * floor any report must pay), and the same report for 1,000 suggestions (how it grows).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRuntime } from '../src/runtimes/node/build-runtime.ts';
import { renderReport, REPORT_FORMATS } from '../src/adapters/report/render.ts';
import type { AppContext } from '../src/app/context.ts';
import { computeStats } from '../src/app/stats.ts';
import { fmt } from './support.ts';
import { REPORT_DATE, seedReportData } from './report-data.ts';

const TARGET_MS = 2000;
const RUNS = 5;
const TABLES = ['suggestions', 'assignments', 'reassignment_requests', 'contacts', 'co_opinions', 'answers', 'commitments', 'evaluations', 'units'];

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** The median of `runs` runs after two warm-ups. */
async function median(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timeAsync(async () => fn())).ms);
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

interface SizeResult {
  suggestions: number;
  rows: number;
  readRows: number;
  stats: number;
  formats: Record<string, number>;
  sizes: Record<string, number>;
}

async function measureSize(count: number, quiet = false): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-report-bench-'));
  const path = join(dir, 'duban.db');
  const seeded = time(() => seedReportData(path, count));
  if (!quiet) console.log(`  seeded ${count} suggestions (${seeded.value.rows} rows) in ${fmt(seeded.ms / 1000)} s`);
  const runtime = buildRuntime({ DATABASE_PATH: path, LOG_LEVEL: 'silent' }, () => new Date(REPORT_DATE));
  try {
    const sqlite = runtime.db.$client;
    const statements = TABLES.map((t) => sqlite.prepare(`select * from ${t}`));
    const readRows = await median(RUNS, () => statements.reduce((acc, st) => acc + st.all().length, 0));
    const stats = await median(RUNS, () => computeStats(runtime));
    const formats: Record<string, number> = {};
    const sizes: Record<string, number> = {};
    for (const format of REPORT_FORMATS) {
      formats[format] = await median(RUNS, async () => {
        const report = await renderReport(computeStats(runtime), format);
        sizes[format] = typeof report.body === 'string' ? Buffer.byteLength(report.body) : report.body.length;
      });
    }
    const check = computeStats(runtime);
    if (check.totals.suggestions !== count) throw new Error(`expected ${count} suggestions in the report, got ${check.totals.suggestions}`);
    return { suggestions: count, rows: seeded.value.rows, readRows, stats, formats, sizes };
  } finally {
    runtime.db.$client.close();
  }
}

export async function runReportBench(): Promise<boolean> {
  console.log(`\nHandling report: statistics + rendering, median of ${RUNS} runs after two warm-ups`);
  await measureSize(1_000, true); // warms the JIT for every code path, so the first size is not penalised
  const small = await measureSize(1_000);
  const large = await measureSize(10_000);
  console.log('| suggestions | rows | read rows (baseline) ms | statistics ms | md ms | csv ms | xlsx ms | md / csv / xlsx size |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of [small, large]) {
    console.log(
      `| ${r.suggestions.toLocaleString('en')} | ${r.rows.toLocaleString('en')} | ${fmt(r.readRows)} | ${fmt(r.stats)} | ${fmt(r.formats.md!)} | ${fmt(r.formats.csv!)} | ${fmt(r.formats.xlsx!)} | ${[r.sizes.md, r.sizes.csv, r.sizes.xlsx].map((b) => `${fmt(b! / 1024, 0)} KB`).join(' / ')} |`,
    );
  }
  const worst = Math.max(...Object.values(large.formats));
  const met = worst < TARGET_MS;
  console.log(`growth 1,000 → 10,000 suggestions: statistics ×${fmt(large.stats / small.stats)}, reading the rows ×${fmt(large.readRows / small.readRows)}`);
  console.log(`statistics at 10,000: ${fmt(large.stats / large.readRows)}× the plain row read`);
  console.log(`slowest format for 10,000 suggestions: ${fmt(worst, 0)} ms (target < ${TARGET_MS} ms: ${met ? 'met' : 'MISSED'})`);
  return met;
}
