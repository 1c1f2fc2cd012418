/**
 * The report as each locality prints it (SPEC §10, policy `report`): the Wuchang 2023 and Chengdu
 * 2023 figures rebuilt through the real import and the real command API under their policies, and
 * every percentage the published documents print asserted in the report duban prints. The
 * Chongqing 2024 convention (one decimal, shares summing to 100%) is test/report.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { renderReportMarkdown } from '../src/adapters/report/markdown.ts';
import { renderReportCsv } from '../src/adapters/report/csv.ts';
import { BUILT_IN_POLICIES } from '../src/core/deadlines/policy.ts';
import { formatUnits, sharesOf } from '../src/core/stats/percent.ts';
import type { Grade, ResultClass } from '../src/core/model.ts';
import { deputyOf, liaison, makeDirectory, SESSION, statsWorld, type StatsWorld } from './support/stats-world.ts';

const UNITS = ['区发展改革局', '区教育局', '区住房和城市更新局', '区卫生健康局', '区城管执法局', '区民政局', '区交通运输局', '区水务局'];

interface Item {
  resultClass: ResultClass;
  grade: Grade;
  /** The grade of the re-handled answer, when the first was 不满意. */
  secondGrade?: Grade;
}

/** Imports one suggestion per item (one deputy each), answers, approves and evaluates each through dispatch. */
function build(policy: string, items: Item[]): StatsWorld {
  const w = statsWorld(makeDirectory(UNITS, items.length), '2023-02-06T01:00:00Z', { DUBAN_POLICY: policy });
  const pad = (i: number) => String(i + 1).padStart(4, '0');
  const unit = (i: number) => `u${String((i % UNITS.length) + 1).padStart(3, '0')}`;
  const deputy = (i: number) => `d${String(i + 1).padStart(3, '0')}`;
  w.importRows(items.map((_, i) => ({ number: pad(i), title: `关于第${pad(i)}号事项的建议`, body: '建议内容', category: '城乡建设与管理', lead_deputy: deputy(i), lead_unit: unit(i), assigned_on: '2023-02-06' })));
  const live = w.liveAssignments();
  const first = new Map<number, string>();
  w.setNow('2023-04-10T02:00:00Z');
  w.batch(() =>
    items.forEach((item, i) => {
      const a = live.get(`${pad(i)}/${unit(i)}`)!;
      w.sign(a, unit(i));
      first.set(i, w.answer(a, unit(i), { resultClass: item.resultClass }));
    }),
  );
  w.setNow('2023-04-20T02:00:00Z');
  w.batch(() => items.forEach((item, i) => w.evaluate(first.get(i)!, deputy(i), item.grade)));
  w.setNow('2023-06-01T02:00:00Z');
  w.batch(() =>
    items.forEach((item, i) => {
      if (!item.secondGrade) return;
      const second = w.answer(live.get(`${pad(i)}/${unit(i)}`)!, unit(i), { resultClass: item.resultClass });
      w.act(deputyOf(deputy(i)), { type: 'evaluate', answerId: second, grade: item.secondGrade, comment: '' });
    }),
  );
  w.setNow('2023-12-01T02:00:00Z');
  return w;
}

const many = (n: number, item: Item): Item[] => Array.from({ length: n }, () => ({ ...item }));

describe('Wuchang 2023 (policy wuchang: two decimals, plain rounding)', () => {
  it('prints the first-round shares beside the final: 满意 113 件 91.87%, 基本满意 9 件 7.32%, 不满意 1 件 0.81%', () => {
    // 123 suggestions handled by the district government; the one 不满意 was re-handled and then 满意.
    const w = build('wuchang', [...many(113, { resultClass: 'A', grade: 'satisfied' }), ...many(9, { resultClass: 'B', grade: 'basically_satisfied' }), { resultClass: 'B', grade: 'unsatisfied', secondGrade: 'satisfied' }]);
    const stats = w.stats({ session: SESSION });
    const first = stats.satisfaction.firstRound;
    expect([first.evaluations, first.satisfied.count, first.basicallySatisfied.count, first.unsatisfied.count]).toEqual([123, 113, 9, 1]);
    expect([first.satisfied.text, first.basicallySatisfied.text, first.unsatisfied.text]).toEqual(['91.87%', '7.32%', '0.81%']);
    const final = stats.satisfaction.final;
    expect([final.satisfied.count, final.basicallySatisfied.count, final.unsatisfied.count]).toEqual([114, 9, 0]);
    const markdown = renderReportMarkdown(stats);
    expect(markdown).toContain('首次评价123件，其中满意113件、占91.87%，基本满意9件、占7.32%，不满意1件、占0.81%');
    expect(markdown).toContain('（满意114件、占92.68%，基本满意9件、占7.32%）');
    // Every percentage in the report has the policy's precision: none printed with one decimal where two are due.
    expect(markdown).not.toMatch(/\d+\.\d0%/);
    w.close();
  }, 120_000);
});

describe('Chengdu 2023 (policy chengdu: two decimals, plain rounding, shares not forced to 100%)', () => {
  it('prints A 609 of 667 as 91.3% (not the Chongqing 91.4%), B 7.35%, C 1.35%, 满意 96.85%, 基本满意 3.15%', () => {
    const items = [
      ...many(609, { resultClass: 'A', grade: 'satisfied' }),
      ...many(37, { resultClass: 'B', grade: 'satisfied' }),
      ...many(12, { resultClass: 'B', grade: 'basically_satisfied' }),
      ...many(9, { resultClass: 'C', grade: 'basically_satisfied' }),
    ];
    const w = build('chengdu', items);
    const stats = w.stats({ session: SESSION });
    const c = stats.resultClasses;
    expect([stats.answers.answered, c.A.count, c.B.count, c.C.count, c.D.count]).toEqual([667, 609, 49, 9, 0]);
    expect([c.A.text, c.B.text, c.C.text, c.CD.text]).toEqual(['91.3%', '7.35%', '1.35%', '1.35%']);
    const f = stats.satisfaction.final;
    expect([f.satisfied.count, f.basicallySatisfied.count, f.unsatisfied.count]).toEqual([646, 21, 0]);
    expect([f.satisfied.text, f.basicallySatisfied.text]).toEqual(['96.85%', '3.15%']);

    const markdown = renderReportMarkdown(stats);
    expect(markdown).toContain('已解决或采纳的建议（A类）609件，占办结总数的91.3%；列入工作计划、逐步解决的建议（B类）49件，占办结总数的7.35%');
    expect(markdown).toContain('（C类、D类）共9件，占办结总数的1.35%（其中C类9件、占1.35%，D类0件、占0%）');
    expect(markdown).toContain('代表评价均为满意或基本满意（满意646件、占96.85%，基本满意21件、占3.15%）');
    const csv = renderReportCsv(stats).split('\r\n');
    expect(csv).toContain('A类（已解决或采纳）,609,667,91.3%');

    // The same counts the Chongqing way: A takes the remainder and prints 91.4%.
    const chongqing = BUILT_IN_POLICIES.chongqing!.report;
    expect(chongqing).toEqual({ percentDecimals: 1, sharesSumTo100: true });
    expect(sharesOf([609, 49, 9, 0], { decimals: 1, sharesSumTo100: true }).map((s) => s.text)).toEqual(['91.4%', '7.3%', '1.3%', '0.0%']);
    w.close();
  }, 180_000);

  it('two decimals drop trailing zeros as Chengdu prints them (69 of 670 = 10.3%), one decimal keeps them (7.0%)', () => {
    expect(sharesOf([69, 601], { decimals: 2, sharesSumTo100: false })[0]!.text).toBe('10.3%');
    expect(formatUnits(9187, 2)).toBe('91.87%');
    expect(formatUnits(10000, 2)).toBe('100%');
    expect(formatUnits(70, 1)).toBe('7.0%');
    expect(BUILT_IN_POLICIES.wuchang!.report).toEqual({ percentDecimals: 2, sharesSumTo100: false });
    expect(BUILT_IN_POLICIES.default!.report).toEqual({ percentDecimals: 1, sharesSumTo100: true });
  });
});
