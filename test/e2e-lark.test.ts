/**
 * One suggestion, one group, from import to closing (SPEC §3, §5, §6), end to end: the real
 * server, the real Lark SDK talking to the sandbox, and signed, encrypted events and button
 * presses. Every step is taken by pressing the card a person would press.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputy, directory, supervisor, unit } from './support/world.ts';
import { startLarkWorld } from './support/lark-world.ts';

type World = Awaited<ReturnType<typeof startLarkWorld>>;

const jtw = unit('jtw');
const cgj = unit('cgj');
const zjw = unit('zjw');
const d01 = deputy('d01');
const d02 = deputy('d02');
const d03 = deputy('d03');

/** Commitment due dates in the future of whenever the test runs. */
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const today = () => new Date().toISOString().slice(0, 10);

const suggestion0001 = {
  session: '市六届人大二次会议',
  number: '0001',
  kind: '建议',
  timing: '大会',
  title: '关于优化中心城区公交线网的建议',
  body: '部分线路重复设置、换乘不便，建议结合轨道交通优化公交线网并增设微循环线路。',
  category: '交通邮电',
  lead_deputy: 'd01',
  co_deputies: ['d02', 'd03'],
  lead_unit: 'jtw',
  co_units: ['cgj'],
  assigned_on: '2026-02-10',
  key: true,
  key_leader: '常务副市长 陈建华',
  classified: false,
};

describe('one suggestion through its whole life in its Lark group', () => {
  let w: World;
  let suggestionId: string;
  let chatId: string;
  let board: string;

  beforeAll(async () => {
    w = await startLarkWorld();
    await w.loadDirectory();
  });
  afterAll(() => w?.close());

  /** Presses, expects success, waits for the outbox, and checks the board was updated again. */
  async function step(messageId: string, label: string, operator: string, formValue?: Record<string, unknown>) {
    const before = w.revisions(board);
    const result = await w.press(messageId, label, operator, formValue);
    expect(result.status).toBe(200);
    expect(result.toast?.type, `${label}: ${JSON.stringify(result.toast)}`).toBe('success');
    await w.drain();
    expect(w.revisions(board), `status board updated after ${label}`).toBeGreaterThan(before);
    return result;
  }
  const state = (unitId: string) => w.assignmentsOf(suggestionId).find((a) => a.unitId === unitId && a.state !== 'withdrawn')?.state;

  it('import creates the group with the right members, the assignment cards and the status board', async () => {
    const res = await w.api('POST', '/api/suggestions', suggestion0001);
    expect(res.body.created).toBe(1);
    suggestionId = res.body.items[0].id;
    await w.drain();
    chatId = w.chatOf(suggestionId);
    const chat = w.sandbox.fake.chat(chatId)!;
    expect(chat.name).toBe('第0001号 关于优化中心城区公交线网的建议');
    const expected = [d01, d02, d03, jtw.head, ...jtw.liaisons, cgj.head, ...cgj.liaisons, ...directory.supervisors];
    expect([...chat.members].sort()).toEqual([...new Set(expected)].sort());
    const cards = w.sandbox.fake.messagesIn(chatId).filter((m) => m.msgType === 'interactive');
    expect(cards).toHaveLength(3); // two assignment cards and the board
    board = w.cardMessages('status_board', suggestionId)[0]!;
    // Before anyone signs, the board offers progress and contact only.
    expect(w.buttons(w.cardJson(board)).map((b) => b.label)).toEqual(['报告进展', '登记沟通', '申请延期', '催办', '撤回']);
  });

  it('签收 by the lead and co units; a deputy pressing 签收 is refused with a toast and nothing changes', async () => {
    const [leadCard] = w.cardMessages('assignment', w.assignmentsOf(suggestionId).find((a) => a.unitId === 'jtw')!.id);
    const [coCard] = w.cardMessages('assignment', w.assignmentsOf(suggestionId).find((a) => a.unitId === 'cgj')!.id);
    const refused = await w.press(leadCard!, '签收', d01);
    expect(refused.toast).toMatchObject({ type: 'error', content: '仅承办单位联络员或负责人可签收' });
    expect(state('jtw')).toBe('pending_sign');

    await step(leadCard!, '签收', jtw.liaison);
    await step(coCard!, '签收', cgj.liaison);
    expect([state('jtw'), state('cgj')]).toEqual(['signed', 'signed']);
    expect(w.buttons(w.cardJson(leadCard!)).map((b) => b.label)).not.toContain('签收');
    expect(w.buttons(w.cardJson(board)).map((b) => b.label)).toEqual(expect.arrayContaining(['报告进展', '登记沟通', '提交协办意见', '提交答复']));
  });

  it('申请改办 by the co unit, approved by a supervisor: the new unit joins the group and gets its card', async () => {
    const co = w.assignmentsOf(suggestionId).find((a) => a.unitId === 'cgj')!;
    const [coCard] = w.cardMessages('assignment', co.id);
    await step(coCard!, '申请改办', cgj.liaison, { reason: '公交线网不属于本单位职责，建议改由市住房城乡建委协办' });
    expect(state('cgj')).toBe('reassign_requested');
    const [reassignCard] = w.cardsOfKind(suggestionId, 'reassign').map((c) => c.messageId!);
    const refused = await w.press(reassignCard!, '同意改办', jtw.head, { unit: 'zjw' });
    expect(refused.toast).toMatchObject({ type: 'error', content: '仅督办人员可审批改办' });

    await step(reassignCard!, '同意改办', supervisor, { unit: 'zjw' });
    expect(state('cgj')).toBeUndefined();
    expect(state('zjw')).toBe('pending_sign');
    expect(w.sandbox.fake.chat(chatId)!.members).toEqual(expect.arrayContaining([zjw.head, ...zjw.liaisons]));
    const [zjwCard] = w.cardMessages('assignment', w.assignmentsOf(suggestionId).find((a) => a.unitId === 'zjw')!.id);
    await step(zjwCard!, '签收', zjw.liaison);
    expect(state('zjw')).toBe('signed');
  });

  it('progress, a contact recorded and confirmed, and the co-handler opinion', async () => {
    await step(board, '报告进展', jtw.liaison, { progress: '已会同公交集团完成线网调研' });
    await step(board, '登记沟通', jtw.liaison, { method: 'face_to_face', date: today(), note: '当面听取张代表意见' });
    const contactCard = w.cardsOfKind(suggestionId, 'contact')[0]!.messageId!;
    const refused = await w.press(contactCard, '确认属实', jtw.liaison);
    expect(refused.toast?.type).toBe('error');
    await step(contactCard, '确认属实', d02);
    expect(w.buttons(w.cardJson(contactCard)).map((b) => b.label)).not.toContain('确认属实');
    await step(board, '提交协办意见', zjw.liaison, { opinion: '同意主办单位意见，配合做好站点改造' });
    expect(state('zjw')).toBe('opinion_submitted');
    const texts = w.sandbox.fake.messagesIn(chatId).filter((m) => m.msgType === 'text').map((m) => (m.body as { text: string }).text);
    expect(texts.some((t) => t.includes('已会同公交集团完成线网调研'))).toBe(true);
    // The opinion comes on its 协办意见 card, for the lead unit to rate (test/co-opinion.test.ts).
    const coOpinionCard = w.cardsOfKind(suggestionId, 'co_opinion')[0]!.messageId!;
    expect(JSON.stringify(w.cardJson(coOpinionCard))).toContain('同意主办单位意见');
  });

  it('the answer with commitments, returned by the head, answered again and approved', async () => {
    const answerForm = {
      result_class: 'A',
      summary: '已优化 3 条公交线路，新增 2 条微循环线路',
      public: 'yes',
      private_reason: '',
      commitments: `${inDays(90)} 新增两条微循环线路\n${inDays(180)} 完成站点无障碍改造`,
    };
    await step(board, '提交答复', jtw.liaison, answerForm);
    expect(state('jtw')).toBe('answer_pending_approval');
    const firstApproval = w.cardsOfKind(suggestionId, 'approval')[0]!.messageId!;
    const byLiaison = await w.press(firstApproval, '审核通过', jtw.liaison);
    expect(byLiaison.toast).toMatchObject({ type: 'error', content: '仅承办单位负责人可审核答复' });
    await step(firstApproval, '退回修改', jtw.head, { reason: '请补充完成时限' });
    expect(state('jtw')).toBe('signed');

    await step(board, '提交答复', jtw.liaison, answerForm);
    const approvals = w.cardsOfKind(suggestionId, 'approval');
    expect(approvals).toHaveLength(2);
    await step(approvals[1]!.messageId!, '审核通过', jtw.head);
    expect(state('jtw')).toBe('answered');
  });

  it('不满意, re-handled, answered again, then 满意: the assignment and the suggestion close', async () => {
    const firstAnswer = w.cardsOfKind(suggestionId, 'answer')[0]!.messageId!;
    const byUnit = await w.press(firstAnswer, '不满意', jtw.liaison, { comment: 'x' });
    expect(byUnit.toast?.type).toBe('error');
    await step(firstAnswer, '不满意', d01, { comment: '微循环线路覆盖不足' });
    expect(state('jtw')).toBe('rehandling');

    await step(board, '提交答复', jtw.liaison, {
      result_class: 'A',
      summary: '重新办理：再增加 1 条微循环线路',
      public: 'yes',
      private_reason: '',
      commitments: `${inDays(90)} 新增三条微循环线路`,
    });
    const approvals = w.cardsOfKind(suggestionId, 'approval');
    await step(approvals.at(-1)!.messageId!, '审核通过', jtw.head);
    const answers = w.cardsOfKind(suggestionId, 'answer');
    expect(answers).toHaveLength(2);
    const finalAnswer = answers[1]!.messageId!;
    await step(finalAnswer, '满意', d01, { comment: '感谢' });
    expect(state('jtw')).toBe('closed');
    const detail = await w.api('GET', `/api/suggestions/${suggestionId}`);
    expect(detail.body.status).toBe('closed');

    // The commitment: confirmed by the deputy, claimed done by the unit, confirmed done.
    await step(finalAnswer, '确认承诺', d01);
    const commitmentCard = w.cardsOfKind(suggestionId, 'commitment')[0]!.messageId!;
    await step(commitmentCard, '已完成', jtw.liaison, { evidence: '三条微循环线路已于 6 月开通' });
    await step(commitmentCard, '确认完成', d01);
    const finalDetail = await w.api('GET', `/api/suggestions/${suggestionId}`);
    const live = finalDetail.body.commitments.filter((c: { state: string }) => c.state !== 'void');
    expect(live).toEqual([expect.objectContaining({ content: '新增三条微循环线路', state: 'done', evidence: '三条微循环线路已于 6 月开通' })]);
  });

  it('every message and reply in the group is stored and shows in the timeline; /status posts the board again', async () => {
    const said = await w.sandbox.events.sendMessageEvent({ chatId, senderOpenId: d03, text: '请问微循环线路的首末班时间？' });
    expect(said.status).toBe(200);
    const reply = await w.sandbox.events.sendMessageEvent({ chatId, senderOpenId: jtw.liaison, text: '首班 6:30，末班 21:00', rootId: said.messageId, parentId: said.messageId });
    const help = await w.sandbox.events.sendMessageEvent({ chatId, senderOpenId: d03, text: '帮助', mentionBot: true });
    const status = await w.sandbox.events.sendMessageEvent({ chatId, senderOpenId: d03, text: '/status' });
    await w.drain();
    const detail = await w.api('GET', `/api/suggestions/${suggestionId}`);
    const messages = detail.body.timeline.filter((e: { type: string }) => e.type === 'message');
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ messageId: said.messageId, sender: d03, text: '请问微循环线路的首末班时间？' }),
        expect.objectContaining({ messageId: reply.messageId, sender: jtw.liaison, rootId: said.messageId, parentId: said.messageId }),
        expect.objectContaining({ messageId: help.messageId }),
        expect.objectContaining({ messageId: status.messageId, text: '/status' }),
      ]),
    );
    // The bot's own cards and texts are in the timeline too.
    expect(messages.filter((m: { senderType: string }) => m.senderType === 'app').length).toBeGreaterThan(10);
    expect(w.cardsOfKind(suggestionId, 'status_board')).toHaveLength(2);
    const helpReply = w.sandbox.fake.messagesIn(chatId).find((m) => m.parentId === help.messageId);
    expect((helpReply?.body as { text: string }).text).toContain('/status');
    // The state changes are in the timeline in time order.
    const actions = detail.body.timeline.filter((e: { type: string }) => e.type === 'state_change').map((e: { action: string }) => e.action);
    expect(actions.slice(0, 4)).toEqual(['import_created', 'sign', 'sign', 'request_reassign']);
    expect(actions).toContain('suggestion_closed');
    expect(w.outboxRows('failed')).toEqual([]);
  });
});
