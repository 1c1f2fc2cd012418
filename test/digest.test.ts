/**
 * The weekly digest (SPEC §4) and the schedules that run the sweep and the digest (node-cron).
 */
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { renderDigestCard } from '../src/adapters/cards/render-card.ts';
import * as schema from '../src/adapters/sqlite/schema.ts';
import { buildRuntime } from '../src/runtimes/node/build-runtime.ts';
import { startSchedules } from '../src/runtimes/node/schedule.ts';
import { buildDigest, sendDigest } from '../src/app/digest.ts';
import { loadDirectory } from '../src/adapters/sqlite/directory-store.ts';
import { importSuggestions } from '../src/app/import/import-suggestions.ts';
import { readTable } from '../src/transports/cli/read-table.ts';
import { readFileSync } from 'node:fs';
import { directory, fixturePath, tempDir, unit } from './support/world.ts';
import { dispatch } from '../src/app/dispatch.ts';
import { dispatchDeps } from '../src/app/dispatch.ts';

async function runtimeWithSamples(env: Record<string, string> = {}, at = '2026-03-02T01:00:00Z') {
  let now = new Date(at);
  const runtime = buildRuntime({ DATABASE_PATH: join(tempDir(), 'duban.db'), LOG_LEVEL: 'silent', DUBAN_SUPERVISOR_CHAT_ID: 'oc_supervisors0001', ...env }, () => now);
  loadDirectory(runtime.db, directory);
  const rows = await readTable(readFileSync(fixturePath('suggestions.csv')), 'csv');
  importSuggestions(runtime.db, rows, { source: 'cli', actor: 'system:cli', now: new Date('2026-02-10T01:00:00Z'), today: '2026-02-10' });
  return { runtime, setNow: (iso: string) => (now = new Date(iso)) };
}

describe('weekly digest', () => {
  it('counts by state, lists the overdue items by unit with working days overdue, and charts open items by unit and light', async () => {
    const { runtime } = await runtimeWithSamples();
    // 0002 (zjw) is signed on time; everything else assigned 2026-02-10 is still unsigned on 2026-03-02.
    const s0002 = runtime.db.select().from(schema.suggestions).where(eq(schema.suggestions.number, '0002')).get()!;
    const a0002 = runtime.db.select().from(schema.assignments).where(eq(schema.assignments.suggestionId, s0002.id)).get()!;
    dispatch(dispatchDeps(runtime), { actor: unit('zjw').liaison, command: { type: 'sign', assignmentId: a0002.id }, source: 'card' });

    const digest = buildDigest(runtime, new Date('2026-03-02T01:00:00Z'));
    expect(digest.today).toBe('2026-03-02');
    expect(digest.suggestions).toEqual({ open: 30, closed: 0, withdrawn: 0 });
    expect(digest.byState).toEqual([
      { label: { zh_cn: '待签收', en_us: 'awaiting sign-for' }, count: 41 },
      { label: { zh_cn: '办理中', en_us: 'in handling' }, count: 1 },
    ]);
    // Sign-for was due 2026-02-12; from 02-13 to 03-02 there are 8 working days: 02-13, the
    // make-up Saturday 02-14, (Spring Festival 02-15..23), 02-24..27, the make-up Saturday 02-28, 03-02.
    const jtw = digest.overdueByUnit.find((u) => u.unitName === '市交通运输委员会')!;
    expect(jtw.items.map((i) => [i.number, i.deadline.zh_cn, i.workingDaysOverdue])).toEqual([
      ['0001', '签收', 8],
      ['0012', '签收', 8],
    ]);
    expect(digest.overdueByUnit.flatMap((u) => u.items).some((i) => i.number === '0002')).toBe(false);
    const zjwChart = digest.chart.filter((c) => c.unitName === '市住房和城乡建设委员会');
    expect(zjwChart.find((c) => c.light === 'red')?.count).toBeGreaterThan(0);
    const card = renderDigestCard(digest);
    const json = JSON.stringify(card);
    expect(json.length).toBeLessThan(30 * 1024);
    expect(json).toContain('"tag":"chart"');
    expect(card.header).toMatchObject({ template: 'red' });
  });

  it('is queued as a card to the supervisors’ group, and skipped without DUBAN_SUPERVISOR_CHAT_ID', async () => {
    const { runtime } = await runtimeWithSamples();
    expect(sendDigest(runtime, new Date('2026-03-02T01:00:00Z'))).toBeDefined();
    const rows = runtime.db.select().from(schema.outbox).where(eq(schema.outbox.kind, 'send_card')).all().filter((r) => (r.payload as { chatId?: string }).chatId === 'oc_supervisors0001');
    expect(rows).toHaveLength(1);
    expect((rows[0]!.payload as { model: { kind: string } }).model.kind).toBe('digest');

    const { runtime: without } = await runtimeWithSamples({ DUBAN_SUPERVISOR_CHAT_ID: '' });
    const before = without.db.select().from(schema.outbox).all().length;
    expect(sendDigest(without, new Date('2026-03-02T01:00:00Z'))).toBeUndefined();
    expect(without.db.select().from(schema.outbox).all().length).toBe(before);
  });
});

describe('schedules (node-cron)', () => {
  it('run the sweep on the cron expression, never two at once, and stop cleanly', async () => {
    const { runtime } = await runtimeWithSamples({ DUBAN_SCHEDULE: '* * * * * *', DUBAN_DIGEST_SCHEDULE: 'off' }, '2026-02-24T01:00:00Z');
    let runs = 0;
    const schedules = startSchedules(runtime, () => runs++);
    const until = Date.now() + 5000;
    while (runs < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await schedules.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    // The first run sent the day's reminders; later runs found them sent.
    const sent = runtime.db.select().from(schema.remindersSent).all();
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent.map((r) => r.key)).size).toBe(sent.length);
    const after = runs;
    await new Promise((r) => setTimeout(r, 1500));
    expect(runs).toBe(after);
  });

  it('"off" schedules nothing', async () => {
    const { runtime } = await runtimeWithSamples({ DUBAN_SCHEDULE: 'off', DUBAN_DIGEST_SCHEDULE: 'off' }, '2026-02-24T01:00:00Z');
    let runs = 0;
    const schedules = startSchedules(runtime, () => runs++);
    await new Promise((r) => setTimeout(r, 1500));
    await schedules.stop();
    expect(runs).toBe(0);
  });
});
