/**
 * GET /api/openapi.json (SPEC §7): a valid OpenAPI 3.1 document (checked by a real validator)
 * that describes every route the app serves. The route walk is the app's own (`app.routes`), so
 * a route added to createApp without its line in src/transports/http/openapi.ts fails here.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/transports/http/app.ts';
import { openApiPath } from '../src/transports/http/openapi.ts';
import { createGroupCommitRecorder } from '../src/runtimes/node/group-commit-recorder.ts';
import { startTestServer } from './support/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
type Doc = { openapi: string; paths: Record<string, Record<string, any>> };

/** The routes of the app that the document lacks, and the documented ones the app lacks. */
function compare(app: Hono, doc: Doc) {
  const served = new Set(
    app.routes
      // Middleware (`use`) is registered as ALL; it is no route of its own.
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
  );
  const described = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`)));
  return { undescribed: [...served].filter((r) => !described.has(r)), unserved: [...described].filter((r) => !served.has(r)), served };
}

describe('GET /api/openapi.json', () => {
  let t: TestServer;
  let doc: Doc;
  beforeAll(async () => {
    t = await startTestServer();
    const res = await t.json('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => t.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every route of the app and no route it does not serve', () => {
    const app = createApp({ context: t.runtime, messages: createGroupCommitRecorder(t.runtime.db) });
    const { undescribed, unserved, served } = compare(app, doc);
    expect(served.size).toBeGreaterThanOrEqual(13);
    expect(undescribed).toEqual([]);
    expect(unserved).toEqual([]);
  });

  it('fails for a route added without its description', () => {
    const app = createApp({ context: t.runtime, messages: createGroupCommitRecorder(t.runtime.db) });
    app.get('/api/undescribed/:id', (c) => c.json({}));
    expect(compare(app, doc).undescribed).toEqual(['get /api/undescribed/{id}']);
  });

  it('carries the query, body and error shapes the routes validate with', () => {
    const list = doc.paths['/api/suggestions']!.get;
    const names = list.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['status', 'unit', 'category', 'session', 'overdue', 'limit', 'cursor']));
    expect(list.parameters.find((p: { name: string }) => p.name === 'limit').schema.pattern).toBe('^\\d+$');
    expect(list.responses['200'].content['application/json'].schema.properties).toHaveProperty('next_cursor');
    expect(list.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    const extend = doc.paths['/api/assignments/{id}/extend']!.post;
    expect(extend.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    expect(extend.requestBody.content['application/json'].schema.required).toEqual(['by', 'until', 'reason']);
    expect(doc.paths['/api/directory']!.put.requestBody.content['application/json'].schema.properties).toHaveProperty('units');
    expect(doc.paths['/api/stats']!.get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['session', 'unit', 'from', 'to']));
    expect(doc.paths['/healthz']!.get.security).toEqual([]);
  });
});
