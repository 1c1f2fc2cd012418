/**
 * Commitment follow-up and the second evaluation pressed as people press them (SPEC §5; policy
 * `wuchang`, which follows commitments every 2 months): the real
 * server and the sandbox on one moved clock, signed webhook events. The 承诺进展 card the sweep
 * posts two months after the deputy confirmed the commitment takes 报告承诺进展 from the unit and
 * refuses another unit's liaison with a toast; once the commitment is confirmed done, the card
 * posted again @ the deputy takes 满意/基本满意/不满意 from the deputy and refuses the unit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijing, cardTitle, nineAm, startClockedWorld, type ClockedWorld } from './support/clocked-lark-world.ts';
import { deputy, unit } from './support/world.ts';

const jtw = unit('jtw');
const cgj = unit('cgj');
const d01 = deputy('d01');

describe('承诺进展 and 承诺兑现评价 through signed card presses', () => {
  let w: ClockedWorld;
  let chatId: string;
  beforeAll(async () => {
    w = await startClockedWorld({ start: beijing('2026-03-02', '08:30'), eventMode: 'webhook', env: { DUBAN_POLICY: 'wuchang' } });
    await w.loadDirectory();
  });
  afterAll(() => w?.close());

  const ok = async (title: string, label: string, operator: string, fields: Record<string, string> = {}, mentioning?: string) => {
    const result = await w.pressOn(w.newestCard(chatId, title, mentioning), label, operator, fields);
    expect(result.toast, `${label} by ${operator}`).toMatchObject({ type: 'success' });
    await w.drain();
  };

  it('the unit reports on the follow-up card, another unit is refused; the deputy grades the kept commitment, the unit may not', async () => {
    const res = await w.api('POST', '/api/suggestions', {
      session: '市六届人大二次会议', number: '0501', kind: '建议', timing: '大会', title: '关于增设社区微循环公交线路的建议',
      body: '建议增设社区微循环公交线路。', category: '交通邮电', lead_deputy: 'd01', co_deputies: [], lead_unit: 'jtw', co_units: ['cgj'], assigned_on: '2026-03-02',
    });
    expect(res.body.created).toBe(1);
    await w.drain();
    chatId = w.chatOf('0501');
    w.clock.advanceTo(beijing('2026-03-03', '10:00'));
    await ok('交办通知 · 第0501号', '签收', jtw.liaison, {}, '市交通运输委员会');
    await ok('状态看板 · 第0501号', '提交答复', jtw.liaison, { result_class: 'B', summary: '列入计划', public: 'yes', private_reason: '', commitments: '2026-12-31 新开社区微循环线路2条' });
    await ok('答复审核 · 第0501号', '审核通过', jtw.head);
    await ok('答复 · 第0501号', '确认承诺', d01);

    // Two months after the confirmation (Tue 05-03 is in the Labour Day holiday: Wed 05-06).
    w.clock.advanceTo(nineAm('2026-05-06'));
    await w.sweep();
    await w.drain();
    const followUp = w.newestCard(chatId, '承诺进展 · 第0501号');
    expect(JSON.stringify(followUp.body)).toContain('新开社区微循环线路2条');
    expect(JSON.stringify(followUp.body)).toContain(jtw.liaison);
    w.clock.advanceTo(beijing('2026-05-06', '10:00'));
    const wrong = await w.pressOn(followUp, '报告承诺进展', cgj.liaison, { progress: '不是我们的' });
    expect(wrong.toast).toMatchObject({ type: 'error', content: '仅承办单位联络员或负责人可报告承诺进展' });
    await ok('承诺进展 · 第0501号', '报告承诺进展', jtw.liaison, { progress: '线路方案已报批' });
    const texts = w.sandbox.fake.messagesIn(chatId).filter((m) => m.msgType === 'text').map((m) => JSON.stringify(m.body));
    expect(texts.some((t) => t.includes('【承诺进展】') && t.includes('线路方案已报批'))).toBe(true);

    await ok('承诺事项 · 第0501号', '已完成', jtw.liaison, { evidence: '两条线路已开通' });
    await ok('承诺事项 · 第0501号', '确认完成', d01);
    // The card posted again asks the deputy for the second evaluation.
    const kept = w.newestCard(chatId, '承诺事项 · 第0501号');
    expect(JSON.stringify(kept.body)).toContain('承诺兑现评价');
    expect(JSON.stringify(kept.body)).toContain(d01);
    expect(JSON.stringify(kept.body)).not.toContain(jtw.liaison);
    const byUnit = await w.pressOn(kept, '满意', jtw.liaison, { comment: '' });
    expect(byUnit.toast).toMatchObject({ type: 'error', content: '仅本建议的代表可评价承诺兑现情况' });
    await ok('承诺事项 · 第0501号', '基本满意', d01, { comment: '基本到位' });
    expect(cardTitle(w.newestCard(chatId, '承诺事项 · 第0501号'))).toBe('承诺事项 · 第0501号');

    // Read back: the ledger row and the audited refusals.
    const ledger = (await w.api('GET', '/api/ledger?kind=commitments&format=json')).body;
    const row = (ledger.rows ?? ledger)[0];
    expect([row.followUps, row.secondEvaluation]).toEqual(['2026-05-06 线路方案已报批', expect.stringContaining('基本满意')]);
  });
});
