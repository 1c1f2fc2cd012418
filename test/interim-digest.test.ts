/**
 * The digest's monthly interim section (SPEC §4, the Wuchang monthly supervision of 闭会 items):
 * the first digest of each month lists the open interim suggestions by unit with their next
 * deadline; the other weekly digests do not. Built through the real import and command API on a
 * real SQLite file; the card is rendered as Lark would receive it.
 */
import { describe, expect, it } from 'vitest';
import { renderDigestCard } from '../src/adapters/cards/render-card.ts';
import { buildDigest } from '../src/app/digest.ts';
import { deputyOf, makeDirectory, statsWorld } from './support/stats-world.ts';

describe('the monthly interim (闭会) section of the digest', () => {
  it('lists open interim items by unit with their next deadline on the first digest of the month only', () => {
    const w = statsWorld(makeDirectory(['区交通运输局', '区教育局'], 3), '2026-06-01T01:00:00Z');
    const row = (number: string, lead_unit: string, extra: Record<string, unknown> = {}) => ({ number, title: `关于第${number}号事项的建议`, body: '内容', category: '交通邮电', lead_deputy: 'd001', lead_unit, assigned_on: '2026-06-01', timing: 'interim', ...extra });
    w.importRows([row('0101', 'u001'), row('0102', 'u001'), row('0103', 'u002'), row('0104', 'u001', { timing: 'session' }), row('0105', 'u002', { classified: true })]);
    w.setNow('2026-06-02T02:00:00Z');
    const a102 = w.assignmentId('0102', 'u001');
    w.sign(a102, 'u001');
    w.contact(a102, 'u001', 'face_to_face', '2026-06-02', 'd001');
    const a103 = w.assignmentId('0103', 'u002');
    w.sign(a103, 'u002');
    w.contact(a103, 'u002', 'phone', '2026-06-02', 'd001');
    w.setNow('2026-06-10T02:00:00Z');
    w.act(deputyOf('d001'), { type: 'evaluate', answerId: w.answer(a103, 'u002'), grade: 'satisfied', comment: '' }); // closed: not listed

    const monthly = buildDigest(w.runtime, new Date('2026-07-06T01:00:00Z')); // the first Monday of July
    const lines = monthly.interimByUnit!.map((u) => [u.unitName, u.items.map((i) => `${i.number} ${i.next ? `${i.next.deadline.zh_cn} ${i.next.dueOn}` : '—'}`)]);
    expect(lines).toEqual([
      // Unsigned: sign-for was due 2 working days after 06-01. Signed and contacted: the answer, 3 months after 06-01.
      ['区交通运输局', ['0101 签收 2026-06-03', '0102 答复 2026-09-01']],
      ['区教育局', ['0105 签收 2026-06-03']],
    ]);
    // The card's section: from its heading to the next rule.
    const elements = (renderDigestCard(monthly).body as { elements: Array<{ tag: string; content?: string }> }).elements;
    const start = elements.findIndex((e) => e.content === '**闭会期间建议（月度督办）**');
    expect(start).toBeGreaterThan(0);
    const end = elements.findIndex((e, i) => i > start && e.tag === 'hr');
    const section = elements.slice(start + 1, end === -1 ? undefined : end).map((e) => e.content).join('\n');
    expect(section).toBe(
      ['**区交通运输局**（2 件）', '- 第0101号 关于第0101号事项的建议：下一期限 签收 2026-06-03', '- 第0102号 关于第0102号事项的建议：下一期限 答复 2026-09-01', '**区教育局**（1 件）', '- 第0105号 关于第0105号事项的建议：下一期限 签收 2026-06-03'].join('\n'),
    );

    const weekly = buildDigest(w.runtime, new Date('2026-07-13T01:00:00Z'));
    expect(weekly.interimByUnit).toBeUndefined();
    expect(JSON.stringify(renderDigestCard(weekly))).not.toContain('闭会期间建议');
    w.close();
  });
});
