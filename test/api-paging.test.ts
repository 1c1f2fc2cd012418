/**
 * Paging of GET /api/suggestions (SPEC §7): `limit` and a keyset `cursor` answering
 * `{ items, next_cursor }`. 2,500 suggestions are paged 1,000 at a time while others are imported
 * between and during the page requests, with numbers that sort both before and after the page
 * being read: an offset would then repeat or skip items; the cursor must not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSuggestions } from '../src/app/import/import-suggestions.ts';
import { loadDirectory } from '../src/app/directory.ts';
import { directory } from './support/world.ts';
import { ADMIN_TOKEN, startTestServer } from './support/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const SESSION = '市六届人大二次会议';
const suggestion = (n: number) => ({
  session: SESSION,
  number: String(n).padStart(5, '0'),
  kind: 'suggestion',
  timing: 'session',
  title: `关于第 ${n} 号事项的建议`,
  lead_deputy: 'd01',
  lead_unit: 'jtw',
  assigned_on: '2026-02-10',
});

describe('GET /api/suggestions pages', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    loadDirectory(t.runtime, directory);
    // The 2,500 already there: even numbers 00000, 00002, … 04998.
    const rows = Array.from({ length: 2500 }, (_, i) => ({ row: i + 1, values: suggestion(i * 2) }));
    const report = importSuggestions(t.runtime.db, rows, { source: 'cli', actor: 'system:test', now: t.runtime.clock(), today: '2026-02-10' });
    expect(report.created).toBe(2500);
  }, 120_000);
  afterAll(() => t.close());

  it('pages through 2,500 suggestions 1,000 at a time while others are imported, each exactly once', async () => {
    // Odd numbers spread over the whole range, so every batch lands before and after the cursor.
    let batch = 0;
    const importBatch = async () => {
      const k = batch++;
      const items = Array.from({ length: 100 }, (_, j) => suggestion(2 * (j * 25 + k) + 1));
      const res = await t.json('POST', '/api/suggestions', items);
      expect(res.status).toBe(200);
      return res.body.created as number;
    };
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let importedDuring = 0;
    do {
      const path: string = `/api/suggestions?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const [page, created]: [{ status: number; body: any }, number] = await Promise.all([t.json('GET', path), importBatch()]);
      importedDuring += created;
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1000);
      seen.push(...page.body.items.map((s: { number: string }) => s.number));
      cursor = page.body.next_cursor;
      pages++;
      importedDuring += await importBatch();
    } while (cursor && pages < 20);

    expect(importedDuring).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length); // nothing repeated
    const originals = seen.filter((n) => Number(n) % 2 === 0);
    expect(originals).toHaveLength(2500); // nothing missing
    expect(seen).toEqual([...seen].sort()); // in (session, number) order
    expect(pages).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('answers 100 by default with a cursor to the rest, and null on the last page', async () => {
    const first = await t.json('GET', '/api/suggestions');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(100);
    expect(typeof first.body.next_cursor).toBe('string');
    const second = await t.json('GET', `/api/suggestions?cursor=${first.body.next_cursor}`);
    expect(second.body.items[0].number > first.body.items[99].number).toBe(true);
    const filtered = await t.json('GET', '/api/suggestions?limit=5&unit=zjw');
    expect(filtered.body).toEqual({ items: [], next_cursor: null });
  });

  it('refuses a bad limit or cursor with 400 naming the parameter', async () => {
    for (const limit of ['0', '1001', 'abc', '1.5', '-3', '']) {
      const res = await t.json('GET', `/api/suggestions?limit=${limit}`);
      expect(res.status, `limit=${limit}`).toBe(400);
      expect(res.body.error.code).toBe('invalid_query');
      expect(res.body.error.details.join(' ')).toContain('limit');
    }
    for (const cursor of ['!!', 'abc', Buffer.from('["only one"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
      const res = await t.json('GET', `/api/suggestions?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, `cursor=${cursor}`).toBe(400);
      expect(res.body.error.code).toBe('invalid_query');
      expect(res.body.error.details.join(' ')).toContain('cursor');
    }
    const unauthorised = await fetch(`${t.server.url}/api/suggestions?limit=5`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } });
    expect(unauthorised.status).toBe(401);
  });
});
