/**
 * The statistics and the handling report over HTTP (SPEC §7, §10): `GET /stats` (JSON) and
 * `GET /report?format=md|csv|xlsx`, both with the filters session, kind, timing, unit, category,
 * from, to; and the two ledgers, `GET /ledger?kind=commitments|answers&format=json|csv|xlsx`, with
 * the same filters; and `GET /publication?format=json|md|html`, the answers that may be published.
 * Mounted under /api behind the admin guard. Bad filters answer 400 in the SPEC §7
 * error shape; the routes answer their own errors so they behave the same wherever mounted.
 */
import { Hono, type Context } from 'hono';
import { errorBody } from './errors.ts';
import type { AppContext } from '../../app/context.ts';
import { REPORT_FORMATS, type ReportFormat } from '../../adapters/report/render.ts';
import { checkFilters } from '../../app/stats.ts';
import type { ReportAnswer } from '../../app/report-jobs.ts';
import { PUBLICATION_FORMATS, type PublicationFormat } from '../../adapters/report/publication.ts';
import { LEDGER_FORMATS, LEDGER_KINDS, type LedgerFormat, type LedgerKind } from '../../adapters/report/ledger.ts';
import type { StatsFilters } from '../../core/stats/filters.ts';

type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

function invalid(c: Context, details: string[]): Response {
  return c.json(errorBody('invalid_query', 'Invalid query parameters', details), 400);
}

/** Every query parameter once; a repeated one is refused rather than silently picked. */
function singleQuery(c: Context): Parsed<Record<string, string>> {
  const all = c.req.queries();
  const repeated = Object.entries(all)
    .filter(([, values]) => values.length > 1)
    .map(([key]) => `${key}: given more than once`);
  if (repeated.length) return { ok: false, response: invalid(c, repeated) };
  return { ok: true, value: Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v[0]!])) };
}

function filtersOf(c: Context, ctx: AppContext, query: Record<string, string>): Parsed<StatsFilters> {
  const check = checkFilters(ctx, query);
  return check.ok ? { ok: true, value: check.filters } : { ok: false, response: invalid(c, check.problems) };
}

/** A job's answer as the route sends it. */
function send(c: Context, answer: ReportAnswer): Response {
  return c.body(typeof answer.body === 'string' ? answer.body : new Uint8Array(answer.body), 200, { 'content-type': answer.contentType, ...(answer.disposition && { 'content-disposition': answer.disposition }) });
}

/**
 * The checks (quick: the query, the filters against the directory) run here; the job itself runs
 * through `ctx.reports`, off the event loop on Node (src/app/report-jobs.ts).
 */
export function reportRoutes(ctx: AppContext): Hono {
  const api = new Hono();

  api.get('/stats', async (c) => {
    const query = singleQuery(c);
    if (!query.ok) return query.response;
    const filters = filtersOf(c, ctx, query.value);
    if (!filters.ok) return filters.response;
    return send(c, await ctx.reports.run({ kind: 'stats', filters: filters.value }));
  });

  api.get('/report', async (c) => {
    const query = singleQuery(c);
    if (!query.ok) return query.response;
    const { format = 'md', ...rest } = query.value;
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) return invalid(c, [`format: must be one of ${REPORT_FORMATS.join(', ')}`]);
    const filters = filtersOf(c, ctx, rest);
    if (!filters.ok) return filters.response;
    return send(c, await ctx.reports.run({ kind: 'report', filters: filters.value, format: format as ReportFormat }));
  });

  api.get('/ledger', async (c) => {
    const query = singleQuery(c);
    if (!query.ok) return query.response;
    const { kind, format = 'json', ...rest } = query.value;
    const problems: string[] = [];
    if (!(LEDGER_KINDS as readonly string[]).includes(kind ?? '')) problems.push(`kind: must be one of ${LEDGER_KINDS.join(', ')}`);
    if (!(LEDGER_FORMATS as readonly string[]).includes(format)) problems.push(`format: must be one of ${LEDGER_FORMATS.join(', ')}`);
    if (problems.length) return invalid(c, problems);
    const filters = filtersOf(c, ctx, rest);
    if (!filters.ok) return filters.response;
    return send(c, await ctx.reports.run({ kind: 'ledger', filters: filters.value, ledger: kind as LedgerKind, format: format as LedgerFormat }));
  });

  api.get('/publication', async (c) => {
    const query = singleQuery(c);
    if (!query.ok) return query.response;
    const { format = 'json', ...rest } = query.value;
    if (!(PUBLICATION_FORMATS as readonly string[]).includes(format)) return invalid(c, [`format: must be one of ${PUBLICATION_FORMATS.join(', ')}`]);
    const filters = filtersOf(c, ctx, rest);
    if (!filters.ok) return filters.response;
    return send(c, await ctx.reports.run({ kind: 'publication', filters: filters.value, format: format as PublicationFormat }));
  });

  return api;
}
