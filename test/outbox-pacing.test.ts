/**
 * The outbox keeps within Lark's rate limits (SPEC §6; API.md §5.0: each API 50 calls a second
 * and 1,000 a minute, 5 messages a second into one chat): importing the 30 sample suggestions and
 * 300 more into the running server, as an operator would, draws no refusal for frequency from the
 * sandbox, which enforces Lark's limits, and every call is delivered.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../src/transports/cli/read-table.ts';
import { startLarkWorld, type LarkWorld } from './support/lark-world.ts';

const SAMPLES = new URL('../../shared/samples/', import.meta.url);
const FREQUENCY = new Set([99991400, 230020, 232019, 11232, 11233]);

describe('an import of 330 suggestions into the running server', () => {
  let w: LarkWorld;
  beforeAll(async () => {
    w = await startLarkWorld();
    const directory = (await import('yaml')).parse(readFileSync(new URL('directory.yaml', SAMPLES), 'utf8'));
    expect((await w.api('PUT', '/api/directory', directory)).status).toBe(200);
  });
  afterAll(() => w?.close());

  it('sends every call once and draws no 429 (nor any other refusal for frequency)', async () => {
    const samples = await readTable(readFileSync(new URL('suggestions.csv', SAMPLES)), 'csv');
    const more = Array.from({ length: 300 }, (_, i) => ({
      session: '市六届人大三次会议',
      number: String(i + 1).padStart(4, '0'),
      title: `关于第 ${i + 1} 项民生实事的建议`,
      lead_deputy: 'd01',
      co_deputies: ['d02'],
      lead_unit: 'jtw',
      co_units: ['cgj'],
    }));
    const imported = await w.api('POST', '/api/suggestions', [...samples.map((r) => r.values), ...more]);
    expect(imported.status).toBe(200);
    expect(imported.body.created).toBe(330);

    await w.drain(240_000);
    const refused = w.sandbox.fake.state.refused;
    expect(refused.filter((r) => r.status === 429 || (r.code !== undefined && FREQUENCY.has(r.code)))).toEqual([]);
    const outbox = await w.api('GET', '/api/outbox');
    const rows = outbox.body as Array<{ status: string; kind: string }>;
    expect(rows.filter((r) => r.status !== 'sent' && r.status !== 'skipped')).toEqual([]);
    // One group per suggestion, each with its cards: about four calls per suggestion.
    expect(rows.filter((r) => r.kind === 'create_chat' && r.status === 'sent')).toHaveLength(330);
    expect(rows.length).toBeGreaterThan(1200);
  }, 300_000);
});
