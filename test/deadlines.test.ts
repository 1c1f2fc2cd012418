/**
 * The deadlines of SPEC §4 per assignment and commitment, from the default policy on the official
 * working-day calendar: which are open in each state, their due dates, and their explanations.
 */
import { describe, expect, it } from 'vitest';
import { createWorkingDayCalendar } from '../src/core/calendar/working-day-calendar.ts';
import { lightOf, openDeadlines } from '../src/core/deadlines/deadlines.ts';
import { defaultPolicy } from '../src/core/deadlines/policy.ts';
import type { SuggestionAggregate } from '../src/core/model.ts';
import { deputy, sampleWorld, unit } from './support/world.ts';

const ctx = { policy: defaultPolicy, calendar: createWorkingDayCalendar(), timeZone: 'Asia/Shanghai' };
const dueOf = (agg: SuggestionAggregate) =>
  openDeadlines(agg, ctx).map((d) => `${d.kind}@${agg.assignments.find((a) => a.id === d.assignmentId)!.unitId}:${d.due}`);

describe('deadlines per assignment (default policy)', () => {
  it('a new lead + co suggestion assigned 2026-02-10, across the 2026 Spring Festival', async () => {
    const w = await sampleWorld();
    expect(dueOf(w.aggregate('0001')).sort()).toEqual(
      [
        // 2 working days: 02-11, 02-12.
        'sign@jtw:2026-02-12',
        'sign@cgj:2026-02-12',
        // 10 working days: 02-11..13, 02-14 (make-up Saturday), 02-24..27, 02-28 (make-up Saturday), 03-02.
        'reassign_window@jtw:2026-03-02',
        'reassign_window@cgj:2026-03-02',
        // 20 working days, the 9-day holiday skipped.
        'first_contact@jtw:2026-03-16',
        // 1 month: 03-10, a Tuesday.
        'co_opinion@cgj:2026-03-10',
        // 3 months: 05-10 is a Sunday, so 05-11.
        'answer@jtw:2026-05-11',
      ].sort(),
    );
    const answer = openDeadlines(w.aggregate('0001'), ctx).find((d) => d.kind === 'answer')!;
    expect(answer.explanation.zh_cn).toBe('自 2026-02-10 起 3 个月，届满日 2026-05-10 为休息日，顺延至 2026-05-11');
    expect(answer.usesFallbackCalendar).toBe(false);
  });

  it('each deadline closes when what it waits for happens, and new ones open', async () => {
    const w = await sampleWorld();
    const jtw = unit('jtw');
    const cgj = unit('cgj');
    const lead = w.assignment('0001', 'jtw');
    const co = w.assignment('0001', 'cgj');
    w.act(jtw.liaison, { type: 'sign', assignmentId: lead.id });
    w.act(cgj.liaison, { type: 'sign', assignmentId: co.id });
    expect(dueOf(w.aggregate('0001')).filter((d) => d.startsWith('sign'))).toEqual([]);

    w.act(jtw.liaison, { type: 'record_contact', assignmentId: lead.id, method: 'phone', date: '2026-02-10', note: '电话沟通' });
    w.act(cgj.liaison, { type: 'submit_opinion', assignmentId: co.id, opinion: '同意' });
    expect(dueOf(w.aggregate('0001')).sort()).toEqual(['answer@jtw:2026-05-11', 'reassign_window@jtw:2026-03-02']);

    // Answer approved on 2026-04-01 (Beijing time): the deputy has 20 working days, Qingming (04-04..06) skipped.
    w.setNow('2026-04-01T02:00:00Z');
    w.act(jtw.liaison, { type: 'submit_answer', assignmentId: lead.id, resultClass: 'B', summary: '列入计划', public: true, commitments: [{ dueOn: '2026-10-31', content: '完成线网调整' }] });
    expect(dueOf(w.aggregate('0001'))).toEqual(['answer@jtw:2026-05-11', 'commitment@jtw:2026-10-31']);
    const answerId = w.aggregate('0001').answers[0]!.id;
    w.act(jtw.head, { type: 'approve_answer', answerId });
    expect(dueOf(w.aggregate('0001'))).toEqual(['evaluation@jtw:2026-04-30', 'commitment@jtw:2026-10-31']);

    // Unsatisfied on 2026-05-06: a re-handled answer is due in 2 months.
    w.setNow('2026-05-06T02:00:00Z');
    w.act(deputy('d01'), { type: 'evaluate', answerId, grade: 'unsatisfied' });
    expect(dueOf(w.aggregate('0001'))).toEqual(['rehandle_answer@jtw:2026-07-06', 'commitment@jtw:2026-10-31']);
  });

  it('a deadline in a year without an official schedule says it uses the statutory holidays', async () => {
    const w = await sampleWorld('2026-11-20T02:00:00Z');
    const report = await import('../src/app/import/import-suggestions.ts').then(({ importSuggestions }) =>
      importSuggestions(
        w.db,
        [{ row: 2, values: { 届次: '市六届人大二次会议', 编号: '0100', 标题: '闭会期间建议', 主办单位: 'jtw', 领衔代表: 'd01', 提出时间: '闭会', 交办日期: '2026-11-20' } }],
        { source: 'cli', actor: 'system:cli', now: new Date('2026-11-20T02:00:00Z'), today: '2026-11-20' },
      ),
    );
    expect(report.created).toBe(1);
    const answer = openDeadlines(w.aggregate('0100'), ctx).find((d) => d.kind === 'answer')!;
    // 3 months: 2027-02-20 is a Saturday, so 2027-02-22; 2027 has no published schedule yet.
    expect(answer).toMatchObject({ due: '2027-02-22', usesFallbackCalendar: true });
    expect(answer.explanation.zh_cn).toContain('2027 年放假安排尚未公布，按法定节假日推算');
    expect(answer.explanation.en_us).toContain('not yet published');
  });

  it('the light is blue on track, yellow within 7 days of a deadline, red when one has passed', async () => {
    const w = await sampleWorld();
    const deadlines = openDeadlines(w.aggregate('0001'), ctx); // earliest: sign-for, 2026-02-12
    expect(lightOf(deadlines, '2026-02-01', 7)).toBe('blue');
    expect(lightOf(deadlines, '2026-02-04', 7)).toBe('blue'); // 8 days before
    expect(lightOf(deadlines, '2026-02-05', 7)).toBe('yellow'); // 7 days before
    expect(lightOf(deadlines, '2026-02-12', 7)).toBe('yellow');
    expect(lightOf(deadlines, '2026-02-13', 7)).toBe('red');
    // A lapsed re-assignment window closes an option; it is nobody's failure and never turns red.
    const windowOnly = deadlines.filter((d) => d.kind === 'reassign_window');
    expect(lightOf(windowOnly, '2026-03-20', 7)).toBe('blue');
  });
});
