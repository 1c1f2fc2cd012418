/**
 * 并案, merged handling (SPEC §3, §7), end to end: a supervisor merges two suggestions through
 * `POST /api/merges`; the merged suggestion's board says so and its units leave; the lead unit
 * answers once; the answer card reaches both groups; each group's own deputy evaluates it on
 * their own card; the statistics count two items. Refusals answer 4xx naming the problem, change
 * nothing and are audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as schema from '../src/adapters/sqlite/schema.ts';
import { deputy, supervisor, unit } from './support/world.ts';
import { startNodeLarkWorld } from './support/lark-world.ts';
import { sampleWorld } from './support/world.ts';

type World = Awaited<ReturnType<typeof startNodeLarkWorld>>;

const jtw = unit('jtw');
const zjw = unit('zjw');
const d01 = deputy('d01');
const d02 = deputy('d02');

const base = { session: '市六届人大二次会议', kind: '建议', timing: '大会', category: '交通邮电', assigned_on: '2026-02-10', key: false };
const lead = { ...base, number: '0301', title: '关于增设中心城区公交微循环线路的建议', body: '建议增设社区微循环公交。', lead_deputy: 'd01', lead_unit: 'jtw' };
const member = { ...base, number: '0302', title: '关于加密社区公交线路的建议', body: '社区公交班次少，建议加密。', lead_deputy: 'd02', lead_unit: 'zjw' };
const other = { ...base, number: '0303', title: '关于公交站台遮雨棚的建议', body: '建议为站台加装遮雨棚。', lead_deputy: 'd02', lead_unit: 'jtw' };
const late = { ...base, number: '0305', title: '关于社区公交末班车延时的建议', body: '建议末班车延至 22 点。', lead_deputy: 'd03', lead_unit: 'zjw' };
const secret = { ...base, number: '0304', title: '关于某专用线路的建议', body: '涉密正文：专用线路走向', lead_deputy: 'd02', lead_unit: 'jtw', classified: true };

/** The text of every markdown element of a card as Lark shows it (zh_cn). */
function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const el = n as Record<string, unknown>;
    if (typeof el.content === 'string') out.push(el.content);
    Object.values(el).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}

describe('merged handling (并案)', () => {
  let w: World;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    w = await startNodeLarkWorld();
    await w.loadDirectory();
    for (const s of [lead, member, other, secret]) {
      const res = await w.api('POST', '/api/suggestions', s);
      expect(res.body.created).toBe(1);
      ids[s.number] = res.body.items[0].id;
    }
    await w.drain();
  });
  afterAll(() => w?.close());

  const refusedAudit = () =>
    w.duban.runtime.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'merge_suggestions')).all().filter((e) => e.outcome === 'refused');
  const liveStates = (id: string) => w.assignmentsOf(id).filter((a) => a.state !== 'withdrawn').map((a) => `${a.unitId}:${a.state}`);

  it('refuses a bad merge with a 4xx naming the problem, changes nothing, and audits it', async () => {
    const cases: Array<[unknown, number, string, RegExp]> = [
      [{ by: jtw.head, lead: ids['0301'], members: [ids['0302']] }, 403, 'forbidden', /supervisor/],
      [{ by: supervisor, lead: ids['0301'], members: ['sg_nosuch'] }, 404, 'not_found', /sg_nosuch/],
      [{ by: supervisor, lead: 'sg_nolead', members: [ids['0302']] }, 404, 'not_found', /sg_nolead/],
      [{ by: supervisor, lead: ids['0301'], members: [ids['0301']] }, 400, 'invalid_input', /itself/],
      [{ by: supervisor, lead: ids['0301'], members: [ids['0304']] }, 409, 'invalid_state', /classified/],
      [{ by: supervisor, lead: ids['0304'], members: [ids['0302']] }, 409, 'invalid_state', /classified/],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await w.api('POST', '/api/merges', body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(message);
    }
    expect(refusedAudit()).toHaveLength(cases.length);
    expect(refusedAudit().map((e) => e.actor)).toEqual([jtw.head, ...Array(cases.length - 1).fill(supervisor)]);

    const invalid = await w.api('POST', '/api/merges', { by: supervisor, lead: ids['0301'], members: [] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_body');
    expect(JSON.stringify(invalid.body.error.details)).toContain('members');

    await w.refresh();
    expect(liveStates(ids['0302']!)).toEqual(['zjw:pending_sign']);
    expect(w.duban.runtime.db.select().from(schema.suggestionMerges).all()).toEqual([]);
  });

  it('merges 0302 into 0301: its unit withdrawn and gone from its group, the 并案 note on both boards', async () => {
    const res = await w.api('POST', '/api/merges', { by: supervisor, lead: ids['0301'], members: [ids['0302']] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ lead: { id: ids['0301'], number: '0301' }, members: [{ id: ids['0302'], number: '0302', withdrawnAssignments: 1, answerDelivered: false }] });
    await w.drain();
    expect(liveStates(ids['0302']!)).toEqual([]);
    const memberChat = w.sandbox.fake.chat(w.chatOf(ids['0302']!))!;
    expect([...memberChat.members]).not.toContain(zjw.liaison);
    expect([...memberChat.members]).toContain(d02);

    const memberBoard = w.cardMessages('status_board', ids['0302']!)[0]!;
    expect(cardText(w.cardJson(memberBoard))).toContain('本建议已并入第0301号「关于增设中心城区公交微循环线路的建议」办理');
    const leadBoard = w.cardMessages('status_board', ids['0301']!)[0]!;
    expect(cardText(w.cardJson(leadBoard))).toContain('第0302号建议并入本建议办理');
    const texts = (id: string) => w.sandbox.fake.messagesIn(w.chatOf(id)).filter((m) => m.msgType === 'text').map((m) => (m.body as { text: string }).text);
    expect(texts(ids['0302']!).some((t) => t.includes('本建议已并入第0301号建议办理'))).toBe(true);
    expect(texts(ids['0301']!).some((t) => t.includes('第0302号建议已并入本建议办理'))).toBe(true);

    // Merged once: again, or the other way round, or into a merged one, is refused.
    const before = refusedAudit().length;
    for (const [body, message] of [
      [{ by: supervisor, lead: ids['0303'], members: [ids['0302']] }, /0302 is already merged/],
      [{ by: supervisor, lead: ids['0302'], members: [ids['0303']] }, /0302 is itself merged/],
      [{ by: supervisor, lead: ids['0303'], members: [ids['0301']] }, /0301 already leads/],
    ] as const) {
      const again = await w.api('POST', '/api/merges', body);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(message);
    }
    expect(refusedAudit()).toHaveLength(before + 3);
  });

  it('the lead unit answers once; the answer card reaches both groups; each deputy evaluates in their own group', async () => {
    const [leadCard] = w.cardMessages('assignment', w.assignmentsOf(ids['0301']!)[0]!.id);
    expect((await w.press(leadCard!, '签收', jtw.liaison)).toast?.type).toBe('success');
    await w.drain();
    const leadBoard = w.cardMessages('status_board', ids['0301']!)[0]!;
    const submitted = await w.press(leadBoard, '提交答复', jtw.liaison, { result_class: 'B', summary: '年内新增两条社区微循环线路', public: 'yes', private_reason: '', commitments: '' });
    expect(submitted.toast?.type).toBe('success');
    await w.drain();
    const approval = w.cardsOfKind(ids['0301']!, 'approval')[0]!.messageId!;
    expect((await w.press(approval, '审核通过', jtw.head)).toast?.type).toBe('success');
    await w.drain();

    const leadAnswer = w.cardsOfKind(ids['0301']!, 'answer');
    const memberAnswer = w.cardsOfKind(ids['0302']!, 'answer');
    expect(leadAnswer).toHaveLength(1);
    expect(memberAnswer).toHaveLength(1);
    for (const card of [leadAnswer[0]!, memberAnswer[0]!]) {
      const text = cardText(w.cardJson(card.messageId!));
      expect(text).toContain('年内新增两条社区微循环线路');
      expect(w.buttons(w.cardJson(card.messageId!)).map((b) => b.label)).toEqual(expect.arrayContaining(['满意', '基本满意', '不满意']));
    }
    // The answer card in 0302's group is in that group, and names its own number.
    expect(w.sandbox.fake.message(memberAnswer[0]!.messageId!)!.chatId).toBe(w.chatOf(ids['0302']!));
    expect(liveStates(ids['0302']!)).toEqual(['jtw:answered']);

    // 0301's deputy cannot evaluate 0302's answer; each evaluates their own.
    const wrong = await w.press(memberAnswer[0]!.messageId!, '满意', d01, { comment: '' });
    expect(wrong.toast).toMatchObject({ type: 'error', content: '仅本建议的代表可评价答复' });
    expect((await w.press(leadAnswer[0]!.messageId!, '满意', d01, { comment: '很好' })).toast?.type).toBe('success');
    expect((await w.press(memberAnswer[0]!.messageId!, '基本满意', d02, { comment: '希望加快' })).toast?.type).toBe('success');
    await w.drain();
    expect(liveStates(ids['0301']!)).toEqual(['jtw:closed']);
    expect(liveStates(ids['0302']!)).toEqual(['jtw:closed']);
    for (const id of [ids['0301']!, ids['0302']!]) expect((await w.api('GET', `/api/suggestions/${id}`)).body.status).toBe('closed');
    expect(w.outboxRows('failed')).toEqual([]);
  });

  it('the statistics count the two merged suggestions as two items, each with its own evaluation', async () => {
    const stats = (await w.api('GET', '/api/stats')).body;
    expect(stats.totals.suggestions).toBe(4);
    expect(stats.totals.closed).toBe(2);
    expect(stats.answers.answered).toBe(2);
    expect(stats.resultClasses.B).toMatchObject({ count: 2, of: 2 });
    expect(stats.satisfaction.final.evaluations).toBe(2);
    expect(stats.satisfaction.final.satisfied).toMatchObject({ count: 1, of: 2 });
    expect(stats.satisfaction.final.basicallySatisfied).toMatchObject({ count: 1, of: 2 });
    const jtwRow = stats.units.find((u: { unitId: string }) => u.unitId === 'jtw');
    expect(jtwRow.answers).toBe(2);
    expect(jtwRow.grades).toMatchObject({ satisfied: 1, basically_satisfied: 1, unsatisfied: 0 });
  });

  it('a suggestion merged after the lead answer was approved receives it at once, in its own group', async () => {
    const leadId = ids['0303']!;
    const [card] = w.cardMessages('assignment', w.assignmentsOf(leadId)[0]!.id);
    expect((await w.press(card!, '签收', jtw.liaison)).toast?.type).toBe('success');
    await w.drain();
    const board = w.cardMessages('status_board', leadId)[0]!;
    expect((await w.press(board, '提交答复', jtw.liaison, { result_class: 'A', summary: '年内完成主要站台遮雨棚加装', public: 'yes', private_reason: '', commitments: '' })).toast?.type).toBe('success');
    await w.drain();
    expect((await w.press(w.cardsOfKind(leadId, 'approval')[0]!.messageId!, '审核通过', jtw.head)).toast?.type).toBe('success');
    await w.drain();

    const imported = await w.api('POST', '/api/suggestions', late);
    const lateId: string = imported.body.items[0].id;
    await w.drain();
    const res = await w.api('POST', '/api/merges', { by: supervisor, lead: leadId, members: [lateId] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.members).toEqual([{ id: lateId, number: '0305', withdrawnAssignments: 1, answerDelivered: true }]);
    await w.drain();
    const answers = w.cardsOfKind(lateId, 'answer');
    expect(answers).toHaveLength(1);
    expect(w.sandbox.fake.message(answers[0]!.messageId!)!.chatId).toBe(w.chatOf(lateId));
    expect(cardText(w.cardJson(answers[0]!.messageId!))).toContain('年内完成主要站台遮雨棚加装');
    expect(liveStates(lateId)).toEqual(['jtw:answered']);
    expect(w.outboxRows('failed')).toEqual([]);
  });
});

describe('the merge steps on their own (core/lifecycle/merge-steps.ts, through dispatch)', () => {
  it('only a supervisor merges; an answered suggestion cannot be merged; only duban delivers an answer', async () => {
    const w = await sampleWorld();
    const lead = w.suggestionId('0002');
    w.expectRefused('0001', jtw.liaison, { type: 'merge_into', suggestionId: w.suggestionId('0001'), leadSuggestionId: lead, leadNumber: '0002' }, 'forbidden', '仅督办人员可并案');
    const given = { leadAnswerId: 'an_x', unitId: 'jtw', role: 'lead' as const, resultClass: 'A' as const, summary: '伪造的答复', public: true, privateReason: null, submittedBy: supervisor, submittedAt: '2026-02-10T01:00:00.000Z', decidedBy: supervisor, decidedAt: '2026-02-10T01:00:00.000Z' };
    w.expectRefused('0001', supervisor, { type: 'deliver_merged_answer', suggestionId: w.suggestionId('0001'), leadNumber: '0002', answer: given }, 'forbidden', '并案答复由系统送达');

    w.act(jtw.liaison, { type: 'sign', assignmentId: w.assignment('0001', 'jtw').id });
    w.act(jtw.liaison, { type: 'submit_answer', assignmentId: w.assignment('0001', 'jtw').id, resultClass: 'A', summary: '已办理', public: true, commitments: [] });
    w.expectRefused('0001', supervisor, { type: 'merge_into', suggestionId: w.suggestionId('0001'), leadSuggestionId: lead, leadNumber: '0002' }, 'invalid_state', '已提交答复');
  });
});
