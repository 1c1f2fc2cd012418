/**
 * `GET /api/openapi.json` (SPEC §7): an OpenAPI 3.1 document of every route of createApp,
 * generated from the zod schemas the routes validate with (api-schemas.ts, the directory and
 * import-row schemas, the statistics filters) by zod's own JSON Schema output (draft 2020-12,
 * which OpenAPI 3.1 uses as is). test/openapi.test.ts walks the app's routes and fails when one
 * is missing here.
 */
import { z } from 'zod';
import { directorySchema } from '../../core/directory.ts';
import { statsFiltersSchema } from '../../core/stats/filters.ts';
import { suggestionRowSchema } from '../../app/import/suggestion-row.ts';
import {
  anyObject,
  detailQuery,
  errorSchema,
  extendBody,
  health,
  importReport,
  ledgerQuery,
  listQuery,
  mergeBody,
  outboxQuery,
  publicationFormatQuery,
  searchQuery,
  reportFormatQuery,
  suggestionPage,
  sweepQuery,
  withdrawBody,
} from './api-schemas.ts';

type Json = Record<string, unknown>;
type Method = 'get' | 'post' | 'put';

interface RouteDescription {
  method: Method;
  /** As Hono writes it (`:id`); turned into `{id}` for OpenAPI. */
  path: string;
  summary: string;
  /** Not behind the admin bearer token. */
  open?: boolean;
  query?: z.ZodType | z.ZodType[];
  body?: { schema: z.ZodType; description: string };
  /** The 200 answer: a schema (JSON) or a media-type map for files. */
  ok: z.ZodType | Record<string, { description: string }>;
  okDescription: string;
  /** Error statuses besides the ones every admin route can answer (401, 403, 413, 500). */
  errors: Record<number, string>;
}

/** Every route of the app. Adding a route to createApp without a line here fails test/openapi.test.ts. */
export const ROUTES: RouteDescription[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness and readiness: the database, the Lark event channel', open: true, ok: health, okDescription: 'healthy', errors: { 503: 'unhealthy (same body, ok false)' } },
  {
    method: 'post',
    path: '/lark/events',
    summary: "Lark's events and card callbacks (signed by Lark; see the Lark wire contract)",
    open: true,
    body: { schema: anyObject, description: "Lark's event envelope, encrypted when an Encrypt Key is set" },
    ok: anyObject,
    okDescription: 'acknowledged (a card callback may answer with a toast and a card)',
    errors: { 400: 'not a Lark event', 401: 'bad signature or verification token' },
  },
  {
    method: 'put',
    path: '/api/directory',
    summary: 'Load the directory (units, deputies, supervisors, leaders); idempotent',
    body: { schema: directorySchema, description: 'the SPEC §8 directory as JSON' },
    ok: anyObject,
    okDescription: 'what was added, changed and kept',
    errors: { 400: 'invalid JSON or an invalid directory (details: one line per problem)' },
  },
  {
    method: 'post',
    path: '/api/suggestions',
    summary: 'Import one suggestion (an object) or many (an array); idempotent on (session, number)',
    body: { schema: z.union([suggestionRowSchema, z.array(suggestionRowSchema)]), description: 'fields as the English column names of SPEC §8; lists may also be text separated by 、 , ;' },
    ok: importReport,
    okDescription: 'created, updated, unchanged and rejected rows with reasons',
    errors: { 400: 'invalid JSON', 422: 'every suggestion was rejected (details: the report)' },
  },
  {
    method: 'get',
    path: '/api/suggestions',
    summary: 'List suggestions, filtered and paged (keyset cursor: stable while others are imported)',
    query: listQuery,
    ok: suggestionPage,
    okDescription: 'one page, in (session, number) order',
    errors: { 400: 'a bad filter, limit or cursor (details name the parameter)' },
  },
  {
    method: 'get',
    path: '/api/suggestions/:id',
    summary: 'One suggestion with everything recorded about it and its timeline; ?format=md for the dossier',
    query: detailQuery,
    ok: { 'application/json': { description: 'the suggestion' }, 'text/markdown': { description: 'the dossier' } },
    okDescription: 'the suggestion',
    errors: { 400: 'a bad format', 404: 'no such suggestion' },
  },
  {
    method: 'get',
    path: '/api/search',
    summary: 'Search earlier suggestions and their answers (the knowledge base), ranked by relevance',
    query: searchQuery,
    ok: anyObject,
    okDescription: 'the results: number, title, unit, result class, year and a snippet each (classified and non-public content never shown)',
    errors: { 400: 'no q, a query too short, or a bad filter' },
  },
  { method: 'post', path: '/api/sweep', summary: 'Run one reminder sweep now', query: sweepQuery, ok: anyObject, okDescription: 'what the sweep sent (or would send)', errors: { 400: 'a bad now or dry_run' } },
  {
    method: 'post',
    path: '/api/assignments/:id/extend',
    summary: "Extend an assignment's answer deadline in a supervisor's name",
    body: { schema: extendBody, description: 'who, until when, and why' },
    ok: anyObject,
    okDescription: 'the assignment after the extension',
    errors: { 400: 'an invalid body', 403: 'not a supervisor', 404: 'no such assignment', 409: 'not possible in its state' },
  },
  {
    method: 'post',
    path: '/api/suggestions/:id/withdraw',
    summary: "Withdraw a suggestion in a supervisor's name: every open assignment withdrawn, the group told",
    body: { schema: withdrawBody, description: 'who and why' },
    ok: anyObject,
    okDescription: 'the suggestion and its assignments after the withdrawal',
    errors: { 400: 'an invalid body', 403: 'not a supervisor', 404: 'no such suggestion', 409: 'already withdrawn or closed' },
  },
  {
    method: 'post',
    path: '/api/merges',
    summary: "Merge suggestions under a lead suggestion (并案) in a supervisor's name",
    body: { schema: mergeBody, description: 'who, the lead suggestion id and the suggestion ids merged under it' },
    ok: anyObject,
    okDescription: 'the lead and each merged suggestion (assignments withdrawn, answer already delivered)',
    errors: { 400: 'an invalid body, or a suggestion merged into itself', 403: 'not a supervisor', 404: 'no such suggestion', 409: 'already merged, classified, or not open' },
  },
  { method: 'get', path: '/api/outbox', summary: "The outbox of Lark calls, by status", query: outboxQuery, ok: z.array(anyObject), okDescription: 'outbox rows', errors: { 400: 'a bad status' } },
  { method: 'post', path: '/api/outbox/:id/retry', summary: 'Send a failed outbox row again', ok: z.object({ ok: z.literal(true) }), okDescription: 'queued again', errors: { 404: 'no failed row with that id' } },
  { method: 'get', path: '/api/stats', summary: 'The statistics of SPEC §10', query: statsFiltersSchema, ok: anyObject, okDescription: 'the statistics', errors: { 400: 'a bad filter' } },
  {
    method: 'get',
    path: '/api/report',
    summary: 'The handling report',
    query: [statsFiltersSchema, reportFormatQuery],
    ok: {
      'text/markdown': { description: 'format=md' },
      'text/csv': { description: 'format=csv' },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { description: 'format=xlsx' },
    },
    okDescription: 'the report as a file',
    errors: { 400: 'a bad filter or format' },
  },
  {
    method: 'get',
    path: '/api/ledger',
    summary: 'The ledger of commitments or of answers, one row each (SPEC §7)',
    query: [statsFiltersSchema, ledgerQuery],
    ok: {
      'application/json': { description: 'format=json' },
      'text/csv': { description: 'format=csv (UTF-8 with BOM)' },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { description: 'format=xlsx' },
    },
    okDescription: 'the ledger',
    errors: { 400: 'a bad kind, format or filter' },
  },
  {
    method: 'get',
    path: '/api/publication',
    summary: 'The answers that may be published (public answers of non-classified suggestions)',
    query: [statsFiltersSchema, publicationFormatQuery],
    ok: {
      'application/json': { description: 'format=json' },
      'text/markdown': { description: 'format=md' },
      'text/html': { description: 'format=html (one page)' },
    },
    okDescription: 'the publication',
    errors: { 400: 'a bad format or filter' },
  },
  {
    method: 'get',
    path: '/api/audit/verify',
    summary: 'Verify the audit log: recompute its hash chain (as `duban audit verify` does)',
    ok: anyObject,
    okDescription: '{ ok, rows, … }: ok false names the first broken row (200 either way)',
    errors: {},
  },
  { method: 'get', path: '/api/openapi.json', summary: 'This document', ok: anyObject, okDescription: 'OpenAPI 3.1', errors: {} },
];

const ADMIN_ERRORS: Record<number, string> = {
  401: 'missing or wrong bearer token',
  403: 'the admin API is disabled (no ADMIN_TOKEN)',
  413: 'the body is larger than the limit',
  500: 'an unexpected error (no internals in the message)',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  // Preprocessed and transformed fields have no JSON Schema of their own: described as "any"
  // rather than refused, the rest of the object stays exact.
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete out.$schema;
  return out;
}

function queryParameters(schemas: z.ZodType[]): Json[] {
  return schemas.flatMap((schema) => {
    const json = jsonSchema(schema, 'input');
    const properties = (json.properties ?? {}) as Record<string, Json>;
    const required = new Set((json.required ?? []) as string[]);
    return Object.entries(properties).map(([name, property]) => {
      const { description, ...rest } = property;
      return { name, in: 'query', required: required.has(name), schema: rest, ...(description !== undefined && { description }) };
    });
  });
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operation(route: RouteDescription): Json {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const query = route.query === undefined ? [] : queryParameters(Array.isArray(route.query) ? route.query : [route.query]);
  const ok =
    route.ok instanceof z.ZodType
      ? { description: route.okDescription, content: { 'application/json': { schema: jsonSchema(route.ok, 'output') } } }
      : { description: route.okDescription, content: Object.fromEntries(Object.entries(route.ok).map(([type, v]) => [type, { schema: { type: type === 'application/json' ? 'object' : 'string', description: v.description } }])) };
  const errors = { ...(route.open ? {} : ADMIN_ERRORS), ...route.errors };
  return {
    summary: route.summary,
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(route.open && { security: [] }),
    ...(pathParams.length + query.length > 0 && { parameters: [...pathParams, ...query] }),
    ...(route.body && {
      requestBody: { required: true, description: route.body.description, content: { 'application/json': { schema: jsonSchema(route.body.schema, 'output') } } },
    }),
    responses: {
      200: ok,
      ...Object.fromEntries(Object.entries(errors).map(([status, description]) => [status, errorResponse(description)])),
    },
  };
}

export const openApiPath = (honoPath: string) => honoPath.replace(/:(\w+)/g, '{$1}');

export function openApiDocument(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'duban (督办) admin API', version, description: 'SPEC §7. Errors are { error: { code, message, details } }.' },
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
    },
  };
}
