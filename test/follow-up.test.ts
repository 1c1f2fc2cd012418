/**
 * Commitment follow-up and the second evaluation (SPEC §4/§5, policy `followUp`, default every 2
 * months in `wuchang`, off by default): a year of daily 09:00 sweeps with an injected clock over a real SQLite file. Every
 * 承诺进展 card sent is listed with its day, recipients and commitment; nothing else changes
 * (everything else is what the same year sends with followUp off). The unit reports on the card,
 * another unit's liaison is refused; a commitment confirmed done is posted again @ its deputy for
 * the 承诺兑现评价, which the deputy gives and the unit may not.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CardModel } from '../src/adapters/cards/card-model.ts';
import type { OutboxPayload } from '../src/adapters/sqlite/outbox-payload.ts';
import * as schema from '../src/adapters/sqlite/schema.ts';
import type { AppContext } from '../src/app/context.ts';
import { buildLedger } from '../src/app/ledger.ts';
import { computeStats } from '../src/app/stats.ts';
import { renderReportMarkdown } from '../src/adapters/report/markdown.ts';
import { sweep } from '../src/app/sweep.ts';
import { BUILT_IN_POLICIES, type Policy } from '../src/core/deadlines/policy.ts';
import { calendar, daysFrom, maxOutboxSeq, names, nineAm, oneSuggestionWorld, sweepDeps, TIME_ZONE, writtenSince } from './support/sweep-helpers.ts';
import { deputy, directory, unit } from './support/world.ts';

const deputyName = (id: string) => directory.deputies.find((d) => d.id === id)!.name;

const jtw = unit('jtw');
const cgj = unit('cgj');
const policy = BUILT_IN_POLICIES.wuchang!;
const withoutFollowUp: Policy = { ...policy, followUp: null };
const at10 = (day: string) => `${day}T02:00:00Z`;

async function year(p: Policy) {
  const w = oneSuggestionWorld({ number: '0401', title: '关于优化公交线路的建议', assignedOn: '2026-03-02', lead: 'jtw', co: ['cgj'], deputies: ['d01'], importAt: '2026-03-02T00:30:00Z' });
  const lead = () => w.assignment('jtw').id;
  const commitment = (content: string) => w.aggregate().commitments.find((c) => c.content === content)!.id;
  const followUps: string[] = [];
  const others: string[] = [];
  const refusals: string[] = [];
  const refused = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      refusals.push((e as { zh: string }).zh);
    }
  };
  for (const day of daysFrom('2026-03-02', '2027-03-31')) {
    if (day === '2026-03-03') w.actAt(at10(day), jtw.liaison, { type: 'sign', assignmentId: lead() });
    if (day === '2026-04-15') {
      w.actAt(at10(day), jtw.liaison, { type: 'submit_answer', assignmentId: lead(), resultClass: 'B', summary: '列入计划', public: true, commitments: [{ dueOn: '2026-12-31', content: '新开社区微循环线路2条' }, { dueOn: '2026-06-30', content: '完成3个站点接驳改造' }] });
      w.actAt(`${day}T03:00:00Z`, jtw.head, { type: 'approve_answer', answerId: w.aggregate().answers.at(-1)!.id });
    }
    if (day === '2026-04-16') w.actAt(at10(day), deputy('d01'), { type: 'confirm_commitments', answerId: w.aggregate().answers.at(-1)!.id });
    if (day === '2026-06-17') {
      refused(() => w.actAt(at10(day), cgj.liaison, { type: 'report_commitment_progress', commitmentId: commitment('新开社区微循环线路2条'), text: '已开工' }));
      w.actAt(at10(day), jtw.liaison, { type: 'report_commitment_progress', commitmentId: commitment('新开社区微循环线路2条'), text: '线路方案已报批' });
    }
    if (day === '2026-07-10') w.actAt(at10(day), jtw.liaison, { type: 'claim_commitment_done', commitmentId: commitment('完成3个站点接驳改造'), evidence: '已完工' });
    if (day === '2026-07-13') {
      w.actAt(at10(day), deputy('d01'), { type: 'confirm_commitment_done', commitmentId: commitment('完成3个站点接驳改造') });
      refused(() => w.actAt(at10(day), jtw.liaison, { type: 'evaluate_commitment', commitmentId: commitment('完成3个站点接驳改造'), grade: 'satisfied' }));
      w.actAt(at10(day), deputy('d01'), { type: 'evaluate_commitment', commitmentId: commitment('完成3个站点接驳改造'), grade: 'basically_satisfied', comment: '基本到位' });
      refused(() => w.actAt(at10(day), deputy('d01'), { type: 'evaluate_commitment', commitmentId: commitment('完成3个站点接驳改造'), grade: 'satisfied' }));
    }
    const seq = maxOutboxSeq(w.db);
    await sweep(sweepDeps(w.db, p), { now: nineAm(day), dryRun: false });
    await sweep(sweepDeps(w.db, p), { now: new Date(`${day}T07:00:00Z`), dryRun: false });
    const written = writtenSince(w.db, seq, day);
    written.rows.forEach((row, i) => {
      const payload = row.payload as OutboxPayload;
      const model = payload.kind === 'send_card' ? (payload.model as CardModel) : undefined;
      if (model?.kind === 'reminder' && model.followUp) {
        followUps.push(`${day} @${names(model.mentions)} ${model.followUp.content} ${model.deadline.explanation.zh_cn}`);
      } else {
        others.push(written.lines[i]!);
      }
    });
  }
  return { w, followUps, others, refusals };
}

describe('commitment follow-up over a year of sweeps (policy wuchang, every 2 months)', () => {
  it('sends each 承诺进展 card once, on working days, to the unit, while the commitment is open — and nothing else', async () => {
    const { w, followUps, others, refusals } = await year(policy);
    const to = '@jtw.liaison1,jtw.liaison2,jtw.head';
    // Confirmed Thu 2026-04-16: the periods fall on 06-16, 08-16 (a Sunday: sent Mon 08-17),
    // 10-16, 12-16 and 2027-02-16. The interchange commitment is done by July: one follow-up only.
    // The bus-line one is still open after its due date: the follow-ups go on (its own due date
    // keeps the reminder ladder, which the comparison below leaves as it was).
    expect(followUps).toEqual([
      `2026-06-16 ${to} 完成3个站点接驳改造 【承诺进展】第 1 次跟踪（每 2 个月）：承诺于 2026-06-30 前完成，还有 14 天`,
      `2026-06-16 ${to} 新开社区微循环线路2条 【承诺进展】第 1 次跟踪（每 2 个月）：承诺于 2026-12-31 前完成，还有 198 天`,
      `2026-08-17 ${to} 新开社区微循环线路2条 【承诺进展】第 2 次跟踪（每 2 个月）：承诺于 2026-12-31 前完成，还有 136 天`,
      `2026-10-16 ${to} 新开社区微循环线路2条 【承诺进展】第 3 次跟踪（每 2 个月）：承诺于 2026-12-31 前完成，还有 76 天`,
      `2026-12-16 ${to} 新开社区微循环线路2条 【承诺进展】第 4 次跟踪（每 2 个月）：承诺于 2026-12-31 前完成，还有 15 天`,
      `2027-02-16 ${to} 新开社区微循环线路2条 【承诺进展】第 5 次跟踪（每 2 个月）：承诺于 2026-12-31 前完成，已逾期 47 天`,
    ]);
    expect(others).toEqual((await year(withoutFollowUp)).others);
    // The other unit's liaison may not report; the unit may not grade; a deputy grades once.
    expect(refusals).toEqual(['仅承办单位联络员或负责人可报告承诺进展', '仅本建议的代表可评价承诺兑现情况', '您已评价过该承诺的兑现情况']);
    // Read back: the report and the second evaluation are recorded, the refusals audited.
    const agg = w.aggregate();
    expect(agg.commitmentFollowUps.map((f) => [f.text, f.reportedBy, f.reportedAt])).toEqual([['线路方案已报批', jtw.liaison, '2026-06-17T02:00:00.000Z']]);
    expect(agg.commitmentEvaluations.map((e) => [e.deputyId, e.grade, e.comment])).toEqual([['d01', 'basically_satisfied', '基本到位']]);
    const refusedAudit = w.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.outcome, 'refused'))).all().map((r) => r.action);
    expect(refusedAudit).toEqual(['report_commitment_progress', 'evaluate_commitment', 'evaluate_commitment']);
    // The commitments ledger shows both.
    const ledger = buildLedger({ db: w.db, clock: () => new Date('2027-03-31T08:00:00Z'), config: { timeZone: TIME_ZONE } as AppContext['config'] }, 'commitments');
    expect(ledger.columns.map((c) => c.header)).toEqual(expect.arrayContaining(['跟踪进展', '兑现评价']));
    expect(ledger.rows.map((r) => [r.content, r.state, r.followUps, r.secondEvaluation])).toEqual([
      ['完成3个站点接驳改造', '已完成', '', `${deputyName('d01')}：基本满意`],
      ['新开社区微循环线路2条', '已确认', '2026-06-17 线路方案已报批', ''],
    ]);
    // And the statistics and the report (commitment_follow_up).
    const ctx = { db: w.db, clock: () => new Date('2027-03-31T08:00:00Z'), calendar, policy, config: { timeZone: TIME_ZONE } as AppContext['config'] };
    const stats = computeStats(ctx);
    expect(stats.commitmentFollowUp.reports).toBe(1);
    expect(stats.commitmentFollowUp.commitmentsReported).toBe(1);
    expect([stats.commitmentFollowUp.secondEvaluation.evaluations, stats.commitmentFollowUp.secondEvaluation.basicallySatisfied.text]).toEqual([1, '100%']);
    // Off by default.
    expect(BUILT_IN_POLICIES.default!.followUp).toBeNull();
    expect(renderReportMarkdown(stats)).toContain('承诺跟踪：承办单位报告承诺进展 1 次，涉及承诺事项 1 件；承诺兑现评价 1 件次，其中满意 0 件次（0%），基本满意 1 件次（100%），不满意 0 件次（0%）。');
  });
});
