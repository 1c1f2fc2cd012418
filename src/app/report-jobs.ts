/**
 * The admin API's reports and exports as jobs (issue 11): the statistics, the handling report, the
 * two ledgers and the publication, each described by a plain, cloneable value and answered as the
 * bytes of the HTTP answer. A report over 10,000 suggestions takes a second or two of CPU; on Node
 * that second would be taken from the event loop that answers Lark's webhook, so the Node runtime
 * runs these jobs in a worker thread (src/runtimes/node/report-thread.ts). Wherever they run, they
 * run `runReportJob` below — the same functions `duban report`, `duban ledger` and `duban publish`
 * call — so there is one way to compute a report.
 *
 * A job has two phases: reading (synchronous, every query of the job, so that the caller can hold
 * one read transaction around it and the answer is one moment's picture even while the server
 * writes beside it) and rendering (the bytes; XLSX is asynchronous).
 */
import type { AppContext } from './context.ts';
import type { Config } from './config.ts';
import type { StatsFilters } from '../core/stats/filters.ts';
import type { Stats } from '../core/stats/figures.ts';
import { computeStats } from './stats.ts';
import { buildLedger } from './ledger.ts';
import { buildPublication } from './publication.ts';
import { contentDisposition, renderReport, type ReportFormat } from '../adapters/report/render.ts';
import { renderLedger, type Ledger, type LedgerFormat, type LedgerKind } from '../adapters/report/ledger.ts';
import { PUBLICATION_CONTENT_TYPES, renderPublication, type Publication, type PublicationFormat } from '../adapters/report/publication.ts';

export type ReportJob =
  | { kind: 'stats'; filters: StatsFilters }
  | { kind: 'report'; filters: StatsFilters; format: ReportFormat }
  | { kind: 'ledger'; filters: StatsFilters; ledger: LedgerKind; format: LedgerFormat }
  | { kind: 'publication'; filters: StatsFilters; format: PublicationFormat };

/** A job's answer as HTTP sends it. */
export interface ReportAnswer {
  body: string | Uint8Array;
  contentType: string;
  /** The Content-Disposition header, for the answers that are files to save. */
  disposition?: string | undefined;
}

/** What a job reads: the database, the moment, the deadline rules and the time zone — nothing else. */
export type ReportContext = Pick<AppContext, 'db' | 'clock' | 'calendar' | 'policy'> & { config: Pick<Config, 'timeZone'> };

/** Runs report jobs; the routes reach it through the app context (`ctx.reports`). */
export interface ReportService {
  run(job: ReportJob): Promise<ReportAnswer>;
  /** Stops whatever the service started (a worker thread); jobs in progress fail. */
  close(): Promise<void>;
}

type ReportData = { kind: 'stats' | 'report'; stats: Stats } | { kind: 'ledger'; ledger: Ledger } | { kind: 'publication'; publication: Publication };

/** A job's reading phase: every query it makes, synchronously. */
export function readReportJob(ctx: ReportContext, job: ReportJob): ReportData {
  switch (job.kind) {
    case 'stats':
    case 'report':
      return { kind: job.kind, stats: computeStats(ctx, job.filters) };
    case 'ledger':
      return { kind: 'ledger', ledger: buildLedger(ctx, job.ledger, job.filters) };
    case 'publication':
      return { kind: 'publication', publication: buildPublication(ctx, job.filters) };
  }
}

/** A job's rendering phase: no database, only the bytes. */
export async function renderReportJob(data: ReportData, job: ReportJob): Promise<ReportAnswer> {
  if (data.kind === 'stats') return { body: JSON.stringify(data.stats), contentType: 'application/json' };
  if (data.kind === 'report' && job.kind === 'report') {
    const report = await renderReport(data.stats, job.format);
    return { body: typeof report.body === 'string' ? report.body : new Uint8Array(report.body), contentType: report.contentType, disposition: contentDisposition(report) };
  }
  if (data.kind === 'ledger' && job.kind === 'ledger') {
    const ledger = await renderLedger(data.ledger, job.format);
    return { body: typeof ledger.body === 'string' ? ledger.body : new Uint8Array(ledger.body), contentType: ledger.contentType, disposition: `attachment; filename="${ledger.filename}"` };
  }
  if (data.kind === 'publication' && job.kind === 'publication') {
    return { body: renderPublication(data.publication, job.format), contentType: PUBLICATION_CONTENT_TYPES[job.format] };
  }
  throw new Error(`report job ${job.kind}: read as ${data.kind}`);
}

/**
 * Runs a job: its reading phase inside `snapshot` (a read transaction where reads and writes
 * happen on different connections; nothing where the job holds the only connection and runs
 * without yielding), then its rendering.
 */
export async function runReportJob(ctx: ReportContext, job: ReportJob, snapshot: <T>(read: () => T) => T = (read) => read()): Promise<ReportAnswer> {
  return renderReportJob(snapshot(() => readReportJob(ctx, job)), job);
}

/**
 * Jobs run where they are asked for, on the caller's connection: the Workers runtime (no worker
 * threads; a tenant's Durable Object answers one request at a time anyway) and a Node database in
 * memory (':memory:' is private to its connection: a worker could not open it).
 */
export function inlineReports(ctx: ReportContext): ReportService {
  return { run: (job) => runReportJob(ctx, job), close: async () => {} };
}
