/**
 * The bot's private chat (SPEC §5): `我的待办` / `/todo` and `我的建议` / `/mine`, sent as Lark sends a
 * private message (`chat_type` p2p, signed and encrypted) by a liaison of two units, a unit head
 * and deputies, each answer read in the sandbox's private chat as the person reads it and checked
 * against what is open; then a week of daily sweeps with policy `personalDigest: "weekly"`: one
 * message per person whose list is not empty, on the week's first working day, and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import defaultPolicy from '../src/core/deadlines/policies/default.json' with { type: 'json' };
import { groupLink } from '../src/app/personal-lists.ts';
import type { FakeMessage } from '../src/sandbox/sandbox-state.ts';
import { beijing, nineAm, startClockedWorld, type ClockedWorld } from './support/clocked-lark-world.ts';
import { deputy, directory, supervisor, unit } from './support/world.ts';

const jtw = unit('jtw');
const zjw = unit('zjw');
const jw = unit('jw');
const d01 = deputy('d01');
const d02 = deputy('d02');
const d03 = deputy('d03');
/** A liaison of two units: 交通运输委员会 and, here, 住房和城乡建设委员会 too. */
const both = jtw.liaison;
const twoUnitDirectory = {
  ...directory,
  units: directory.units.map((u) => (u.id === 'zjw' ? { ...u, liaisons: [...u.liaisons, both] } : u)),
};

const suggestion = (number: string, fields: Record<string, unknown>) => ({
  session: '市六届人大二次会议',
  number,
  kind: '建议',
  timing: '大会',
  body: '正文',
  category: '交通邮电',
  assigned_on: '2026-02-26',
  ...fields,
});

const bodyText = (m: FakeMessage) => String((m.body as { text?: string }).text ?? '');

describe("the bot's private chat: 我的待办 and 我的建议", () => {
  let w: ClockedWorld;
  const ids: Record<string, string> = {};
  const chats: Record<string, string> = {};

  beforeAll(async () => {
    // Thursday 2026-02-26; the sweeps run at 09:00 each day of the next week.
    w = await startClockedWorld({
      start: beijing('2026-02-26', '10:00'),
      eventMode: 'webhook',
      env: { DUBAN_POLICY: JSON.stringify({ ...defaultPolicy, personalDigest: 'weekly' }) },
    });
    expect((await w.api('PUT', '/api/directory', twoUnitDirectory)).status).toBe(200);
    const res = await w.api('POST', '/api/suggestions', [
      suggestion('0101', { title: '关于优化公交线网的建议', lead_deputy: 'd01', co_deputies: ['d02'], lead_unit: 'jtw', co_units: ['zjw'] }),
      suggestion('0102', { title: '关于老旧小区加装电梯的建议', lead_deputy: 'd01', lead_unit: 'zjw' }),
      suggestion('0103', { title: '关于增加学位供给的建议', lead_deputy: 'd03', lead_unit: 'jw', classified: true }),
    ]);
    expect(res.body.created).toBe(3);
    for (const item of res.body.items) ids[item.number] = item.id;
    await w.drain();
    for (const n of ['0101', '0102', '0103']) chats[n] = w.chatOf(n);
  });
  afterAll(() => w?.close());

  /** Sends `text` in the bot's private chat as `openId`, waits for the answer, and returns it. */
  async function ask(openId: string, text: string): Promise<string> {
    const chat = w.sandbox.fake.privateChatWith(openId);
    const before = w.sandbox.fake.messagesIn(chat.chatId).length;
    const sent = await w.sandbox.events.sendMessageEvent({ chatId: chat.chatId, senderOpenId: openId, text, chatType: 'p2p' });
    expect(sent.status).toBe(200);
    await w.drain();
    const answers = w.sandbox.fake.messagesIn(chat.chatId).slice(before).filter((m) => m.sender.senderType === 'app');
    expect(answers, `one answer to «${text}»`).toHaveLength(1);
    expect(answers[0]!.parentId, 'a reply to the message').toBe(sent.messageId);
    return bodyText(answers[0]!);
  }

  /** The numbered lines of a list: `第0101号《…》 签收 sign for · 市交通运输委员会 · …`. */
  const items = (answer: string) => answer.split('\n').filter((l) => /^\d+\. /.test(l));

  async function press(number: string, title: string, label: string, operator: string, fields: Record<string, string> = {}, mentioning?: string) {
    const card = w.newestCard(chats[number]!, `${title} · 第${number}号`, mentioning);
    const result = await w.pressOn(card, label, operator, fields);
    expect(result.toast?.type, `${title} ${label}: ${JSON.stringify(result.toast)}`).toBe('success');
    await w.drain();
  }

  it('a liaison of two units: every sign-for of both units, each with its deadline, light and group link', async () => {
    const answer = await ask(both, '我的待办');
    expect(answer).toContain('我的待办 My to-do（2026-02-26，共 3 项');
    // Signed for within 2 working days of 02-26: Saturday 02-28, a make-up working day (调休) after the
    // Spring Festival; within the 7-day notice period: yellow.
    expect(items(answer)).toEqual([
      '1. 第0101号《关于优化公交线网的建议》 签收 sign for · 市交通运输委员会 · 截止 due 2026-02-28 🟡 临近期限 due soon',
      '2. 第0101号《关于优化公交线网的建议》 签收 sign for · 市住房和城乡建设委员会 · 截止 due 2026-02-28 🟡 临近期限 due soon',
      '3. 第0102号《关于老旧小区加装电梯的建议》 签收 sign for · 市住房和城乡建设委员会 · 截止 due 2026-02-28 🟡 临近期限 due soon',
    ]);
    expect(answer).toContain(`群聊 group: ${groupLink(chats['0101']!, 'https://open.feishu.cn')}`);
    expect(answer).toContain(`群聊 group: ${groupLink(chats['0102']!, 'https://open.feishu.cn')}`);
    expect(answer).not.toContain(chats['0103']!);
    // The slash form gives the same list.
    expect(items(await ask(both, '/todo'))).toEqual(items(answer));
  });

  it("a head's and deputies' lists follow the handling: sign, then contact and answer, then approval; contact confirmation and evaluation for the deputies", async () => {
    expect(items(await ask(jtw.head, '/todo'))).toEqual([expect.stringContaining('第0101号《关于优化公交线网的建议》 签收 sign for · 市交通运输委员会')]);
    expect(await ask(d01, '我的待办')).toContain('目前没有等待您处理的事项');

    await press('0101', '交办通知', '签收', both, {}, '市交通运输委员会');
    const afterSign = items(await ask(jtw.head, '/todo'));
    expect(afterSign).toHaveLength(2);
    expect(afterSign.join('\n')).toContain('联系代表（登记沟通） contact the deputy · 市交通运输委员会 · 截止 due 2026-03-25 🔵 正常 on track');
    expect(afterSign.join('\n')).toContain('提交答复 submit the answer · 市交通运输委员会 · 截止 due 2026-05-26');

    await press('0101', '状态看板', '登记沟通', both, { method: 'face_to_face', date: '2026-02-26', note: '当面听取意见' });
    await press('0101', '状态看板', '提交答复', both, { result_class: 'A', summary: '已优化线网', public: 'yes', private_reason: '', commitments: '' });
    expect(items(await ask(jtw.head, '我的待办'))).toEqual([expect.stringContaining('第0101号《关于优化公交线网的建议》 审核答复 approve the answer · 市交通运输委员会 · 截止 due 2026-05-26')]);
    // The liaison is not the head: their list keeps only the other unit's sign-fors.
    const liaisonNow = items(await ask(both, '我的待办'));
    expect(liaisonNow).toHaveLength(2);
    expect(liaisonNow.every((l) => l.includes('签收 sign for · 市住房和城乡建设委员会'))).toBe(true);
    // Both deputies of 0101 may confirm the contact.
    for (const d of [d01, d02]) expect(items(await ask(d, '/todo'))).toEqual([expect.stringContaining('第0101号《关于优化公交线网的建议》 确认沟通记录 confirm the contact record · 无期限 no deadline')]);

    await press('0101', '答复审核', '审核通过', jtw.head);
    expect(await ask(jtw.head, '/todo')).toContain('目前没有等待您处理的事项');
    const deputyNow = items(await ask(d01, '/todo'));
    expect(deputyNow).toHaveLength(2);
    expect(deputyNow.join('\n')).toContain('评价答复 evaluate the answer · 市交通运输委员会 · 截止 due');
    expect(deputyNow.join('\n')).toContain('确认沟通记录 confirm the contact record');
  });

  it("我的建议: a deputy's own suggestions with each unit's state and the group; a non-deputy is told so", async () => {
    const answer = await ask(d01, '我的建议');
    expect(answer).toContain('我的建议 My suggestions（共 2 件');
    expect(answer).toContain('第0101号《关于优化公交线网的建议》（领衔 lead）办理中 open');
    expect(answer).toContain('市交通运输委员会（主办）：已答复待评价；市住房和城乡建设委员会（协办）：待签收');
    expect(answer).toContain('第0102号《关于老旧小区加装电梯的建议》（领衔 lead）办理中 open');
    expect(answer).toContain('市住房和城乡建设委员会（主办）：待签收');
    expect(answer).toContain(groupLink(chats['0102']!, 'https://open.feishu.cn'));
    expect(await ask(d02, '/mine')).toContain('第0101号《关于优化公交线网的建议》（附议 co-signer）');
    expect(await ask(d03, '/mine')).toContain('第0103号《关于增加学位供给的建议》（领衔 lead）');
    expect(await ask(both, '/mine')).toContain('您不是代表名录中的代表');
    expect(await ask(supervisor, '你好')).toContain('我的待办 或 /todo');
  });

  it("the sandbox's page opens a person's private chat with the bot, where 我的建议 is answered", async () => {
    // The sandbox reads duban's directory every 2 s (start-duban.ts): wait until it knows d03.
    await vi.waitFor(() => expect(w.sandbox.fake.person(d03)).toBeDefined(), { timeout: 10_000, interval: 100 });
    const open = new FormData();
    open.set('as', d03);
    const opened = await fetch(`${w.sandbox.url}/sandbox/ui/private-chat`, { method: 'POST', body: open, redirect: 'manual' });
    expect(opened.status).toBe(303);
    const chatId = new URL(opened.headers.get('location')!, w.sandbox.url).searchParams.get('chat')!;
    expect(w.sandbox.fake.chat(chatId)).toMatchObject({ chatType: 'p2p', members: [d03] });
    const say = new FormData();
    say.set('as', d03);
    say.set('chat', chatId);
    say.set('text', '我的建议');
    expect((await fetch(`${w.sandbox.url}/sandbox/ui/say`, { method: 'POST', body: say, redirect: 'manual' })).status).toBe(303);
    await w.drain();
    const answer = w.sandbox.fake.messagesIn(chatId).filter((m) => m.sender.senderType === 'app').at(-1);
    expect(bodyText(answer!)).toContain('第0103号《关于增加学位供给的建议》（领衔 lead）');
  });

  it('a week of sweeps with personalDigest weekly: on Monday one message per person with a non-empty list, and nothing else', async () => {
    // What each person's list holds now, asked as they would ask.
    const everyone = [...new Set([...directory.units.flatMap((u) => [u.head, ...u.liaisons]), ...directory.deputies.map((d) => d.open_id), ...directory.supervisors, both])];
    const privateMessages = () =>
      new Map(
        w.sandbox.fake
          .chats()
          .filter((c) => c.chatType === 'p2p')
          .map((c) => [c.members[0]!, w.sandbox.fake.messagesIn(c.chatId).filter((m) => m.sender.senderType === 'app' && !m.parentId)]),
      );
    const before = privateMessages();
    const digests: Record<string, string[]> = {};
    for (const day of ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']) {
      w.clock.advance(nineAm(day).getTime() - w.clock().getTime());
      const result = await w.sweep();
      if (day === '2026-03-02') expect((await w.sweep()).personalDigests, 'a second sweep on Monday sends nothing').toEqual([]);
      await w.drain();
      digests[day] = (result.personalDigests as Array<{ openId: string }>).map((d) => d.openId).sort();
    }
    // Who had something waiting on Monday: the two-unit liaison and 住建委's people (0101 co and 0102 unsigned),
    // 教委's (0103 unsigned), d01 and d02 (the contact and the answer of 0101). 交委's head and other liaison: nothing.
    const expected = [...new Set([both, ...zjw.liaisons, zjw.head, jw.head, ...jw.liaisons, d01, d02])].sort();
    expect(digests).toEqual({
      '2026-02-27': [],
      '2026-02-28': [],
      '2026-03-01': [],
      '2026-03-02': expected,
      '2026-03-03': [],
      '2026-03-04': [],
      '2026-03-05': [],
      '2026-03-06': [],
    });
    const after = privateMessages();
    for (const person of everyone) {
      const sent = (after.get(person) ?? []).slice((before.get(person) ?? []).length);
      expect(sent.length, person).toBe(expected.includes(person) ? 1 : 0);
      if (sent[0]) {
        expect(bodyText(sent[0])).toContain('本周待办 This week’s to-do（2026-03-02');
        // Past the 2-working-day limit of 02-28 by now: red.
        if (person === both) expect(bodyText(sent[0])).toContain('签收 sign for · 市住房和城乡建设委员会 · 截止 due 2026-02-28 🔴 已逾期 overdue');
      }
    }
    // The classified suggestion's list item shows its number and title only.
    const jwDigest = bodyText((after.get(jw.head) ?? []).at(-1)!);
    expect(jwDigest).toContain('第0103号《关于增加学位供给的建议》 签收 sign for · 市教育委员会');
    expect(jwDigest).not.toContain('正文');
  });
});
