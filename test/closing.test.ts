/**
 * 办结 (SPEC §3, §5), end to end: when the suggestion closes, a 办结 card with no buttons is posted
 * in the group, and the status board turns read-only but for what SPEC still asks after closing:
 * each confirmed commitment's 已完成, until the commitment is done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLarkWorld } from './support/lark-world.ts';
import { deputy, unit } from './support/world.ts';

type World = Awaited<ReturnType<typeof startLarkWorld>>;
type Json = Record<string, unknown>;

const jtw = unit('jtw');
const d01 = deputy('d01');
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe('a suggestion closes', () => {
  let w: World;
  let id: string;
  let chatId: string;
  let board: string;

  beforeAll(async () => {
    w = await startLarkWorld();
    await w.loadDirectory();
    const res = await w.api('POST', '/api/suggestions', {
      session: '市六届人大二次会议',
      number: '0961',
      title: '关于增设社区微循环公交的建议',
      lead_deputy: 'd01',
      lead_unit: 'jtw',
      assigned_on: '2026-02-10',
    });
    id = res.body.items[0].id;
    await w.drain();
    chatId = (await w.api('GET', `/api/suggestions/${id}`)).body.group.chatId;
    board = w.cardMessages('status_board', id)[0]!;
  });
  afterAll(() => w?.close());

  async function press(messageId: string, label: string, operator: string, form?: Json) {
    const result = await w.press(messageId, label, operator, form);
    expect(result.toast?.type, `${label}: ${JSON.stringify(result.toast)}`).toBe('success');
    await w.drain();
  }
  const labels = (messageId: string) => w.buttons(w.cardJson(messageId)).map((b) => b.label);
  const closingCards = () =>
    w.sandbox.fake.messagesIn(chatId).filter((m) => m.msgType === 'interactive' && String(((m.body as Json).header as Json & { title: Json }).title.content).startsWith('办结'));

  it('posts the 办结 card, with no buttons, once the last assignment closes', async () => {
    const assignmentId = (await w.api('GET', `/api/suggestions/${id}`)).body.assignments[0].id;
    await press(w.cardMessages('assignment', assignmentId)[0]!, '签收', jtw.liaison);
    await press(board, '提交答复', jtw.liaison, { result_class: 'B', summary: '年内开通两条微循环线路', public: 'yes', private_reason: '', commitments: `${inDays(120)} 开通两条微循环线路` });
    await press(w.cardsOfKind(id, 'approval')[0]!.messageId!, '审核通过', jtw.head);
    expect(closingCards()).toHaveLength(0);
    await press(w.cardsOfKind(id, 'answer')[0]!.messageId!, '满意', d01, { comment: '' });

    expect((await w.api('GET', `/api/suggestions/${id}`)).body.status).toBe('closed');
    const closing = closingCards();
    expect(closing).toHaveLength(1);
    expect(labels(closing[0]!.messageId)).toEqual([]);
    const text = JSON.stringify(closing[0]!.body);
    expect(text).toContain('市交通运输委员会');
    expect(text).toContain('B类');
    expect(text).toContain('代表评价：满意');
    expect(text).toContain('开通两条微循环线路'); // the commitment still tracked
  });

  it('the status board takes no more handling; a confirmed commitment keeps its 已完成 until done', async () => {
    expect(labels(board)).toEqual([]); // the commitment awaits the deputy's confirmation
    await press(w.cardsOfKind(id, 'answer')[0]!.messageId!, '确认承诺', d01);
    expect(labels(board)).toEqual(['已完成']);
    await press(board, '已完成', jtw.liaison);
    const commitmentCard = w.cardsOfKind(id, 'commitment').at(-1)!.messageId!;
    await press(commitmentCard, '已完成', jtw.liaison, { evidence: '两条线路已开通' });
    await press(commitmentCard, '确认完成', d01);
    expect(labels(board)).toEqual([]);
    expect(JSON.stringify(w.cardJson(board))).toContain('本建议已办结');
    expect(closingCards()).toHaveLength(1); // posted once
  });
});
