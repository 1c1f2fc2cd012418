/**
 * 协办意见评价 (SPEC §3, §5, §10; the Chongqing 协办意见评价回执): a co unit's opinion comes on a
 * 协办意见 card; `评价协办意见` (`grade`, `comment`) is for the lead unit's liaison or head, refuses
 * others (audited, nothing changed) and an unknown grade (a toast naming the field); 不满意 asks
 * the co unit for a second opinion; the receipts are counted in the statistics and the report.
 * Presses through the real SDK and signed events.
 */
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../src/adapters/sqlite/schema.ts';
import { ADMIN_TOKEN, beijing, cardTitle, startClockedWorld, type ClockedWorld } from './support/clocked-lark-world.ts';
import { deputy, unit } from './support/world.ts';

const jtw = unit('jtw');
const zjw = unit('zjw');
const d01 = deputy('d01');

describe('协办意见: the lead unit rates the co-handler opinion', () => {
  let w: ClockedWorld;
  let suggestionId: string;
  let chatId: string;

  beforeAll(async () => {
    w = await startClockedWorld({ start: beijing('2026-03-02', '10:00'), eventMode: 'webhook' });
    await w.loadDirectory();
    const res = await w.api('POST', '/api/suggestions', {
      session: '市六届人大二次会议',
      number: '0401',
      title: '关于老旧小区停车改造的建议',
      body: '建议统筹利用边角地增设停车位。',
      lead_deputy: 'd01',
      lead_unit: 'jtw',
      co_units: ['zjw'],
      assigned_on: '2026-03-02',
    });
    suggestionId = res.body.items[0].id;
    await w.drain();
    chatId = w.chatOf('0401');
  });
  afterAll(() => w?.close());

  const detail = async () => (await w.api('GET', `/api/suggestions/${suggestionId}`)).body;
  const audit = () => w.duban.runtime.db.select().from(schema.auditLog).orderBy(asc(schema.auditLog.seq)).all();
  const coState = async () => (await detail()).assignments.find((a: { unitId: string }) => a.unitId === 'zjw').state;
  const opinionCards = () => w.cardsIn(chatId).filter((m) => cardTitle(m) === '协办意见 · 第0401号');
  async function press(title: string, label: string, operator: string, fields: Record<string, string> = {}, mentioning?: string) {
    const result = await w.pressOn(w.newestCard(chatId, `${title} · 第0401号`, mentioning), label, operator, fields);
    await w.drain();
    return result;
  }

  it('the co unit submits: the 协办意见 card with the opinion and the form, @ the lead unit', async () => {
    expect((await press('交办通知', '签收', jtw.liaison, {}, '市交通运输委员会')).toast?.type).toBe('success');
    expect((await press('交办通知', '签收', zjw.liaison, {}, '市住房和城乡建设委员会')).toast?.type).toBe('success');
    expect((await press('状态看板', '提交协办意见', zjw.liaison, { opinion: '可协调利用小区边角地' })).toast?.type).toBe('success');
    expect(opinionCards()).toHaveLength(1);
    const shown = JSON.stringify(opinionCards()[0]!.body);
    expect(shown).toContain('可协调利用小区边角地');
    expect(shown).toContain('评价协办意见');
    expect(shown).toContain(jtw.liaison);
  });

  it('the co unit itself and a deputy are refused with a toast saying who may rate; audited; nothing changes', async () => {
    for (const operator of [zjw.liaison, d01]) {
      const before = audit().length;
      const result = await press('协办意见', '评价协办意见', operator, { grade: 'satisfied', comment: '' });
      expect(result.toast).toMatchObject({ type: 'error', content: '仅主办单位联络员或负责人可评价协办意见' });
      expect(audit()).toHaveLength(before + 1);
      expect(audit().at(-1)).toMatchObject({ outcome: 'refused', source: 'card', action: 'evaluate_co_opinion', actor: operator });
      expect((await detail()).coOpinionEvaluations).toEqual([]);
    }
    const bad = await press('协办意见', '评价协办意见', jtw.liaison, { grade: '', comment: '' });
    expect(bad.toast).toMatchObject({ type: 'warning', content: '请选择评价（grade）：满意、基本满意或不满意' });
    expect((await detail()).coOpinionEvaluations).toEqual([]);
  });

  it('不满意 asks the co unit for a second opinion; the second is rated 满意', async () => {
    const result = await press('协办意见', '评价协办意见', jtw.liaison, { grade: 'unsatisfied', comment: '请明确车位数量' });
    expect(result.toast).toMatchObject({ type: 'success', content: '协办意见评价已提交' });
    expect(await coState()).toBe('signed');
    const texts = w.sandbox.fake.messagesIn(chatId).filter((m) => m.msgType === 'text').map((m) => (m.body as { text: string }).text);
    expect(texts.some((t) => t.includes('请协办单位重新提交协办意见'))).toBe(true);
    expect(JSON.stringify(opinionCards()[0]!.body)).not.toContain('"tag":"form"');

    expect((await press('状态看板', '提交协办意见', zjw.liaison, { opinion: '可新增车位 120 个' })).toast?.type).toBe('success');
    expect(await coState()).toBe('opinion_submitted');
    expect(opinionCards()).toHaveLength(2);
    expect((await press('协办意见', '评价协办意见', jtw.head, { grade: 'satisfied', comment: '' })).toast?.type).toBe('success');
    const d = await detail();
    expect(d.coOpinionEvaluations.map((e: { grade: string; evaluatedBy: string }) => [e.grade, e.evaluatedBy])).toEqual([
      ['unsatisfied', jtw.liaison],
      ['satisfied', jtw.head],
    ]);
    expect(d.timeline.filter((e: { action?: string }) => e.action === 'evaluate_co_opinion')).toHaveLength(2);
  });

  it('the statistics and the report count the receipts and the first-time rate', async () => {
    const stats = (await w.api('GET', '/api/stats')).body;
    expect(stats.coOpinionEvaluations).toMatchObject({
      receipts: 2,
      grades: { satisfied: 1, basically_satisfied: 0, unsatisfied: 1 },
      rated: 1,
      firstSatisfiedOrBasic: expect.objectContaining({ numerator: 0, denominator: 1 }),
    });
    const md = await (await fetch(`${w.duban.server.url}/api/report?format=md`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(md).toContain('主办单位对协办意见评价回执2件，首次评价满意或基本满意0件、占0.0%。');
    const csv = await (await fetch(`${w.duban.server.url}/api/report?format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(csv).toContain('协办意见评价回执,2');
  });
});
