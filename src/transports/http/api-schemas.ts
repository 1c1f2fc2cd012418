/**
 * The zod schemas of the admin API's queries, bodies and answers. The routes validate with them
 * and `GET /api/openapi.json` is generated from them (openapi.ts), so what is described is what
 * is checked.
 */
import { z } from 'zod';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../app/suggestion-queries.ts';
import { REPORT_FORMATS } from '../../adapters/report/render.ts';
import { MAX_SEARCH_LIMIT } from '../../app/knowledge-base.ts';
import { LEDGER_FORMATS, LEDGER_KINDS } from '../../adapters/report/ledger.ts';
import { PUBLICATION_FORMATS } from '../../adapters/report/publication.ts';

const trueOrFalse = (name: string) => z.enum(['true', 'false'], { message: `${name} must be true or false` });

export const listQuery = z
  .object({
    status: z.string().optional().describe('a suggestion status (open, closed, withdrawn) or an assignment state'),
    unit: z.string().optional().describe('a unit id: suggestions with an assignment to it'),
    category: z.string().optional(),
    session: z.string().optional(),
    overdue: trueOrFalse('overdue').optional(),
    key: trueOrFalse('key').optional().describe('true: only key-supervised (重点督办) suggestions; false: only the others'),
    q: z.string().optional().describe('words to look for in the knowledge base (at least two characters)'),
    limit: z
      .string()
      .regex(/^\d+$/, `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`)
      .refine((v) => Number(v) >= 1 && Number(v) <= MAX_PAGE_LIMIT, `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`)
      .optional()
      .describe(`page size, 1 to ${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'cursor must be the next_cursor of a previous page')
      .optional()
      .describe('the next_cursor of the previous page'),
  })
  .strict();

export const detailQuery = z
  .object({ format: z.enum(['json', 'md'], { message: 'format must be json or md' }).optional().describe('md: the dossier as Markdown') })
  .strict();

export const sweepQuery = z
  .object({
    now: z.iso.datetime({ offset: true, message: 'now must be an ISO-8601 date-time, e.g. 2026-03-02T09:00:00+08:00' }).optional(),
    dry_run: trueOrFalse('dry_run').optional(),
  })
  .strict();

/** A supervisor's extension of an answer deadline (SPEC §4), made through the admin API in their name. */
export const extendBody = z.object({
  by: z.string().regex(/^ou_/, "by must be the supervisor's open_id"),
  until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'until must be YYYY-MM-DD'),
  reason: z.string().min(1, 'a reason is required'),
});

/** A supervisor's withdrawal of a whole suggestion (SPEC §7), made through the admin API in their name. */
export const withdrawBody = z.object({
  by: z.string().regex(/^ou_/, "by must be the supervisor's open_id"),
  reason: z.string().trim().min(1, 'a reason is required'),
});

/** GET /api/search (SPEC §7): the words, and the knowledge base's filters. */
export const searchQuery = z
  .object({
    q: z.string({ message: 'q (the words to look for) is required' }).describe('at least two characters'),
    limit: z.coerce.number().int().min(1).max(MAX_SEARCH_LIMIT, `limit must be at most ${MAX_SEARCH_LIMIT}`).optional(),
    session: z.string().optional(),
    unit: z.string().optional(),
    category: z.string().optional(),
    result_class: z.enum(['A', 'B', 'C', 'D'], { message: 'result_class must be A, B, C or D' }).optional(),
    year: z.string().regex(/^\d{4}$/, 'year must be four digits (YYYY)').optional(),
  })
  .strict();

/** 并案 (SPEC §7): a supervisor merges suggestions under a lead suggestion, through the admin API in their name. */
export const mergeBody = z
  .object({
    by: z.string().regex(/^ou_/, "by must be the supervisor's open_id"),
    lead: z.string().min(1, 'lead must name the lead suggestion id'),
    members: z.array(z.string().min(1, 'a member must be a suggestion id')).min(1, 'members must name at least one suggestion to merge').max(100, 'at most 100 suggestions in one merge'),
  })
  .strict();

export const outboxQuery = z.object({ status: z.enum(['pending', 'sent', 'failed', 'skipped']).optional() }).strict();

/** `GET /api/report`'s own parameter beside the statistics filters (report-routes checks it against the same list). */
export const reportFormatQuery = z.object({ format: z.enum(REPORT_FORMATS).optional().describe('default md') });
export const ledgerQuery = z.object({ kind: z.enum(LEDGER_KINDS).describe('which ledger'), format: z.enum(LEDGER_FORMATS).optional().describe('default json') });
export const publicationFormatQuery = z.object({ format: z.enum(PUBLICATION_FORMATS).optional().describe('default json') });

/** SPEC §7's error shape, every 4xx and 5xx. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string().describe('machine-readable, e.g. invalid_query, unauthorized, not_found'),
    message: z.string(),
    details: z.unknown().optional().describe('what exactly was wrong: one line per problem, or the rejected rows'),
  }),
});


export const suggestionSummary = z.object({
  id: z.string(),
  session: z.string(),
  number: z.string(),
  title: z.string(),
  kind: z.enum(['suggestion', 'motion', 'proposal']),
  timing: z.enum(['session', 'interim']),
  category: z.string(),
  status: z.enum(['open', 'closed', 'withdrawn']),
  key: z.boolean(),
  leader: z
    .object({
      label: z.string().describe('姓名（职务） of a directory leader, else the 督办领导 column as written'),
      id: z.string().nullable().describe("the directory leader's id, when the column names one"),
      openId: z.string().nullable(),
    })
    .nullable()
    .describe('the leader in charge (督办领导) of a key-supervised suggestion'),
  classified: z.boolean(),
  assignedOn: z.string(),
  assignments: z.array(z.object({ id: z.string(), unitId: z.string(), unitName: z.string(), role: z.string(), state: z.string() })),
  light: z.enum(['blue', 'yellow', 'red']),
  overdue: z.boolean(),
  nextDeadline: z.object({ kind: z.string(), due: z.string(), overdue: z.boolean() }).loose().nullable(),
});

export const suggestionPage = z.object({
  items: z.array(suggestionSummary),
  next_cursor: z.string().nullable().describe('pass as cursor for the next page; null on the last page'),
});

export const importReport = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    total: z.number().int(),
    rejected: z.array(z.object({ row: z.number().int(), number: z.string().optional(), reason: z.string() })),
  })
  .loose();

export const health = z.object({ ok: z.boolean(), version: z.string(), db: z.unknown() }).loose();

/** Answers described only as "an object": their shape is documented in SPEC §7 and README. */
export const anyObject = z.object({}).loose();
