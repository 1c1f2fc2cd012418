/**
 * 协调处理 (SPEC §3, §5): after a second 不满意 closes an assignment `closed_unsatisfied`, a 协调处理
 * card appears in the supervisors' group; `登记协调结果` (`date`, `outcome`) is for supervisors only,
 * refuses bad values with a toast naming the field, and records the coordination on the suggestion
 * (GET /api/suggestions/:id and its timeline). Every press goes through the real SDK, signed
 * events and the sandbox's Lark client. The suggestion is classified: the card never carries its
 * body or the free text.
 */
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../src/adapters/sqlite/schema.ts';
import type { FakeMessage } from '../src/sandbox/sandbox-state.ts';
import { beijing, cardTitle, nineAm, startClockedWorld, type ClockedWorld } from './support/clocked-lark-world.ts';
import { deputy, directory, supervisor, unit } from './support/world.ts';

const jtw = unit('jtw');
const d01 = deputy('d01');
const SUPERVISORS_CHAT = 'oc_5a9e0c1d2b3f4a5b6c7d8e9f0a1b2c3d';
const BODY = '涉密正文：某重点工程选址方案';
const OUTCOME = '督办人员召集市交委与代表当面协调，确定下月再次实地调研';

describe('协调处理 in the supervisors’ group after closed_unsatisfied', () => {
  let w: ClockedWorld;
  let suggestionId: string;
  let chatId: string;

  beforeAll(async () => {
    w = await startClockedWorld({ start: beijing('2026-03-02', '10:00'), eventMode: 'webhook', env: { DUBAN_SUPERVISOR_CHAT_ID: SUPERVISORS_CHAT } });
    w.sandbox.fake.openGroupMadeByPeople({ chatId: SUPERVISORS_CHAT, name: '督办人员工作群', members: directory.supervisors });
    await w.loadDirectory();
    const res = await w.api('POST', '/api/suggestions', {
      session: '市六届人大二次会议',
      number: '0201',
      title: '关于重点工程选址的建议',
      body: BODY,
      category: '城乡建设与管理',
      lead_deputy: 'd01',
      lead_unit: 'jtw',
      assigned_on: '2026-03-02',
      classified: true,
    });
    suggestionId = res.body.items[0].id;
    await w.drain();
    chatId = w.chatOf('0201');
  });
  afterAll(() => w?.close());

  const detail = async () => (await w.api('GET', `/api/suggestions/${suggestionId}`)).body;
  const audit = () => w.duban.runtime.db.select().from(schema.auditLog).orderBy(asc(schema.auditLog.seq)).all();

  async function press(card: FakeMessage, label: string, operator: string, fields: Record<string, string> = {}) {
    const result = await w.pressOn(card, label, operator, fields);
    await w.drain();
    return result;
  }
  async function step(title: string, label: string, operator: string, fields: Record<string, string> = {}) {
    const result = await press(w.newestCard(chatId, `${title} · 第0201号`), label, operator, fields);
    expect(result.toast?.type, `${title} ${label}: ${JSON.stringify(result.toast)}`).toBe('success');
  }
  const answer = { result_class: 'C', summary: '留作参考', public: 'no', private_reason: '涉密', commitments: '' };
  const coordinationCards = () => w.sandbox.fake.messagesIn(SUPERVISORS_CHAT).filter((m) => m.msgType === 'interactive' && cardTitle(m) === '协调处理 · 第0201号');
  /** The newest copy: the card is re-posted before Lark's 14 days while nothing is recorded. */
  const coordinationCard = () => coordinationCards().at(-1)!;

  it('a second 不满意 posts the 协调处理 card in the supervisors’ group, with the form and without the body', async () => {
    await step('交办通知', '签收', jtw.liaison);
    await step('状态看板', '提交答复', jtw.liaison, answer);
    await step('答复审核', '审核通过', jtw.head);
    await step('答复', '不满意', d01, { comment: '未回应核心问题' });
    expect(w.sandbox.fake.messagesIn(SUPERVISORS_CHAT).filter((m) => cardTitle(m).startsWith('协调处理'))).toHaveLength(0);
    await step('状态看板', '提交答复', jtw.liaison, answer);
    await step('答复审核', '审核通过', jtw.head);
    await step('答复', '不满意', d01, { comment: '核心诉求仍未解决' });
    expect((await detail()).assignments[0].state).toBe('closed_unsatisfied');

    expect(coordinationCards()).toHaveLength(1);
    const card = coordinationCard();
    const shown = JSON.stringify(card.body);
    expect(shown).toContain('市交通运输委员会');
    expect(shown).toContain('登记协调结果');
    expect(shown).not.toContain(BODY);
    expect(shown).not.toContain('核心诉求仍未解决');
  });

  it('a unit head and a deputy are refused with a toast saying who may record it; audited; nothing changes', async () => {
    for (const operator of [jtw.head, d01]) {
      const auditBefore = audit().length;
      const result = await press(coordinationCard(), '登记协调结果', operator, { date: '2026-03-02', outcome: OUTCOME });
      expect(result.toast).toMatchObject({ type: 'error', content: '仅督办人员可登记协调结果' });
      const rows = audit();
      expect(rows).toHaveLength(auditBefore + 1);
      expect(rows.at(-1)).toMatchObject({ outcome: 'refused', source: 'card', action: 'record_coordination', actor: operator, message: '仅督办人员可登记协调结果' });
      expect((await detail()).coordinations).toEqual([]);
    }
  });

  it('bad values are refused with a toast naming the field', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ date: '2026-03-02', outcome: '  ' }, '请填写协调结果（outcome）'],
      [{ date: '2026-13-01', outcome: OUTCOME }, '协调日期（date）格式应为 YYYY-MM-DD：2026-13-01'],
      [{ date: '2026-03-09', outcome: OUTCOME }, '协调日期（date）不能晚于今天：2026-03-09'],
    ];
    for (const [fields, content] of cases) {
      const result = await press(coordinationCard(), '登记协调结果', supervisor, fields);
      expect(result.toast).toMatchObject({ type: 'warning', content });
    }
    expect((await detail()).coordinations).toEqual([]);
  });

  it('outlives Lark’s 14 days: re-posted in the supervisors’ group after 12 days while nothing is recorded, the old copy pointing to it', async () => {
    w.clock.advanceTo(nineAm('2026-03-15'));
    await w.sweep();
    await w.drain();
    const [old, current] = coordinationCards();
    expect(coordinationCards()).toHaveLength(2);
    expect(JSON.stringify(old!.body)).not.toContain('登记协调结果');
    expect(JSON.stringify(current!.body)).toContain('登记协调结果');
    expect(JSON.stringify(current!.body)).not.toContain(BODY);
    expect(w.sandbox.fake.messagesIn(chatId).filter((m) => cardTitle(m).startsWith('协调处理'))).toHaveLength(0); // not in the suggestion's group
  });

  it('a supervisor records it: on the suggestion, in its timeline, and the card shows it without the free text', async () => {
    const result = await press(coordinationCard(), '登记协调结果', supervisor, { date: '2026-03-02', outcome: OUTCOME });
    expect(result.toast).toMatchObject({ type: 'success', content: '协调结果已登记' });
    const d = await detail();
    expect(d.coordinations).toEqual([
      expect.objectContaining({ assignmentId: d.assignments[0].id, date: '2026-03-02', outcome: OUTCOME, recordedBy: supervisor }),
    ]);
    expect(d.timeline.filter((e: { action?: string }) => e.action === 'record_coordination')).toEqual([
      expect.objectContaining({ type: 'state_change', actor: supervisor, actorRole: 'supervisor', subjectId: d.assignments[0].id }),
    ]);
    const shown = JSON.stringify(coordinationCard().body);
    expect(shown).toContain('已登记协调结果');
    expect(shown).toContain('2026-03-02');
    expect(shown).not.toContain('"tag":"form"');
    expect(shown).not.toContain(OUTCOME);
    expect(shown).not.toContain(BODY);

    // Recorded: never re-posted again.
    w.clock.advanceTo(nineAm('2026-04-10'));
    await w.sweep();
    await w.drain();
    expect(coordinationCards()).toHaveLength(2);
  });
});
