/**
 * The outbox drain (issue: "a Chongqing-sized import drained through the sandbox"): 1,300
 * suggestions (Chongqing 2024 handled 1,284), each with a lead and two co-handling units, so
 * about 6,500 Lark calls — a group and four cards each — imported into the running server on the
 * sandbox, which enforces Lark's limits (each API 50 calls a second and 1,000 a minute; 5 messages a
 * second per chat). The baseline is the least time those limits allow for the same calls: the
 * binding one is the message API's 1,000 a minute. Target: a drain at least 0.9 as fast as that,
 * with nothing refused and nothing lost.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { apiOf } from '../src/adapters/lark/lark-pacing.ts';
import type { OutboxPayload } from '../src/adapters/sqlite/outbox-payload.ts';
import { startDuban } from '../src/runtimes/node/start-duban.ts';
import { fmt, ROOT } from './support.ts';

const SUGGESTIONS = Number(process.env.BENCH_DRAIN_SUGGESTIONS ?? 1300);
const TARGET = 0.9;
const TOKEN = 'bench-admin-token-0123456789';
/** Lark's limits per API (tier 4), as the sandbox enforces them. */
const PER_SECOND = 50;
const PER_MINUTE = 1000;

/** The least time in which `n` calls to one API fit Lark's limits, from the first call to the last. */
export function leastTimeMs(n: number): number {
  if (n <= 0) return 0;
  const last = n - 1;
  return Math.max(Math.floor(last / PER_SECOND) * 1000, Math.floor(last / PER_MINUTE) * 60_000);
}

export async function runOutboxDrainBench(): Promise<boolean> {
  console.log(`\nOutbox drain: ${SUGGESTIONS} suggestions into the running server on the sandbox`);
  const dir = mkdtempSync(join(tmpdir(), 'duban-drain-bench-'));
  const duban = await startDuban({ DATABASE_PATH: join(dir, 'duban.db'), PORT: '0', ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent' }, undefined, { hostname: '127.0.0.1' });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${duban.server.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    return (await res.json()) as any;
  };
  try {
    await api('PUT', '/api/directory', parse(readFileSync(join(ROOT, 'test/fixtures/directory.yaml'), 'utf8')));
    const leads = ['jtw', 'zjw', 'jw'];
    const cos = ['wjw', 'mzj', 'sthjj', 'cgj'];
    const rows = Array.from({ length: SUGGESTIONS }, (_, i) => ({
      session: '市六届人大二次会议',
      number: String(i + 1).padStart(4, '0'),
      title: `关于第 ${i + 1} 项民生实事的建议`,
      lead_deputy: `d${String((i % 20) + 1).padStart(2, '0')}`,
      lead_unit: leads[i % leads.length]!,
      co_units: [cos[i % cos.length]!, cos[(i + 1) % cos.length]!],
    }));
    const imported = await api('POST', '/api/suggestions', rows);
    if (imported.created !== SUGGESTIONS) throw new Error(`import: ${JSON.stringify(imported).slice(0, 400)}`);
    const started = Date.now();
    for (;;) {
      const pending = (await api('GET', '/api/outbox?status=pending')) as unknown[];
      if (pending.length === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const drainedMs = Date.now() - started;
    const all = (await api('GET', '/api/outbox')) as Array<{ status: string; payload: OutboxPayload }>;
    const sent = all.filter((r) => r.status === 'sent');
    const byApi = new Map<string, number>();
    for (const r of sent) byApi.set(apiOf(r.payload), (byApi.get(apiOf(r.payload)) ?? 0) + 1);
    const least = Math.max(...[...byApi.values()].map(leastTimeMs));
    const refused = (duban.sandbox!.fake.state.refused as Array<{ status: number }>).length;
    const lost = all.length - sent.length - all.filter((r) => r.status === 'skipped').length;
    const ratio = least / drainedMs;
    console.log(`  calls: ${sent.length} sent (${[...byApi].map(([k, n]) => `${k} ${n}`).join(', ')}), refused by the sandbox ${refused}, not delivered ${lost}`);
    console.log(`  drained in ${fmt(drainedMs / 1000)} s; Lark's limits allow at best ${fmt(least / 1000)} s: ratio ${fmt(ratio, 2)} (target ≥ ${TARGET})`);
    return ratio >= TARGET && refused === 0 && lost === 0;
  } finally {
    await duban.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
