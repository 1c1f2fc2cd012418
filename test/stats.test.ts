/**
 * The statistics of SPEC §10, one definition at a time, on small datasets whose outcome is known
 * by construction: suggestions imported through the real import, every step a real command
 * dispatched as the person who would press the button, with a movable clock, on a real SQLite file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeStats } from '../src/app/stats.ts';
import type { Stats } from '../src/core/stats/figures.ts';
import { DEFINITIONS, definitionsMarkdown } from '../src/core/stats/definitions.ts';
import { checkStatsFilters } from '../src/core/stats/filters.ts';
import { formatTenths, independentShares, rate, tenthsOf, wholeShares } from '../src/core/stats/percent.ts';
import { deputyOf, liaison, makeDirectory, statsWorld, SUPERVISOR } from './support/stats-world.ts';

const UNITS = ['市交通运输委员会', '市住房和城乡建设委员会', '市教育委员会', '市卫生健康委员会', '市民政局', '市生态环境局'];
const dir = makeDirectory(UNITS, 10);
const world = () => statsWorld(dir, '2026-03-02T01:00:00Z');
const row = (number: string, lead_unit: string, extra: Record<string, unknown> = {}) => ({
  number,
  title: `关于第${number}号事项的建议`,
  body: '建议内容',
  category: '交通邮电',
  lead_deputy: 'd001',
  lead_unit,
  assigned_on: '2026-03-02',
  ...extra,
});
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The counts that must add up, whatever the data (definitions.ts ROUNDING). */
function expectAddsUp(s: Stats) {
  const c = s.resultClasses;
  expect(c.A.count + c.B.count + c.C.count + c.D.count).toBe(s.answers.answered);
  expect(c.CD.count).toBe(c.C.count + c.D.count);
  expect(s.publication.public + s.publication.notPublic).toBe(s.answers.answered);
  expect(s.answers.answered + s.answers.notAnswered).toBe(s.answers.expected);
  for (const g of [s.satisfaction.firstRound, s.satisfaction.final]) {
    expect(g.satisfied.count + g.basicallySatisfied.count + g.unsatisfied.count).toBe(g.evaluations);
    if (g.evaluations) expect(g.satisfied.tenths! + g.basicallySatisfied.tenths! + g.unsatisfied.tenths!).toBe(1000);
  }
  if (s.answers.answered) expect(c.A.tenths! + c.B.tenths! + c.C.tenths! + c.D.tenths!).toBe(1000);
  const m = s.commitments;
  expect(m.done + m.claimed + m.overdue + m.notYetDue).toBe(m.made);
  const t = s.totals.assignments;
  expect(t.lead + t.co + t.split).toBe(t.total);
  expect(s.totals.byTiming.session + s.totals.byTiming.interim).toBe(s.totals.suggestions);
  expect(sum(Object.values(s.totals.byKind))).toBe(s.totals.suggestions);
  expect(sum(s.categories.map((x) => x.count))).toBe(s.totals.suggestions);
  expect(s.units).toHaveLength(s.totals.unitsInvolved);
  expect(sum(s.units.map((u) => u.assigned))).toBe(t.total);
  expect(sum(s.units.map((u) => u.leadOrSplit))).toBe(s.answers.expected);
  expect(sum(s.units.map((u) => u.signedOnTime))).toBe(s.signedOnTime.numerator);
  expect(sum(s.units.map((u) => u.answers))).toBe(s.answers.answered);
  expect(sum(s.units.map((u) => u.answeredOnTime))).toBe(s.answers.onTime.numerator);
  expect(sum(s.units.map((u) => u.faceToFace.numerator))).toBe(s.faceToFace.numerator);
  expect(sum(s.units.map((u) => u.overdue))).toBe(s.overdue.total);
  expect(sum(s.units.map((u) => u.commitments.made))).toBe(m.made);
  for (const k of ['A', 'B', 'C', 'D'] as const) expect(sum(s.units.map((u) => u.classes[k]))).toBe(c[k].count);
  expect(sum(s.units.map((u) => u.grades.satisfied))).toBe(s.satisfaction.final.satisfied.count);
  expect(sum(s.overdue.byUnit.map((u) => u.count))).toBe(s.overdue.total);
}

describe('rounding (definitions.ts ROUNDING)', () => {
  it('one decimal, half-up from the exact fraction; exact 100% prints "100%"; never 100% or 0.0% when not exact', () => {
    expect(rate(1095, 1284).text).toBe('85.3%');
    expect(rate(508, 1284).text).toBe('39.6%');
    expect(rate(26, 1284).text).toBe('2.0%');
    expect(rate(1284, 1284)).toMatchObject({ text: '100%', percent: 100, tenths: 1000 });
    expect(rate(2, 3).text).toBe('66.7%');
    expect(rate(1, 8).text).toBe('12.5%'); // 12.5 exactly
    expect(rate(1, 16).text).toBe('6.3%'); // 6.25 → half-up
    expect(rate(1, 2000).text).toBe('0.1%'); // 0.05 → half-up
    expect(rate(9999, 10000).text).toBe('99.9%'); // 99.99 would round to 100
    expect(rate(1, 100000).text).toBe('0.1%'); // 0.001 would round to 0.0
    expect(rate(0, 7).text).toBe('0.0%');
    expect(rate(0, 0)).toMatchObject({ text: '—', percent: null, tenths: null });
    expect(formatTenths(70)).toBe('7.0%');
    expect(() => tenthsOf(3, 2)).toThrow(/more than its whole/);
  });

  it('shares of a whole sum to 100.0%: the largest part takes the remainder (Chongqing: A 91.8%, not 91.7%)', () => {
    expect(rate(1178, 1284).text).toBe('91.7%'); // its own rounding
    const [a, b, c, d] = wholeShares([1178, 16, 60, 30]);
    expect([a!.text, b!.text, c!.text, d!.text]).toEqual(['91.8%', '1.2%', '4.7%', '2.3%']);
    expect(wholeShares([1, 1, 1]).map((s) => s.text)).toEqual(['33.4%', '33.3%', '33.3%']);
    expect(wholeShares([5, 0, 0]).map((s) => s.text)).toEqual(['100%', '0.0%', '0.0%']);
    expect(wholeShares([0, 0]).map((s) => s.text)).toEqual(['—', '—']);
    // Categories are rounded each on their own and may not sum to 100.0%.
    expect(independentShares([3, 1, 1, 1]).map((s) => s.text)).toEqual(['50.0%', '16.7%', '16.7%', '16.7%']);
  });
});

describe('definitions', () => {
  it('docs/statistics.md is the definitions table, word for word', () => {
    expect(readFileSync(new URL('../docs/statistics.md', import.meta.url), 'utf8')).toBe(definitionsMarkdown());
    for (const d of DEFINITIONS) expect(definitionsMarkdown()).toContain(d.leftOut);
  });
});

describe('on-time rate (按时办结率)', () => {
  it('counts answers approved on or before the deadline, by the local date of approval; unanswered ones are left out and overdue', () => {
    const w = world();
    w.importRows([row('0001', 'u001'), row('0002', 'u001'), row('0003', 'u001'), row('0004', 'u001')]);
    w.setNow('2026-03-03T01:00:00Z');
    const ids = ['0001', '0002', '0003', '0004'].map((n) => w.assignmentId(n, 'u001'));
    for (const id of ids) w.sign(id, 'u001');
    // Answer deadline: 2026-03-02 + 3 months = 2026-06-02.
    w.setNow('2026-05-29T02:00:00Z');
    const a1 = w.answer(ids[0]!, 'u001');
    w.setNow('2026-06-01T02:00:00Z');
    const a2 = w.submitAnswer(ids[1]!, 'u001');
    w.setNow('2026-06-02T15:30:00Z'); // 23:30 on 06-02 in Shanghai: on time
    w.approve(a2, 'u001');
    w.setNow('2026-06-02T02:00:00Z');
    const a3 = w.submitAnswer(ids[2]!, 'u001'); // submitted in time…
    w.setNow('2026-06-02T16:30:00Z'); // …approved 00:30 on 06-03 in Shanghai: late
    w.approve(a3, 'u001');
    w.setNow('2026-06-05T02:00:00Z');
    for (const a of [a1, a2, a3]) w.evaluate(a, 'd001', 'satisfied');

    w.setNow('2026-06-10T02:00:00Z');
    const s = w.stats();
    expect(s.asOf).toBe('2026-06-10');
    expect(s.answers).toMatchObject({ expected: 4, answered: 3, notAnswered: 1, late: 1 });
    expect(s.answers.onTime).toMatchObject({ numerator: 2, denominator: 3, text: '66.7%' });
    expect(s.units[0]).toMatchObject({ unitId: 'u001', answers: 3, answeredOnTime: 2 });
    // The unanswered one is overdue: its answer, and its first contact with the deputy.
    expect(s.overdue.items.map((i) => [i.number, i.kind, i.due])).toEqual([
      ['0004', 'first_contact', '2026-03-30'],
      ['0004', 'answer', '2026-06-02'],
    ]);
    expectAddsUp(s);
    // An answer approved after the policy's deadline but within a supervisor's extension is on time.
    w.act(SUPERVISOR, { type: 'extend_answer_deadline', assignmentId: ids[3]!, until: '2026-07-15', reason: '涉及多部门协调' });
    w.setNow('2026-07-10T02:00:00Z');
    w.answer(ids[3]!, 'u001');
    const extended = w.stats();
    expect(extended.answers.onTime).toMatchObject({ numerator: 3, denominator: 4, text: '75.0%' });
    expect(extended.overdue.items.filter((i) => i.kind === 'answer')).toEqual([]);
    w.close();
  });
});

describe('answers (办结总数) and result classes', () => {
  it('a returned answer is not counted, nor one awaiting approval; the returned answer’s commitments are void', () => {
    const w = world();
    w.importRows([row('0001', 'u001'), row('0002', 'u002')]);
    w.setNow('2026-03-03T01:00:00Z');
    const x = w.assignmentId('0001', 'u001');
    const y = w.assignmentId('0002', 'u002');
    w.sign(x, 'u001');
    w.sign(y, 'u002');
    w.setNow('2026-04-01T02:00:00Z');
    const returned = w.submitAnswer(x, 'u001', { resultClass: 'B', commitments: [{ dueOn: '2026-12-31', content: '年底前完成改造' }] });
    w.returnAnswer(returned, 'u001');
    const approved = w.answer(x, 'u001', { resultClass: 'A', commitments: [{ dueOn: '2026-09-30', content: '9月底前完成' }] });
    w.act(deputyOf('d001'), { type: 'confirm_commitments', answerId: approved });
    w.submitAnswer(y, 'u002', { resultClass: 'C', commitments: [{ dueOn: '2026-10-31', content: '待审核的承诺' }] }); // awaiting approval

    const s = w.stats();
    expect(s.answers).toMatchObject({ expected: 2, answered: 1, notAnswered: 1 });
    expect([s.resultClasses.A.count, s.resultClasses.B.count, s.resultClasses.C.count, s.resultClasses.D.count]).toEqual([1, 0, 0, 0]);
    expect(s.resultClasses.A.text).toBe('100%');
    expect(s.commitments).toEqual({ made: 1, confirmed: 1, done: 0, claimed: 0, overdue: 0, notYetDue: 1 });
    expectAddsUp(s);
    w.close();
  });

  it('a re-handled answer replaces round 1 in the class counts; first-round satisfaction keeps the round-1 evaluations; round 2 is measured against the re-handling deadline', () => {
    const w = world();
    w.importRows([row('0001', 'u001', { co_deputies: 'd002' }), row('0002', 'u002')]);
    w.setNow('2026-03-03T01:00:00Z');
    const x = w.assignmentId('0001', 'u001');
    const y = w.assignmentId('0002', 'u002');
    w.sign(x, 'u001');
    w.sign(y, 'u002');
    w.contact(x, 'u001', 'face_to_face', '2026-03-03', 'd001');
    w.contact(y, 'u002', 'phone', '2026-03-03');
    w.setNow('2026-04-10T02:00:00Z');
    const x1 = w.answer(x, 'u001', { resultClass: 'C', public: false, privateReason: '涉及在建项目' });
    const y1 = w.answer(y, 'u002', { resultClass: 'A' });
    w.setNow('2026-04-15T02:00:00Z');
    w.evaluate(x1, 'd002', 'basically_satisfied'); // the co-signer's: recorded, counted, not decisive
    w.evaluate(x1, 'd001', 'unsatisfied'); // the lead deputy's: re-handling, deadline 2026-06-15
    w.evaluate(y1, 'd001', 'unsatisfied');

    // While re-handling, the round-1 answers stand.
    const during = w.stats();
    expect(during.answers.answered).toBe(2);
    expect([during.resultClasses.A.count, during.resultClasses.C.count]).toEqual([1, 1]);
    expect(during.satisfaction.final).toMatchObject({ evaluations: 3 });
    expect(during.satisfaction.final.unsatisfied.count).toBe(2);

    w.setNow('2026-06-10T02:00:00Z'); // before 2026-06-15 (re-handling) though after 2026-06-02 (answer)
    const x2 = w.answer(x, 'u001', { resultClass: 'A' });
    w.setNow('2026-06-20T02:00:00Z'); // after the re-handling deadline
    const y2 = w.answer(y, 'u002', { resultClass: 'B' });
    w.setNow('2026-06-22T02:00:00Z');
    w.evaluate(x2, 'd001', 'satisfied');
    w.evaluate(y2, 'd001', 'basically_satisfied');

    const s = w.stats();
    expect(s.answers.answered).toBe(2);
    expect([s.resultClasses.A.count, s.resultClasses.B.count, s.resultClasses.C.count, s.resultClasses.D.count]).toEqual([1, 1, 0, 0]);
    expect(s.publication).toMatchObject({ public: 2, notPublic: 0 }); // the private round-1 answer was replaced
    expect(s.answers.onTime).toMatchObject({ numerator: 1, denominator: 2, text: '50.0%' });
    const first = s.satisfaction.firstRound;
    expect([first.evaluations, first.satisfied.count, first.basicallySatisfied.count, first.unsatisfied.count]).toEqual([3, 0, 1, 2]);
    expect(first.satisfiedOrBasic.text).toBe('33.3%');
    const final = s.satisfaction.final;
    expect([final.evaluations, final.satisfied.count, final.basicallySatisfied.count, final.unsatisfied.count]).toEqual([2, 1, 1, 0]);
    expect(final.satisfiedOrBasic.text).toBe('100%');
    expect(s.satisfaction.notReturned).toBe(0);
    expect(s.totals.closed).toBe(2);
    expectAddsUp(s);
    w.close();
  });

  it('split handling: each split unit answers its own part, each answer counts', () => {
    const w = world();
    w.importRows([row('0001', '', { split_units: 'u001、u002' })]);
    w.setNow('2026-03-03T01:00:00Z');
    const p = w.assignmentId('0001', 'u001');
    const q = w.assignmentId('0001', 'u002');
    w.sign(p, 'u001');
    w.sign(q, 'u002');
    w.setNow('2026-04-01T02:00:00Z');
    w.answer(p, 'u001', { resultClass: 'A' });
    w.answer(q, 'u002', { resultClass: 'D' });
    const s = w.stats();
    expect(s.totals).toMatchObject({ suggestions: 1, withSplit: 1, unitsInvolved: 2, assignments: { total: 2, lead: 0, co: 0, split: 2 } });
    expect(s.answers).toMatchObject({ expected: 2, answered: 2 });
    expect([s.resultClasses.A.text, s.resultClasses.D.text]).toEqual(['50.0%', '50.0%']);
    expect(s.satisfaction.notReturned).toBe(2);
    expectAddsUp(s);
    w.close();
  });
});

describe('withdrawn suggestions', () => {
  it('are left out of every figure and counted apart', () => {
    const w = world();
    w.importRows([row('0001', 'u001'), row('0002', 'u002', { category: '民政' })]);
    w.setNow('2026-03-03T01:00:00Z');
    w.sign(w.assignmentId('0002', 'u002'), 'u002');
    w.act(SUPERVISOR, { type: 'withdraw_suggestion', suggestionId: w.suggestionId('0002'), reason: '代表撤回' });
    const s = w.stats({}, { asOf: '2026-12-31' });
    expect(s.totals).toMatchObject({ suggestions: 1, withdrawn: 1, unitsInvolved: 1, assignments: { total: 1, lead: 1, co: 0, split: 0 } });
    expect(s.signedOnTime).toMatchObject({ numerator: 0, denominator: 1 });
    expect(s.categories.map((c) => c.category)).toEqual(['交通邮电']);
    expect(s.overdue.items.every((i) => i.number === '0001')).toBe(true);
    expect(s.overdue.items.length).toBeGreaterThan(0);
    const u2 = w.stats({ unit: 'u002' });
    expect(u2.totals).toMatchObject({ suggestions: 0, withdrawn: 1, unitsInvolved: 0 });
    expectAddsUp(s);
    w.close();
  });
});

describe('commitments (承诺事项)', () => {
  it('made = done + claimed + overdue + not yet due; void ones and those of unapproved answers are left out', () => {
    const w = world();
    w.importRows([row('0001', 'u001'), row('0002', 'u002'), row('0003', 'u003'), row('0004', 'u004'), row('0005', 'u005')]);
    w.setNow('2026-03-03T01:00:00Z');
    const [a1, a2, a3, a4, a5] = [
      ['0001', 'u001'],
      ['0002', 'u002'],
      ['0003', 'u003'],
      ['0004', 'u004'],
      ['0005', 'u005'],
    ].map(([n, u]) => {
      const id = w.assignmentId(n!, u!);
      w.sign(id, u!);
      w.contact(id, u!, 'visit', '2026-03-03');
      return id;
    }) as [string, string, string, string, string];
    w.setNow('2026-04-01T02:00:00Z');
    const ans1 = w.answer(a1, 'u001', {
      commitments: [
        { dueOn: '2026-05-01', content: '完成站点调整' },
        { dueOn: '2026-05-01', content: '增开微循环线路' },
        { dueOn: '2026-07-01', content: '完成候车亭改造' },
        { dueOn: '2026-09-30', content: '完成线网评估' },
      ],
    });
    w.act(deputyOf('d001'), { type: 'confirm_commitments', answerId: ans1 });
    // 0002: the returned answer's commitment is void.
    const ret = w.submitAnswer(a2, 'u002', { commitments: [{ dueOn: '2026-05-01', content: '退回的承诺' }] });
    w.returnAnswer(ret, 'u002');
    w.answer(a2, 'u002');
    // 0003: round 1 with one confirmed and one unconfirmed promise; re-handling voids the unconfirmed one.
    const r1 = w.submitAnswer(a3, 'u003', { resultClass: 'B', commitments: [{ dueOn: '2026-12-31', content: '年底前完成' }] });
    w.approve(r1, 'u003');
    w.act(deputyOf('d001'), { type: 'confirm_commitments', answerId: r1 });
    w.setNow('2026-04-02T02:00:00Z');
    w.evaluate(r1, 'd001', 'unsatisfied');
    const r2 = w.submitAnswer(a3, 'u003', { resultClass: 'A', commitments: [{ dueOn: '2026-06-30', content: '第二轮承诺（未确认）' }] });
    w.approve(r2, 'u003');
    // 0005: a round-1 promise the deputy never confirmed lapses (void) when the re-handled answer is approved.
    const q1 = w.answer(a5, 'u005', { resultClass: 'C', commitments: [{ dueOn: '2026-12-31', content: '第一轮承诺（未确认）' }] });
    w.evaluate(q1, 'd001', 'unsatisfied');
    w.answer(a5, 'u005', { resultClass: 'A' });
    expect(w.aggregate('0005').commitments.map((c) => c.state)).toEqual(['void']);
    // 0004: a promise never confirmed by the deputy, past due.
    w.answer(a4, 'u004', { commitments: [{ dueOn: '2026-06-01', content: '六月前答复进展' }] });
    // 0001: one done, one claimed, one left to lapse past its due date, one not yet due.
    const c = w.aggregate('0001').commitments;
    w.setNow('2026-04-28T02:00:00Z');
    w.act(liaison('u001'), { type: 'claim_commitment_done', commitmentId: c[0]!.id, evidence: '已完成，附照片' });
    w.act(deputyOf('d001'), { type: 'confirm_commitment_done', commitmentId: c[0]!.id });
    w.act(liaison('u001'), { type: 'claim_commitment_done', commitmentId: c[1]!.id, evidence: '已开通' });

    const s = w.stats({}, { asOf: '2026-08-01' });
    // made: 4 (0001) + 1 confirmed round-1 (0003) + 1 round-2 (0003) + 1 (0004) = 7; void: 0002's and 0003's
    // unconfirmed round-1 promise. Overdue: 0001's 07-01, 0003's unconfirmed round-2 06-30, 0004's 06-01.
    expect(s.commitments).toEqual({ made: 7, confirmed: 5, done: 1, claimed: 1, overdue: 3, notYetDue: 2 });
    // Ordered by unit name (pinyin: 交通 < 教育 < 卫生).
    expect(s.overdue.items.filter((i) => i.kind === 'commitment').map((i) => [i.number, i.unitName, i.detail, i.due])).toEqual([
      ['0001', '市交通运输委员会', '完成候车亭改造', '2026-07-01'],
      ['0003', '市教育委员会', '第二轮承诺（未确认）', '2026-06-30'],
      ['0004', '市卫生健康委员会', '六月前答复进展', '2026-06-01'],
    ]);
    expect(s.units.find((u) => u.unitId === 'u001')!.commitments).toEqual({ made: 4, confirmed: 4, done: 1, claimed: 1, overdue: 1, notYetDue: 1 });
    expect(s.units.find((u) => u.unitId === 'u002')!.commitments.made).toBe(0);
    // Earlier, before anything fell due, nothing is overdue.
    expect(w.stats({}, { asOf: '2026-04-30' }).commitments).toEqual({ made: 7, confirmed: 5, done: 1, claimed: 1, overdue: 0, notYetDue: 5 });
    expectAddsUp(s);
    w.close();
  });
});

describe('face-to-face rate (面商率)', () => {
  it('lead/split assignments with a confirmed face-to-face contact ÷ lead/split assignments', () => {
    const w = world();
    w.importRows([
      row('0001', 'u001', { co_units: 'u002' }),
      row('0002', 'u001'),
      row('0003', 'u002'),
      row('0004', 'u003'),
      row('0005', '', { split_units: 'u004、u005' }),
    ]);
    w.setNow('2026-03-10T02:00:00Z');
    const live = w.liveAssignments();
    for (const [key, id] of live) w.sign(id, key.split('/')[1]!);
    w.contact(live.get('0001/u001')!, 'u001', 'face_to_face', '2026-03-09', 'd001'); // counts
    w.contact(live.get('0001/u002')!, 'u002', 'face_to_face', '2026-03-09', 'd001'); // a co-handler's: not counted
    w.contact(live.get('0002/u001')!, 'u001', 'face_to_face', '2026-03-09'); // unconfirmed: not counted
    w.contact(live.get('0003/u002')!, 'u002', 'phone', '2026-03-09', 'd001'); // by phone: not counted
    w.contact(live.get('0004/u003')!, 'u003', 'face_to_face', '2026-03-05', 'd001');
    w.contact(live.get('0004/u003')!, 'u003', 'face_to_face', '2026-03-09', 'd001'); // twice: once
    w.contact(live.get('0005/u004')!, 'u004', 'face_to_face', '2026-03-09', 'd001');
    const s = w.stats();
    expect(s.faceToFace).toMatchObject({ numerator: 3, denominator: 6, text: '50.0%' });
    const byUnit = Object.fromEntries(s.units.map((u) => [u.unitId, [u.faceToFace.numerator, u.faceToFace.denominator, u.faceToFace.text]]));
    expect(byUnit).toEqual({
      u001: [1, 2, '50.0%'],
      u002: [0, 1, '0.0%'],
      u003: [1, 1, '100%'],
      u004: [1, 1, '100%'],
      u005: [0, 1, '0.0%'],
    });
    expect(s.coOpinions).toMatchObject({ expected: 1, received: 0 });
    w.act(liaison('u002'), { type: 'submit_opinion', assignmentId: live.get('0001/u002')!, opinion: '同意主办单位意见' });
    expect(w.stats().coOpinions).toMatchObject({ expected: 1, received: 1, rate: { text: '100%' } });
    expectAddsUp(s);
    w.close();
  });
});

describe('re-assignment rate (改办率)', () => {
  it('approved re-assignments (each task once) ÷ the assignments made at 交办; refused and pending requests are not counted', () => {
    const w = world();
    w.importRows([row('0001', 'u001'), row('0002', 'u001'), row('0003', 'u003'), row('0004', 'u004'), row('0005', 'u005')]);
    w.setNow('2026-03-03T01:00:00Z');
    const reassign = (n: string, from: string, to?: string, refuse?: boolean) => {
      const id = w.assignmentId(n, from);
      w.act(liaison(from), { type: 'request_reassign', assignmentId: id, reason: '不属于本单位职责' });
      if (to) w.act(SUPERVISOR, { type: 'approve_reassign', assignmentId: id, newUnitId: to });
      if (refuse) w.act(SUPERVISOR, { type: 'reject_reassign', assignmentId: id, reason: '属于本单位职责' });
    };
    reassign('0001', 'u001', 'u002');
    reassign('0002', 'u001', undefined, true);
    reassign('0003', 'u003'); // pending
    reassign('0005', 'u005', 'u006');
    w.setNow('2026-03-04T01:00:00Z');
    reassign('0005', 'u006', 'u001'); // moved again: the task counts once

    const s = w.stats();
    expect(s.reassignment.rate).toMatchObject({ numerator: 2, denominator: 5, text: '40.0%' });
    expect(s.reassignment.approvedDecisions).toBe(3);
    expect(s.totals.assignments.total).toBe(5);
    expect(s.units.map((u) => [u.unitId, u.assigned]).sort()).toEqual([
      ['u001', 2],
      ['u002', 1],
      ['u003', 1],
      ['u004', 1],
    ]);
    expect(w.stats({ unit: 'u001' }).reassignment.rate).toMatchObject({ numerator: 1, denominator: 2 });
    expect(w.stats({ unit: 'u006' }).reassignment).toMatchObject({ rate: { numerator: 0, denominator: 0, text: '—' }, approvedDecisions: 1 });
    expect(w.stats({ unit: 'u002' }).reassignment.rate).toMatchObject({ numerator: 0, denominator: 0 });
    // The new unit's deadlines count from the day of approval: signing on 03-05 is on time for u001's 0005 (assigned 03-04).
    w.setNow('2026-03-05T01:00:00Z');
    w.sign(w.assignmentId('0005', 'u001'), 'u001');
    w.sign(w.assignmentId('0001', 'u002'), 'u002'); // assigned 03-03, due 03-05: on time
    w.sign(w.assignmentId('0004', 'u004'), 'u004'); // assigned 03-02, due 03-04: late
    const later = w.stats();
    expect(later.signedOnTime).toMatchObject({ numerator: 2, denominator: 5 });
    expectAddsUp(later);
    w.close();
  });
});

describe('overdue items (逾期事项)', () => {
  it('lists the units’ passed deadlines by unit; the deputy’s evaluation deadline and the re-assignment window are not the unit’s', () => {
    const w = world();
    w.importRows([row('0001', 'u001', { co_units: 'u002' }), row('0002', 'u003'), row('0003', 'u004')]);
    w.setNow('2026-03-03T01:00:00Z');
    for (const [n, u] of [
      ['0002', 'u003'],
      ['0003', 'u004'],
    ] as const) {
      const id = w.assignmentId(n, u);
      w.sign(id, u);
      w.contact(id, u, 'phone', '2026-03-03');
    }
    w.setNow('2026-03-20T02:00:00Z');
    w.answer(w.assignmentId('0002', 'u003'), 'u003'); // never evaluated: the deputy's deadline passes
    const r1 = w.answer(w.assignmentId('0003', 'u004'), 'u004');
    w.evaluate(r1, 'd001', 'unsatisfied'); // re-handling due 2026-05-20

    const s = w.stats({}, { asOf: '2026-06-01' });
    // Ordered by unit name (pinyin: 交通 < 卫生 < 住房), then due date.
    expect(s.overdue.items.map((i) => [i.unitId, i.number, i.kind, i.label, i.due])).toEqual([
      ['u001', '0001', 'sign', '签收', '2026-03-04'],
      ['u001', '0001', 'first_contact', '首次联系代表', '2026-03-30'],
      ['u004', '0003', 'rehandle_answer', '重新办理答复', '2026-05-20'],
      ['u002', '0001', 'sign', '签收', '2026-03-04'],
      ['u002', '0001', 'co_opinion', '协办意见', '2026-04-02'],
    ]);
    expect(s.overdue.items.find((i) => i.kind === 'rehandle_answer')!.workingDaysOverdue).toBe(8);
    expect(s.overdue.byUnit.map((u) => [u.unitName, u.count])).toEqual([
      ['市交通运输委员会', 2],
      ['市住房和城乡建设委员会', 2],
      ['市卫生健康委员会', 1],
    ]);
    expect(s.units.find((u) => u.unitId === 'u003')!.overdue).toBe(0);
    expect(s.overdue.total).toBe(5);
    expectAddsUp(s);
    w.close();
  });
});

describe('filters', () => {
  it('session, kind, timing, category, assignment date range and unit select what they say', () => {
    const w = world();
    w.importRows([
      row('0001', 'u001'),
      row('0002', 'u002', { kind: 'motion', category: '城乡建设与管理' }),
      row('0003', 'u001', { timing: 'interim', assigned_on: '2026-04-01' }),
      row('0004', 'u003', { session: '市六届人大三次会议', kind: 'proposal', category: '教科文卫体' }),
      row('0005', '', { split_units: 'u001、u002' }),
      row('0006', 'u003', { co_units: 'u001', category: '' }),
    ]);
    const count = (f: Parameters<typeof w.stats>[0]) => w.stats(f).totals.suggestions;
    const all = w.stats();
    expect(all.totals).toMatchObject({
      suggestions: 6,
      byKind: { suggestion: 4, motion: 1, proposal: 1 },
      byTiming: { session: 5, interim: 1 },
      withSplit: 1,
      unitsInvolved: 3,
      assignments: { total: 8, lead: 5, co: 1, split: 2 },
    });
    expect(all.categories.map((c) => [c.rank, c.category, c.count, c.share.text])).toEqual([
      [1, '交通邮电', 3, '50.0%'],
      [2, '城乡建设与管理', 1, '16.7%'],
      [3, '教科文卫体', 1, '16.7%'],
      [4, '未分类', 1, '16.7%'],
    ]);
    expect(count({ session: '市六届人大三次会议' })).toBe(1);
    expect(count({ session: '市六届人大二次会议' })).toBe(5);
    expect(count({ kind: 'motion' })).toBe(1);
    expect(count({ timing: 'interim' })).toBe(1);
    expect(count({ category: '交通邮电' })).toBe(3);
    expect(count({ category: '未分类' })).toBe(1);
    expect(count({ from: '2026-03-15' })).toBe(1);
    expect(count({ to: '2026-03-02' })).toBe(5);
    expect(count({ from: '2026-03-02', to: '2026-03-02', session: '市六届人大二次会议' })).toBe(4);
    const u1 = w.stats({ unit: 'u001' });
    expect(u1.totals).toMatchObject({ suggestions: 4, unitsInvolved: 1, assignments: { total: 4, lead: 2, co: 1, split: 1 } });
    expect(u1.units.map((u) => u.unitId)).toEqual(['u001']);
    expect(u1.scope).toEqual(['承办单位：市交通运输委员会']);
    expect(w.stats({ unit: 'u001', category: '交通邮电' }).totals.suggestions).toBe(3);
    expect(w.stats({ unit: 'u006' }).totals).toMatchObject({ suggestions: 0, unitsInvolved: 0 });
    expectAddsUp(all);
    expectAddsUp(u1);
    w.close();
  });

  it('are validated: English or Chinese kind and timing, real dates, from ≤ to, known units, no unknown keys', () => {
    const known = (id: string) => id === 'u001';
    expect(checkStatsFilters({ kind: '议案', timing: '闭会', unit: 'u001', from: '2026-01-01', to: '2026-12-31', session: undefined }, known)).toEqual({
      ok: true,
      filters: { kind: 'motion', timing: 'interim', unit: 'u001', from: '2026-01-01', to: '2026-12-31' },
    });
    const problems = (raw: Record<string, unknown>) => {
      const r = checkStatsFilters(raw, known);
      return r.ok ? [] : r.problems;
    };
    expect(problems({ from: '2026-02-30' })).toEqual(['from: must be a date YYYY-MM-DD']);
    expect(problems({ from: '2026-03-01', to: '2026-02-01' })).toEqual(['from: from must not be after to']);
    expect(problems({ kind: 'petition' })[0]).toMatch(/^kind: must be one of/);
    expect(problems({ unit: 'nope' })).toEqual(['unit: unknown unit nope']);
    expect(problems({ colour: 'red' })[0]).toMatch(/colour/);
    expect(problems({ session: '  ' })).toEqual(['session: must not be empty']);
  });
});

describe('the statistics through a runtime', () => {
  it('default report date is today in the configured time zone', () => {
    const w = world();
    w.setNow('2026-03-02T17:00:00Z'); // 01:00 on 03-03 in Shanghai
    expect(computeStats(w.runtime).asOf).toBe('2026-03-03');
    w.close();
  });
});
