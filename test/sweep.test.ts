/**
 * The reminder sweep (SPEC §4, issue 4) on real SQLite files with an injected clock: the sweep runs
 * at 09:00 Beijing time (01:00Z) and everything it writes to the outbox is read back and compared
 * with lists computed by hand from the official calendar:
 *
 * - 2025 National Day: 10-01..10-08 off; Sun 09-28 and Sat 10-11 are make-up working days.
 * - 2026 New Year: 01-01..01-03 off; Sun 01-04 is a make-up working day.
 * - 2026 Spring Festival: 02-15..02-23 off; Sat 02-14 and Sat 02-28 are make-up working days.
 * - 2026 Qingming: 04-04..04-06 off.
 *
 * Default policy: sign 2 working days, re-assignment window 10 working days, first contact 20
 * working days, co-handler opinion 1 month, answer 3 months (extendable to 6), evaluation 20
 * working days, re-handled answer 2 months; notice 7 days before, escalation at 3 and 10 working
 * days overdue, no urgent SMS, no reminder on rest days (the board's light follows every day).
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, type NodeDb } from '../src/runtimes/node/open-database.ts';
import * as schema from '../src/adapters/sqlite/schema.ts';
import { DomainError } from '../src/core/errors.ts';
import type { Command } from '../src/core/lifecycle/index.ts';
import { defaultPolicy, type Policy } from '../src/core/deadlines/policy.ts';
import type { OutboxPayload } from '../src/adapters/sqlite/outbox-payload.ts';
import { renderCard, renderEscalationsCard } from '../src/adapters/cards/render-card.ts';
import { sweep, type SweepResult } from '../src/app/sweep.ts';
import { auditOfSuggestion } from '../src/adapters/sqlite/audit-store.ts';
import {
  calendar,
  daysFrom,
  footprint,
  maxOutboxSeq,
  nineAm,
  oneSuggestionWorld,
  SUPERVISORS_CHAT,
  sweepDeps,
  sweepInChildProcess,
  sweepOn,
  writtenSince,
  type OneSuggestion,
} from './support/sweep-helpers.ts';
import { deputy, sampleWorld, supervisor, unit } from './support/world.ts';

const jtw = unit('jtw');
const cgj = unit('cgj');
const d01 = deputy('d01');

// Who is @-mentioned, as the helpers name people (jtw has two liaisons, cgj one).
const JTW_LIAISONS = 'jtw.liaison1,jtw.liaison2';
const JTW_ALL = 'jtw.liaison1,jtw.liaison2,jtw.head';
const CGJ_LIAISONS = 'cgj.liaison1';
const CGJ_ALL = 'cgj.liaison1,cgj.head';
const DEPUTIES = 'd01,d02';

// What the cards say: the rendered title is "<level> · 第<number>号", the details name the
// deadline and what to do.
const TITLE = { notice: '提醒', warning: '预警', overdue: '逾期', escalation: '督办', escalation2: '督办通知' } as const;
const TEXT = {
  sign: '签收：请尽快签收',
  reassign_window: '申请改办期限：如需申请改办，请在期限内提出',
  first_contact: '首次联系代表：请尽快与代表联系并登记沟通',
  co_opinion: '协办意见：请尽快向主办单位提交协办意见',
  answer: '答复：请按时提交答复并报负责人审核',
  evaluation: '代表评价：请代表对答复进行评价',
  rehandle_answer: '重新办理答复：请尽快重新办理并答复',
  commitment: '承诺事项：请按承诺完成并标记完成',
} as const;
type Level = keyof typeof TITLE;
type Kind = keyof typeof TEXT;

/** Builders of the lines `writtenSince` produces (see test/support/sweep-helpers.ts). */
function expectedLines(number: string) {
  const days = (n: number) => (n > 0 ? `+${n}` : String(n));
  const kindOf = (deadline: string) => deadline.split('@')[0] as Kind;
  return {
    /** A reminder card in the suggestion's group. */
    card: (day: string, level: Level, deadline: string, due: string, daysLeft: number, to: string) =>
      `${day} card ${level} ${deadline} due ${due} (${days(daysLeft)}) @${to} «${TITLE[level]} · 第${number}号» ${TEXT[kindOf(deadline)]}`,
    /** Lark urgent (加急) on the day's overdue card. */
    urgent: (day: string, channel: 'app' | 'sms', deadline: string, due: string, to: string) =>
      `${day} urgent ${channel} on the overdue card of ${deadline} due ${due} @${to}`,
    /** An item on the day's escalations card in the supervisors' group. */
    supervisors: (day: string, level: 'escalation' | 'escalation2', deadline: string, due: string, daysLeft: number) =>
      `${day} supervisors ${level} ${deadline} due ${due} (${days(daysLeft)}) «第${number}号» ${TEXT[kindOf(deadline)].split('：')[0]}`,
  };
}

const at10 = (day: string) => `${day}T02:00:00Z`;
const sorted = (lines: string[]) => [...lines].sort();
const isBoardPatch = (line: string) => line.endsWith(' board patch');

/** Sweeps every day of `days` at 09:00, then runs that day's actions; returns every line written. */
async function walk(db: NodeDb, days: string[], actions: Record<string, () => void> = {}, policy?: Policy) {
  const lines: string[] = [];
  const lights: string[] = [];
  const results: SweepResult[] = [];
  for (const day of days) {
    const { result, written } = await sweepOn(db, day, policy ? { deps: sweepDeps(db, policy) } : {});
    results.push(result);
    lines.push(...written.lines);
    for (const l of result.lights) lights.push(`${day} ${l.from}→${l.to}`);
    actions[day]?.();
  }
  return { lines, lights, results, reminders: lines.filter((l) => !isBoardPatch(l)), patchDays: lines.filter(isBoardPatch).map((l) => l.slice(0, 10)) };
}

const SUGGESTION_0901: OneSuggestion = {
  number: '0901',
  title: '关于优化中心城区公交线网的建议',
  assignedOn: '2025-09-26',
  lead: 'jtw',
  co: ['cgj'],
  deputies: ['d01', 'd02'],
  importAt: '2025-09-26T00:30:00Z',
};

describe('a whole year of daily sweeps for one suggestion', () => {
  it('sends exactly the reminders of SPEC §4, on working days only, and stops each one when what it waits for happens', async () => {
    // The story. Suggestion 0901, lead unit 市交通运输委员会 (jtw, two liaisons + head), co-handler
    // 市城市管理局 (cgj, one liaison + head), deputies d01 (lead) and d02, assigned Fri 2025-09-26.
    //   2025-09-26  cgj signs at once; jtw does not sign until 10-20, after the 督办通知.
    //   2025-10-27  cgj submits its opinion on its due day.
    //   2025-11-04  jtw records its first contact, 3 working days late (escalated that morning).
    //   2025-12-26  jtw submits the answer on its due day with two promises: A due 2026-02-13 (the
    //               Friday before the Spring Festival), B due 2026-02-24 (the first working day after).
    //   2025-12-29  the head approves it, one working day late.
    //   2026-01-05  d01 confirms the promises.  2026-01-27  d01 is unsatisfied (on the due day).
    //   2026-02-24  jtw marks B done (on time).  2026-03-05  jtw marks A done, after the 督办通知.
    //   2026-03-27  the re-handled answer, with promise C due 2026-06-30, submitted and approved.
    //   2026-04-21  d01 confirms C and is satisfied: the suggestion is closed; C is still tracked.
    //   2026-07-01  jtw marks C done, one working day late.
    const w = oneSuggestionWorld(SUGGESTION_0901);
    const lead = () => w.assignment('jtw').id;
    const answer = (i: number) => w.aggregate().answers[i]!.id;
    const commitment = (due: string) => w.aggregate().commitments.find((c) => c.dueOn === due)!.id;
    const actions: Record<string, () => void> = {
      '2025-09-26': () => w.actAt(at10('2025-09-26'), cgj.liaison, { type: 'sign', assignmentId: w.assignment('cgj').id }),
      '2025-10-20': () => w.actAt(at10('2025-10-20'), jtw.liaison, { type: 'sign', assignmentId: lead() }),
      '2025-10-27': () => w.actAt(at10('2025-10-27'), cgj.liaison, { type: 'submit_opinion', assignmentId: w.assignment('cgj').id, opinion: '同意主办单位意见' }),
      '2025-11-04': () => w.actAt(at10('2025-11-04'), jtw.liaison, { type: 'record_contact', assignmentId: lead(), method: 'phone', date: '2025-11-04', note: '电话沟通办理思路' }),
      '2025-12-26': () =>
        w.actAt(at10('2025-12-26'), jtw.liaison, {
          type: 'submit_answer',
          assignmentId: lead(),
          resultClass: 'B',
          summary: '列入计划，逐步优化线网',
          public: true,
          commitments: [
            { dueOn: '2026-02-13', content: '完成公交线网优化方案' },
            { dueOn: '2026-02-24', content: '新增两条微循环线路' },
          ],
        }),
      '2025-12-29': () => w.actAt(at10('2025-12-29'), jtw.head, { type: 'approve_answer', answerId: answer(0) }),
      '2026-01-05': () => w.actAt(at10('2026-01-05'), d01, { type: 'confirm_commitments', answerId: answer(0) }),
      '2026-01-27': () => w.actAt(at10('2026-01-27'), d01, { type: 'evaluate', answerId: answer(0), grade: 'unsatisfied', comment: '线网调整力度不够' }),
      '2026-02-24': () => w.actAt(at10('2026-02-24'), jtw.liaison, { type: 'claim_commitment_done', commitmentId: commitment('2026-02-24'), evidence: '两条线路已开通' }),
      '2026-03-05': () => w.actAt(at10('2026-03-05'), jtw.liaison, { type: 'claim_commitment_done', commitmentId: commitment('2026-02-13'), evidence: '方案已印发' }),
      '2026-03-27': () => {
        w.actAt(at10('2026-03-27'), jtw.liaison, {
          type: 'submit_answer',
          assignmentId: lead(),
          resultClass: 'A',
          summary: '重新办理，线网已优化',
          public: true,
          commitments: [{ dueOn: '2026-06-30', content: '开通社区微循环线路' }],
        });
        w.actAt('2026-03-27T03:00:00Z', jtw.head, { type: 'approve_answer', answerId: answer(1) });
      },
      '2026-04-21': () => {
        w.actAt(at10('2026-04-21'), d01, { type: 'confirm_commitments', answerId: answer(1) });
        w.actAt(at10('2026-04-21'), d01, { type: 'evaluate', answerId: answer(1), grade: 'satisfied' });
      },
      '2026-07-01': () => w.actAt(at10('2026-07-01'), jtw.liaison, { type: 'claim_commitment_done', commitmentId: commitment('2026-06-30'), evidence: '线路已开通' }),
    };

    const days = daysFrom('2025-09-26', '2026-09-25');
    expect(days).toHaveLength(365);
    const started = performance.now();
    const lines: string[] = [];
    const lights: string[] = [];
    const results: SweepResult[] = [];
    for (const day of days) {
      const { result, written } = await sweepOn(w.db, day);
      results.push(result);
      lines.push(...written.lines);
      for (const l of result.lights) lights.push(`${day} ${l.from}→${l.to}`);
      // A second sweep at the same moment: its dry run lists nothing, and it sends nothing.
      expect((await sweep(sweepDeps(w.db), { now: nineAm(day), dryRun: true })).reminders).toEqual([]);
      const again = await sweepOn(w.db, day);
      expect(again.result.reminders).toEqual([]);
      expect(again.result.lights).toEqual([]);
      expect(again.written.lines).toEqual([]);
      actions[day]?.();
    }
    const elapsed = performance.now() - started;

    // The story went as told.
    expect(w.aggregate().suggestion.status).toBe('closed');
    expect(w.aggregate().assignments.map((a) => [a.unitId, a.state, a.round])).toEqual([
      ['jtw', 'closed', 2],
      ['cgj', 'opinion_submitted', 1],
    ]);
    expect(w.aggregate().commitments.map((c) => [c.dueOn, c.state])).toEqual([
      ['2026-02-13', 'done_claimed'],
      ['2026-02-24', 'done_claimed'],
      ['2026-06-30', 'done_claimed'],
    ]);

    const { card, urgent, supervisors } = expectedLines('0901');
    const expected = [
      // ── 签收 (sign for), jtw: 2 working days from Fri 09-26 → Sun 09-28 (make-up), Mon 09-29: due
      // 2025-09-29. No notice: its notice day (09-22) is before the assignment. Warning on the working
      // day before (the make-up Sunday 09-28) and on the day; overdue every working day after, none
      // during the National Day holiday (10-01..08); escalation at 3 working days overdue (09-30,
      // 10-09, 10-10 → 10-10): urgent in-app to liaisons and head plus a card in the supervisors'
      // group; 督办通知 at 10 (…10-11 Sat make-up, 10-13..17, 10-20 → 10-20), no SMS by default.
      // jtw signs on 10-20 after the sweep: nothing more.
      card('2025-09-28', 'warning', 'sign@jtw', '2025-09-29', 1, JTW_ALL),
      card('2025-09-29', 'warning', 'sign@jtw', '2025-09-29', 0, JTW_ALL),
      card('2025-09-30', 'overdue', 'sign@jtw', '2025-09-29', -1, JTW_ALL),
      card('2025-10-09', 'overdue', 'sign@jtw', '2025-09-29', -10, JTW_ALL),
      card('2025-10-10', 'overdue', 'sign@jtw', '2025-09-29', -11, JTW_ALL),
      urgent('2025-10-10', 'app', 'sign@jtw', '2025-09-29', JTW_ALL),
      supervisors('2025-10-10', 'escalation', 'sign@jtw', '2025-09-29', -11),
      card('2025-10-11', 'overdue', 'sign@jtw', '2025-09-29', -12, JTW_ALL),
      card('2025-10-13', 'overdue', 'sign@jtw', '2025-09-29', -14, JTW_ALL),
      card('2025-10-14', 'overdue', 'sign@jtw', '2025-09-29', -15, JTW_ALL),
      card('2025-10-15', 'overdue', 'sign@jtw', '2025-09-29', -16, JTW_ALL),
      card('2025-10-16', 'overdue', 'sign@jtw', '2025-09-29', -17, JTW_ALL),
      card('2025-10-17', 'overdue', 'sign@jtw', '2025-09-29', -18, JTW_ALL),
      card('2025-10-20', 'overdue', 'sign@jtw', '2025-09-29', -21, JTW_ALL),
      supervisors('2025-10-20', 'escalation2', 'sign@jtw', '2025-09-29', -21),

      // ── 申请改办期限 (re-assignment window), both units: 10 working days → 09-28, 09-29, 09-30,
      // 10-09, 10-10, 10-11, 10-13..16: due 2025-10-16. Notice on 10-09 (16 − 7, a working day) to
      // the liaisons; warnings 10-15 and 10-16 to liaisons and head. Its lapse is nobody's failure:
      // no overdue.
      card('2025-10-09', 'notice', 'reassign_window@jtw', '2025-10-16', 7, JTW_LIAISONS),
      card('2025-10-09', 'notice', 'reassign_window@cgj', '2025-10-16', 7, CGJ_LIAISONS),
      card('2025-10-15', 'warning', 'reassign_window@jtw', '2025-10-16', 1, JTW_ALL),
      card('2025-10-15', 'warning', 'reassign_window@cgj', '2025-10-16', 1, CGJ_ALL),
      card('2025-10-16', 'warning', 'reassign_window@jtw', '2025-10-16', 0, JTW_ALL),
      card('2025-10-16', 'warning', 'reassign_window@cgj', '2025-10-16', 0, CGJ_ALL),

      // ── 协办意见 (co-handler opinion), cgj: 1 month → 10-26, a Sunday → due Mon 2025-10-27. Notice
      // on 10-20; warnings Fri 10-24 and 10-27; submitted on 10-27 after the sweep.
      card('2025-10-20', 'notice', 'co_opinion@cgj', '2025-10-27', 7, CGJ_LIAISONS),
      card('2025-10-24', 'warning', 'co_opinion@cgj', '2025-10-27', 3, CGJ_ALL),
      card('2025-10-27', 'warning', 'co_opinion@cgj', '2025-10-27', 0, CGJ_ALL),

      // ── 首次联系代表 (first contact), jtw: 20 working days (the 10 above, then 10-17, 10-20..24,
      // 10-27..30) → due Thu 2025-10-30. Notice 10-23; warnings 10-29, 10-30; overdue 10-31 (1),
      // 11-03 (2), 11-04 (3: escalation). The contact is recorded on 11-04 after the sweep.
      card('2025-10-23', 'notice', 'first_contact@jtw', '2025-10-30', 7, JTW_LIAISONS),
      card('2025-10-29', 'warning', 'first_contact@jtw', '2025-10-30', 1, JTW_ALL),
      card('2025-10-30', 'warning', 'first_contact@jtw', '2025-10-30', 0, JTW_ALL),
      card('2025-10-31', 'overdue', 'first_contact@jtw', '2025-10-30', -1, JTW_ALL),
      card('2025-11-03', 'overdue', 'first_contact@jtw', '2025-10-30', -4, JTW_ALL),
      card('2025-11-04', 'overdue', 'first_contact@jtw', '2025-10-30', -5, JTW_ALL),
      urgent('2025-11-04', 'app', 'first_contact@jtw', '2025-10-30', JTW_ALL),
      supervisors('2025-11-04', 'escalation', 'first_contact@jtw', '2025-10-30', -5),

      // ── 答复 (answer), jtw: 3 months → Fri 2025-12-26. Notice 12-19; warnings 12-25, 12-26. The
      // answer is submitted on 12-26 but awaits the head's approval over the weekend, so Mon 12-29
      // still has an overdue card; approved after that sweep: no more answer reminders.
      card('2025-12-19', 'notice', 'answer@jtw', '2025-12-26', 7, JTW_LIAISONS),
      card('2025-12-25', 'warning', 'answer@jtw', '2025-12-26', 1, JTW_ALL),
      card('2025-12-26', 'warning', 'answer@jtw', '2025-12-26', 0, JTW_ALL),
      card('2025-12-29', 'overdue', 'answer@jtw', '2025-12-26', -3, JTW_ALL),

      // ── 代表评价 (evaluation), round 1: 20 working days from the approval on 12-29 → 12-30, 12-31,
      // (New Year 01-01..03 off) Sun 01-04 make-up, 01-05..09, 01-12..16, 01-19..23, 01-26, 01-27:
      // due Tue 2026-01-27. The deputies are reminded (they evaluate): notice 01-20, warnings 01-26
      // and 01-27. Not the unit's obligation: never overdue. d01 evaluates on 01-27.
      card('2026-01-20', 'notice', 'evaluation@jtw', '2026-01-27', 7, DEPUTIES),
      card('2026-01-26', 'warning', 'evaluation@jtw', '2026-01-27', 1, DEPUTIES),
      card('2026-01-27', 'warning', 'evaluation@jtw', '2026-01-27', 0, DEPUTIES),

      // ── 承诺事项 A, due Fri 2026-02-13 (the day before the make-up Saturday). Notice on 02-06
      // (13 − 7, a working day); warnings 02-12 and 02-13; overdue on the make-up Saturday 02-14 (1),
      // nothing during the Spring Festival 02-15..23, then 02-24 (2), 02-25 (3: escalation), 02-26 (4),
      // 02-27 (5), Sat 02-28 make-up (6), 03-02 (7), 03-03 (8), 03-04 (9), 03-05 (10: 督办通知).
      // Marked done on 03-05 after the sweep.
      card('2026-02-06', 'notice', 'commitment@jtw', '2026-02-13', 7, JTW_LIAISONS),
      card('2026-02-12', 'warning', 'commitment@jtw', '2026-02-13', 1, JTW_ALL),
      card('2026-02-13', 'warning', 'commitment@jtw', '2026-02-13', 0, JTW_ALL),
      card('2026-02-14', 'overdue', 'commitment@jtw', '2026-02-13', -1, JTW_ALL),
      card('2026-02-24', 'overdue', 'commitment@jtw', '2026-02-13', -11, JTW_ALL),
      card('2026-02-25', 'overdue', 'commitment@jtw', '2026-02-13', -12, JTW_ALL),
      urgent('2026-02-25', 'app', 'commitment@jtw', '2026-02-13', JTW_ALL),
      supervisors('2026-02-25', 'escalation', 'commitment@jtw', '2026-02-13', -12),
      card('2026-02-26', 'overdue', 'commitment@jtw', '2026-02-13', -13, JTW_ALL),
      card('2026-02-27', 'overdue', 'commitment@jtw', '2026-02-13', -14, JTW_ALL),
      card('2026-02-28', 'overdue', 'commitment@jtw', '2026-02-13', -15, JTW_ALL),
      card('2026-03-02', 'overdue', 'commitment@jtw', '2026-02-13', -17, JTW_ALL),
      card('2026-03-03', 'overdue', 'commitment@jtw', '2026-02-13', -18, JTW_ALL),
      card('2026-03-04', 'overdue', 'commitment@jtw', '2026-02-13', -19, JTW_ALL),
      card('2026-03-05', 'overdue', 'commitment@jtw', '2026-02-13', -20, JTW_ALL),
      supervisors('2026-03-05', 'escalation2', 'commitment@jtw', '2026-02-13', -20),

      // ── 承诺事项 B, due Tue 2026-02-24. Its notice day (02-17) is in the holiday; the first working
      // day after it is 02-24, the due day itself, so no separate notice. The working day before is
      // the make-up Saturday 02-14 (10 days ahead): warning then, and on 02-24. Done on 02-24.
      card('2026-02-14', 'warning', 'commitment@jtw', '2026-02-24', 10, JTW_ALL),
      card('2026-02-24', 'warning', 'commitment@jtw', '2026-02-24', 0, JTW_ALL),

      // ── 重新办理答复 (re-handled answer): 2 months from the evaluation on 01-27 → Fri 2026-03-27.
      // Notice 03-20; warnings 03-26 and 03-27; answered and approved on 03-27.
      card('2026-03-20', 'notice', 'rehandle_answer@jtw', '2026-03-27', 7, JTW_LIAISONS),
      card('2026-03-26', 'warning', 'rehandle_answer@jtw', '2026-03-27', 1, JTW_ALL),
      card('2026-03-27', 'warning', 'rehandle_answer@jtw', '2026-03-27', 0, JTW_ALL),

      // ── 代表评价, round 2: 20 working days from 03-27 → 03-30..04-03, (Qingming 04-04..06 off)
      // 04-07..10, 04-13..17, 04-20..24, 04-27: due Mon 2026-04-27. Notice 04-20; d01 evaluates on
      // 04-21 and the suggestion is closed: no warnings.
      card('2026-04-20', 'notice', 'evaluation@jtw', '2026-04-27', 7, DEPUTIES),

      // ── 承诺事项 C, due Tue 2026-06-30, on a closed suggestion (SPEC §3: open commitments keep being
      // tracked). Notice 06-23; warnings Mon 06-29 and 06-30; overdue 07-01; done on 07-01.
      card('2026-06-23', 'notice', 'commitment@jtw', '2026-06-30', 7, JTW_LIAISONS),
      card('2026-06-29', 'warning', 'commitment@jtw', '2026-06-30', 1, JTW_ALL),
      card('2026-06-30', 'warning', 'commitment@jtw', '2026-06-30', 0, JTW_ALL),
      card('2026-07-01', 'overdue', 'commitment@jtw', '2026-06-30', -1, JTW_ALL),
    ];
    const reminders = lines.filter((l) => !isBoardPatch(l));
    expect.soft(sorted(reminders)).toEqual(sorted(expected));

    // The status board: the light the board shows (src/core/deadlines/deadlines.ts lightOf: red when an
    // obligation — anything but the re-assignment window — has passed, yellow when one is due within
    // 7 days, else blue), as the 09:00 sweep of each working day finds it; a change is reported once
    // and queues one patch of the board. Closed on 04-21: no more.
    // The sweep reports what time alone changes (blue→yellow within 7 days, →red when a deadline
    // passes) — of the unit's obligations: the deputy's evaluation colours nothing. Every change of state (import, signing, answering…) records the light its refreshed
    // board shows, so the returns to yellow or blue after an action are not the sweep's to report.
    const expectedLights = [
      '2025-09-30 yellow→red', // sign overdue (yellow since the import: sign due 09-29)
      '2025-10-31 yellow→red', // first contact overdue (yellow since the opinion on 10-27)
      '2025-12-19 blue→yellow', // answer due 12-26 (blue since the contact on 11-04)
      '2025-12-27 yellow→red', // answer overdue (awaiting approval): the board turns red on the Saturday, the reminders wait for Monday
      '2026-02-06 blue→yellow', // promise A due 02-13 (blue since the evaluation on 01-27)
      '2026-02-14 yellow→red', // promise A overdue
      '2026-03-20 blue→yellow', // re-handled answer due 03-27 (blue since A was done on 03-05)
    ];
    expect.soft(lights).toEqual(expectedLights);
    expect.soft(lines.filter(isBoardPatch).map((l) => l.slice(0, 10))).toEqual(expectedLights.map((l) => l.slice(0, 10)));

    // No reminder on a rest day (weekends and holidays), but yes on the make-up working days; the
    // board's light follows the days all the same (it pings nobody).
    for (const line of lines.filter((l) => !isBoardPatch(l))) expect(calendar.isWorkingDay(line.slice(0, 10)), line).toBe(true);
    for (const r of results.filter((x) => !x.workingDay)) expect(r).toMatchObject({ reminders: [] });
    const sweptOn = (day: string) => results.find((r) => r.today === day)!;
    expect(['2025-10-01', '2025-10-08', '2025-10-12', '2026-01-01', '2026-02-16', '2026-02-23', '2026-04-06'].map((d) => sweptOn(d).workingDay)).toEqual([
      false, false, false, false, false, false, false,
    ]);
    expect(['2025-09-28', '2025-10-11', '2026-01-04', '2026-02-14', '2026-02-28'].map((d) => sweptOn(d).workingDay)).toEqual([true, true, true, true, true]);
    for (const makeUp of ['2025-09-28', '2025-10-11', '2026-02-14', '2026-02-28']) expect(reminders.some((l) => l.startsWith(makeUp)), makeUp).toBe(true);

    // Each deadline stops the moment what it waits for happens, and a closed suggestion gets only
    // its open commitment's reminders.
    const lastDayOf = (part: string) => reminders.filter((l) => l.includes(part)).at(-1)?.slice(0, 10);
    expect(lastDayOf(' sign@jtw ')).toBe('2025-10-20');
    expect(lastDayOf(' co_opinion@cgj ')).toBe('2025-10-27');
    expect(lastDayOf(' first_contact@jtw ')).toBe('2025-11-04');
    expect(lastDayOf(' answer@jtw ')).toBe('2025-12-29');
    expect(lastDayOf(' rehandle_answer@jtw ')).toBe('2026-03-27');
    expect(lastDayOf(' evaluation@jtw ')).toBe('2026-04-20');
    expect(reminders.filter((l) => l.slice(0, 10) > '2026-04-21').every((l) => l.includes(' commitment@jtw due 2026-06-30 '))).toBe(true);
    expect(reminders.filter((l) => l.slice(0, 10) > '2026-07-01')).toEqual([]);

    // Every reminder the sweeps reported was written, each with its key once in reminders_sent;
    // urgent rides on a card, so it has no key of its own.
    const reported = results.flatMap((r) => r.reminders);
    const keyed = w.db.select().from(schema.remindersSent).all();
    expect(keyed.map((k) => k.key).sort()).toEqual(reported.map((r) => r.key).sort());
    expect(reported.length).toBe(reminders.filter((l) => !l.includes(' urgent ')).length);

    // The cards: group cards @-mention their recipients and show the deadline; the escalations
    // go to the supervisors' group on the day's gathered card, which mentions no one and marks
    // 督办通知.
    const payloads = w.db
      .select()
      .from(schema.outbox)
      .all()
      .map((r) => r.payload as OutboxPayload);
    const cards = payloads.filter((p): p is Extract<OutboxPayload, { kind: 'send_card' }> => p.kind === 'send_card' && p.model?.kind === 'reminder');
    const escalations = reported.filter((r) => r.toSupervisors);
    expect(cards).toHaveLength(reported.length - escalations.length);
    const gathered = payloads.filter((p): p is Extract<OutboxPayload, { kind: 'send_card' }> => p.kind === 'send_card' && p.model?.kind === 'escalations');
    expect(new Set(gathered.map((g) => g.model?.kind === 'escalations' && g.model.today)).size, 'one card per sweep day').toBe(gathered.length);
    for (const g of gathered) {
      if (g.model?.kind !== 'escalations') throw new Error('not an escalations card');
      expect(g.chatId).toBe(SUPERVISORS_CHAT);
      const json = JSON.stringify(renderEscalationsCard(g.model));
      expect(json).not.toContain('<at ');
      expect(renderEscalationsCard(g.model).header.template).toBe('red');
      for (const i of g.model.units.flatMap((u) => u.items)) if (i.level === 'escalation2') expect(json).toContain(`【督办通知】`);
    }
    expect(gathered.flatMap((g) => (g.model?.kind === 'escalations' ? g.model.units.flatMap((u) => u.items) : [])).length).toBe(escalations.length);
    const COLOUR = { notice: 'blue', warning: 'yellow', overdue: 'red', escalation: 'red', escalation2: 'red' } as const;
    for (const { model, chatId } of cards) {
      if (model?.kind !== 'reminder') throw new Error('not a reminder');
      const rendered = renderCard(model);
      const json = JSON.stringify(rendered);
      expect(rendered.header.template).toBe(COLOUR[model.level]);
      expect(json).toContain(`**期限**：${model.deadline.label.zh_cn} · ${model.deadline.due}`);
      if (chatId === undefined) {
        expect(model.mentions.length).toBeGreaterThan(0);
        for (const openId of model.mentions) expect(json).toContain(`<at id=${openId}></at>`);
      } else {
        throw new Error(`a reminder card to another chat: ${chatId}`);
      }
    }

    expect(elapsed, 'the year walk should take seconds').toBeLessThan(15_000);
  });
});

describe('idempotency: each reminder once, whatever happens to the sweep', () => {
  // The sample world: 30 suggestions assigned on Tue 2026-02-10; their sign deadlines are due Thu
  // 02-12 (2 working days), so the 09:00 sweep on Wed 02-11 warns every unit that has not signed.
  const DAY = '2026-02-11';
  const reminderCards = (db: NodeDb) => db.select().from(schema.cardMessages).where(eq(schema.cardMessages.kind, 'reminder')).all();
  const reminderRows = (db: NodeDb) =>
    db
      .select()
      .from(schema.outbox)
      .all()
      .filter((r) => r.kind === 'send_card' && (r.payload as { model?: { kind: string } }).model?.kind === 'reminder');

  /** Every planned key has exactly one reminder card and one outbox row; nothing else was sent. */
  function expectEachOnce(db: NodeDb, plan: string[]) {
    const cards = reminderCards(db);
    expect(cards.map((c) => c.subjectId).sort()).toEqual(plan);
    const rows = reminderRows(db);
    expect(rows.map((r) => (r.payload as { cardMessageId: string }).cardMessageId).sort()).toEqual(cards.map((c) => c.id).sort());
    expect(db.select().from(schema.remindersSent).all().map((r) => r.key).sort()).toEqual(plan);
  }

  it('two sweeps at the same moment: the second sends nothing, and its dry run lists nothing', async () => {
    const w = await sampleWorld();
    const plan = (await sweep(sweepDeps(w.db), { now: nineAm(DAY), dryRun: true })).reminders.map((r) => r.key).sort();
    expect(plan.length).toBeGreaterThan(20);
    expect(plan.every((k) => k.includes('|sign|2026-02-12|warning|2026-02-11'))).toBe(true);

    const first = await sweepOn(w.db, DAY);
    expect(first.result.reminders.map((r) => r.key).sort()).toEqual(plan);
    expectEachOnce(w.db, plan);
    const after = footprint(w.db);

    expect(await sweep(sweepDeps(w.db), { now: nineAm(DAY), dryRun: true })).toMatchObject({ reminders: [], lights: [] });
    const second = await sweepOn(w.db, DAY);
    expect(second.result).toMatchObject({ reminders: [], lights: [] });
    expect(second.written.lines).toEqual([]);
    expect(footprint(w.db)).toEqual(after);
    // Later the same day (the on-demand sweep at 15:00): still nothing.
    expect((await sweep(sweepDeps(w.db), { now: new Date(`${DAY}T07:00:00Z`), dryRun: false })).reminders).toEqual([]);
    expect(footprint(w.db)).toEqual(after);
  });

  it('two sweeps in two processes, each on its own connection, racing for the same reminders: each is sent once', async () => {
    const w = await sampleWorld();
    const plan = (await sweep(sweepDeps(w.db), { now: nineAm(DAY), dryRun: true })).reminders.map((r) => r.key).sort();
    expect(plan.length).toBeGreaterThan(20);

    // Hold the write lock while both children read, so both plan every reminder before either can
    // write: a real race for the same keys, not one sweep after the other.
    w.db.$client.exec('BEGIN IMMEDIATE');
    let children: ReturnType<typeof sweepInChildProcess>[] = [];
    try {
      children = [sweepInChildProcess(w.path, nineAm(DAY)), sweepInChildProcess(w.path, nineAm(DAY))];
      await Promise.all(children.map((c) => c.ready));
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      w.db.$client.exec('ROLLBACK');
    }
    const [a, b] = await Promise.all(children.map((c) => c.done));
    // Each child reports what it actually sent: together everything, none of it twice.
    expect([...a!.planned, ...b!.planned].sort()).toEqual(plan);
    expectEachOnce(w.db, plan);
    // And a third sweep afterwards has nothing left to send.
    expect((await sweepOn(w.db, DAY)).written.lines).toEqual([]);
  });

  it('two connections interleaved: one sweep reads, the other sweeps completely, then the first writes — nothing twice', async () => {
    const w = await sampleWorld();
    const other = openDatabase(w.path);
    let inner: SweepResult | undefined;
    // The first sweep has read what is due when it first pauses (before its first slice); the
    // whole second one runs there.
    const before = maxOutboxSeq(w.db);
    const outer = await sweep(sweepDeps(w.db), {
      now: nineAm(DAY),
      dryRun: false,
      pause: async () => {
        inner ??= await sweep(sweepDeps(other), { now: nineAm(DAY), dryRun: false });
      },
    });
    const plan = inner!.reminders.map((r) => r.key).sort();
    expect(plan.length).toBeGreaterThan(20);
    // The outer sweep planned the same reminders but found every one claimed: it reports none.
    expect(outer.reminders).toEqual([]);
    expect(outer.lights).toEqual([]);
    expectEachOnce(w.db, plan);

    // Light changes are claimed like reminders: each board is patched once.
    const patches = writtenSince(w.db, before, DAY).lines.filter(isBoardPatch);
    expect(patches).toHaveLength(inner!.lights.length);
    other.$client.close();
  });

  it('a sweep that crashes inside a slice keeps the slices before it whole and nothing of that one; the next one sends the rest once', async () => {
    const w = await sampleWorld();
    const plan = (await sweep(sweepDeps(w.db), { now: nineAm(DAY), dryRun: true })).reminders.map((r) => r.key).sort();
    expect(plan.length).toBeGreaterThan(20);
    const seq = maxOutboxSeq(w.db);
    // Slices of 4 suggestions (a reminder or two each here); the 11th outbox row of this sweep
    // fails, inside a slice after the first committed.
    w.db.$client.exec(`CREATE TEMP TRIGGER crash_midway BEFORE INSERT ON main.outbox
      WHEN (SELECT count(*) FROM main.outbox WHERE seq > ${seq}) >= 10
      BEGIN SELECT RAISE(ABORT, 'crash in the middle of the sweep'); END`);
    const slices: number[] = [];
    await expect(sweep({ ...sweepDeps(w.db), onTransactionOpen: (n) => slices.push(n) }, { now: nineAm(DAY), dryRun: false, sliceSuggestions: 4 })).rejects.toThrow(/crash in the middle of the sweep/);
    expect(slices.length).toBeGreaterThan(1);
    // Each reminder sent so far has its key, its card and its outbox row, and nothing else was written.
    const sentSoFar = w.db.select().from(schema.remindersSent).all().map((r) => r.key).sort();
    expect(sentSoFar.length).toBeGreaterThan(0);
    expect(sentSoFar.length).toBeLessThan(plan.length);
    expectEachOnce(w.db, sentSoFar);
    expect(sentSoFar.every((k) => plan.includes(k))).toBe(true);

    w.db.$client.exec('DROP TRIGGER crash_midway');
    const next = await sweepOn(w.db, DAY);
    expect(next.result.reminders.map((r) => r.key).sort()).toEqual(plan.filter((k) => !sentSoFar.includes(k)));
    expectEachOnce(w.db, plan);
    expect((await sweepOn(w.db, DAY)).written.lines).toEqual([]);
  });
});

describe('nothing for a closed, withdrawn or answered item', () => {
  it('a withdrawn suggestion gets nothing, even with a stale deadline index', async () => {
    const w = await sampleWorld();
    const id = w.suggestionId('0001');
    const index = w.db.select().from(schema.openDeadlines).where(eq(schema.openDeadlines.suggestionId, id)).all();
    expect(index.map((d) => d.kind).sort()).toEqual(['answer', 'co_opinion', 'first_contact', 'reassign_window', 'reassign_window', 'sign', 'sign']);
    w.setNow(at10('2026-02-10'));
    w.act(supervisor, { type: 'withdraw_suggestion', suggestionId: id, reason: '代表撤回' });
    expect(w.db.select().from(schema.openDeadlines).where(eq(schema.openDeadlines.suggestionId, id)).all()).toEqual([]);

    const before = maxOutboxSeq(w.db);
    // Sign warnings (02-11, 02-12), overdue (02-13, Sat make-up 02-14, 02-24…), escalation (02-24).
    for (const day of daysFrom('2026-02-10', '2026-02-25')) await sweepOn(w.db, day);
    const rows = w.db.select().from(schema.outbox).all().filter((r) => r.seq > before);
    // Control: the others are reminded (0002, assigned the same day, gets its sign warnings).
    expect(rows.some((r) => r.suggestionId === w.suggestionId('0002'))).toBe(true);
    expect(rows.filter((r) => r.suggestionId === id)).toEqual([]);
    expect(w.db.select().from(schema.remindersSent).where(eq(schema.remindersSent.suggestionId, id)).all()).toEqual([]);

    // A stale index (its rows put back) still sends nothing for a withdrawn suggestion.
    w.db.insert(schema.openDeadlines).values(index).run();
    expect((await sweep(sweepDeps(w.db), { now: nineAm('2026-02-26'), dryRun: true })).reminders.filter((r) => r.suggestionId === id)).toEqual([]);
    const { written } = await sweepOn(w.db, '2026-02-26');
    expect(written.rows.filter((r) => r.suggestionId === id)).toEqual([]);
  });

  it('answer reminders continue while the answer awaits approval or is returned, and stop once it is approved', async () => {
    const w = oneSuggestionWorld({ ...SUGGESTION_0901, number: '0902', co: [], deputies: ['d01'] });
    const lead = () => w.assignment('jtw').id;
    const answerId = () => w.aggregate().answers.at(-1)!.id;
    w.actAt(at10('2025-09-26'), jtw.liaison, { type: 'sign', assignmentId: lead() });
    w.actAt(at10('2025-09-26'), jtw.liaison, { type: 'record_contact', assignmentId: lead(), method: 'face_to_face', date: '2025-09-26', note: '面商' });
    const { reminders } = await walk(w.db, daysFrom('2025-12-15', '2026-01-31'), {
      // Submitted before the warnings, with a promise due 2026-01-15…
      '2025-12-24': () =>
        w.actAt(at10('2025-12-24'), jtw.liaison, {
          type: 'submit_answer',
          assignmentId: lead(),
          resultClass: 'B',
          summary: '列入计划',
          public: true,
          commitments: [{ dueOn: '2026-01-15', content: '完成调研' }],
        }),
      // …returned by the head (the promise lapses with it)…
      '2025-12-25': () => w.actAt(at10('2025-12-25'), jtw.head, { type: 'return_answer', answerId: answerId(), reason: '请补充数据' }),
      // …submitted again on the due day and approved.
      '2025-12-26': () => {
        w.actAt(at10('2025-12-26'), jtw.liaison, { type: 'submit_answer', assignmentId: lead(), resultClass: 'B', summary: '列入计划（补充数据）', public: true, commitments: [] });
        w.actAt('2025-12-26T03:00:00Z', jtw.head, { type: 'approve_answer', answerId: answerId() });
      },
    });
    expect(w.aggregate().commitments.map((c) => c.state)).toEqual(['void']);
    const { card } = expectedLines('0902');
    expect(reminders).toEqual([
      // Answer due Fri 2025-12-26: notice 12-19 (nothing was pending before it).
      card('2025-12-19', 'notice', 'answer@jtw', '2025-12-26', 7, JTW_LIAISONS),
      // Awaiting approval is not answered: the warning still comes.
      card('2025-12-25', 'warning', 'answer@jtw', '2025-12-26', 1, JTW_ALL),
      // Returned, so open again: the due-day warning.
      card('2025-12-26', 'warning', 'answer@jtw', '2025-12-26', 0, JTW_ALL),
      // Approved on 12-26 (11:00): no overdue on 12-29. The deputy's evaluation: 20 working days from
      // 12-26 → 12-29..31, Sun 01-04 (make-up), 01-05..09, 01-12..16, 01-19..23, 01-26: due Mon
      // 2026-01-26; notice 01-19, warnings Fri 01-23 and 01-26, to the deputy. The voided promise
      // (due 01-15) is never reminded.
      card('2026-01-19', 'notice', 'evaluation@jtw', '2026-01-26', 7, 'd01'),
      card('2026-01-23', 'warning', 'evaluation@jtw', '2026-01-26', 3, 'd01'),
      card('2026-01-26', 'warning', 'evaluation@jtw', '2026-01-26', 0, 'd01'),
    ]);
  });

  // SPEC §3: "Open commitments keep being tracked after closing." The code tracks every commitment
  // that is neither done (claimed) nor void — confirmed or still only proposed — on a closed
  // suggestion, and nothing else.
  for (const confirmed of [true, false]) {
    it(`a closed suggestion gets nothing but the reminders of its open ${confirmed ? 'confirmed' : 'unconfirmed (proposed)'} commitment`, async () => {
      const w = oneSuggestionWorld({ ...SUGGESTION_0901, number: '0903', co: [], deputies: ['d01'] });
      const lead = () => w.assignment('jtw').id;
      const answerId = () => w.aggregate().answers.at(-1)!.id;
      const run: Record<string, () => void> = {
        // Everything on the first day: signed, contacted, answered with a promise due Tue 09-30,
        // approved, evaluated: closed.
        '2025-09-26': () => {
          w.actAt(at10('2025-09-26'), jtw.liaison, { type: 'sign', assignmentId: lead() });
          w.actAt(at10('2025-09-26'), jtw.liaison, { type: 'record_contact', assignmentId: lead(), method: 'visit', date: '2025-09-26', note: '实地察看' });
          w.actAt(at10('2025-09-26'), jtw.liaison, {
            type: 'submit_answer',
            assignmentId: lead(),
            resultClass: 'A',
            summary: '已采纳',
            public: true,
            commitments: [{ dueOn: '2025-09-30', content: '调整站点' }],
          });
          w.actAt(at10('2025-09-26'), jtw.head, { type: 'approve_answer', answerId: answerId() });
          if (confirmed) w.actAt(at10('2025-09-26'), d01, { type: 'confirm_commitments', answerId: answerId() });
          w.actAt(at10('2025-09-26'), d01, { type: 'evaluate', answerId: answerId(), grade: 'satisfied' });
          expect(w.aggregate().suggestion.status).toBe('closed');
        },
        // Done on 10-13 (a proposed promise is confirmed by the deputy first: only then can it be marked done).
        '2025-10-13': () => {
          if (!confirmed) w.actAt(at10('2025-10-13'), d01, { type: 'confirm_commitments', answerId: answerId() });
          w.actAt(at10('2025-10-13'), jtw.liaison, { type: 'claim_commitment_done', commitmentId: w.aggregate().commitments[0]!.id, evidence: '已调整' });
        },
      };
      const { reminders, results } = await walk(w.db, daysFrom('2025-09-26', '2025-12-31'), run);
      const { card, urgent, supervisors } = expectedLines('0903');
      expect(reminders).toEqual([
        // Promise due Tue 2025-09-30, made on 09-26 (its notice day 09-23 had passed). Warnings on
        // the working day before (Mon 09-29) and on the day; overdue 10-09 (1), 10-10 (2), Sat 10-11
        // make-up (3: escalation), 10-13 (4); marked done on 10-13. Nothing else: sign, first
        // contact, answer and evaluation deadlines all closed on 09-26.
        card('2025-09-29', 'warning', 'commitment@jtw', '2025-09-30', 1, JTW_ALL),
        card('2025-09-30', 'warning', 'commitment@jtw', '2025-09-30', 0, JTW_ALL),
        card('2025-10-09', 'overdue', 'commitment@jtw', '2025-09-30', -9, JTW_ALL),
        card('2025-10-10', 'overdue', 'commitment@jtw', '2025-09-30', -10, JTW_ALL),
        card('2025-10-11', 'overdue', 'commitment@jtw', '2025-09-30', -11, JTW_ALL),
        urgent('2025-10-11', 'app', 'commitment@jtw', '2025-09-30', JTW_ALL),
        supervisors('2025-10-11', 'escalation', 'commitment@jtw', '2025-09-30', -11),
        card('2025-10-13', 'overdue', 'commitment@jtw', '2025-09-30', -13, JTW_ALL),
      ]);
      // The sweep of 09-26 (before closing) saw the sign deadline in view; after closing, no lights.
      expect(results.slice(1).flatMap((r) => r.lights)).toEqual([]);
    });
  }
});

describe('the dry run', () => {
  it('lists what would be sent and why, and writes nothing', async () => {
    const w = oneSuggestionWorld({ ...SUGGESTION_0901, number: '0904', co: [], deputies: ['d01'] });
    const jtwAll = [...jtw.liaisons, jtw.head];
    const dry = async (day: string) => {
      const before = footprint(w.db);
      const result = await sweep(sweepDeps(w.db), { now: nineAm(day), dryRun: true });
      expect(footprint(w.db)).toEqual(before);
      expect(result).toMatchObject({ today: day, dryRun: true });
      return result;
    };

    // Sun 09-28, a make-up working day: the sign deadline (Mon 09-29) is 1 working day away.
    expect(await dry('2025-09-28')).toMatchObject({
      workingDay: true,
      reminders: [
        {
          kind: 'sign',
          level: 'warning',
          dueOn: '2025-09-29',
          day: '2025-09-28',
          daysLeft: 1,
          recipients: jtwAll,
          toSupervisors: false,
          why: { zh_cn: '【预警】签收期限 2025-09-29，还有 1 天', en_us: '[warning] sign for due 2025-09-29: 1 day left' },
        },
      ],
      // The import recorded the board's yellow already: no light to change.
      lights: [],
    });
    expect((await dry('2025-09-29')).reminders.map((r) => r.why.zh_cn)).toEqual(['【预警】签收期限 2025-09-29，今天到期']);
    // A rest day: no reminder; the board would still turn red (the sign deadline has passed).
    expect(await dry('2025-10-04')).toMatchObject({ workingDay: false, reminders: [], lights: [{ from: 'yellow', to: 'red' }] });

    // Fri 10-10 with nothing sent so far: 3 working days overdue (09-30, 10-09, 10-10), so the
    // day's overdue card and the escalation; and the re-assignment window's notice of 10-09 (due
    // 10-16, 6 days left), which no sweep has sent yet.
    const plan = await dry('2025-10-10');
    expect(plan.reminders).toMatchObject([
      {
        kind: 'sign',
        level: 'overdue',
        day: '2025-10-10',
        daysLeft: -11,
        workingDaysOverdue: 3,
        recipients: jtwAll,
        toSupervisors: false,
        why: { zh_cn: '【逾期】签收期限 2025-09-29，已逾期 3 个工作日', en_us: '[overdue] sign for due 2025-09-29: 3 working days overdue' },
      },
      {
        kind: 'sign',
        level: 'escalation',
        day: '2025-10-10',
        urgent: { channel: 'app', openIds: jtwAll },
        toSupervisors: true,
        why: { zh_cn: '【督办】签收期限 2025-09-29，已逾期 3 个工作日' },
      },
      {
        kind: 'reassign_window',
        level: 'notice',
        dueOn: '2025-10-16',
        day: '2025-10-09',
        daysLeft: 6,
        recipients: [...jtw.liaisons],
        toSupervisors: false,
      },
    ]);
    // The label already ends in 期限: the reason must not say it twice (申请改办期限期限).
    expect.soft(plan.reminders[2]!.why).toEqual({ zh_cn: '【提醒】申请改办期限 2025-10-16，还有 6 天', en_us: '[notice] re-assignment request window due 2025-10-16: 6 days left' });
    expect(plan.reminders[0]!.urgent).toBeUndefined();
    expect(await dry('2025-10-10')).toEqual(plan);

    // Sent for real at the same moment: exactly what the dry run listed.
    const { result, written } = await sweepOn(w.db, '2025-10-10');
    expect({ ...result, dryRun: true }).toEqual(plan);
    const { card, urgent, supervisors } = expectedLines('0904');
    expect(written.lines).toEqual([
      card('2025-10-10', 'overdue', 'sign@jtw', '2025-09-29', -11, JTW_ALL),
      urgent('2025-10-10', 'app', 'sign@jtw', '2025-09-29', JTW_ALL),
      '2025-10-10 card notice reassign_window@jtw due 2025-10-16 (+6) [day 2025-10-09] @jtw.liaison1,jtw.liaison2 «提醒 · 第0904号» 申请改办期限：如需申请改办，请在期限内提出',
      '2025-10-10 board patch',
      // The day's escalations are gathered on one card, queued after the slices (the groups' cards and boards).
      supervisors('2025-10-10', 'escalation', 'sign@jtw', '2025-09-29', -11),
    ]);
    // The card counts the days past due as the reminder does: 11 days, 3 of them working days
    // (the National Day holiday between), never only the calendar days the rules do not count.
    const overdueCard = w.db
      .select()
      .from(schema.outbox)
      .all()
      .map((r) => r.payload as OutboxPayload)
      .find((p) => p.kind === 'send_card' && p.model?.kind === 'reminder' && p.model.level === 'overdue');
    const rendered = JSON.stringify(renderCard((overdueCard as Extract<OutboxPayload, { kind: 'send_card' }>).model as Parameters<typeof renderCard>[0]));
    expect(rendered).toContain('已逾期 11 天（其中工作日 3 天）');
    expect(rendered).toContain('11 days overdue (working days: 3)');
    expect(await dry('2025-10-10')).toMatchObject({ reminders: [], lights: [] });
  });
});

describe('policies', () => {
  it('urgent SMS at 10 working days overdue only where the policy enables it; rest days only if it asks', async () => {
    const sms: Policy = { ...defaultPolicy, reminders: { ...defaultPolicy.reminders, urgentSms: true } };
    const w = oneSuggestionWorld({ ...SUGGESTION_0901, number: '0905', co: [], deputies: ['d01'] });
    const { reminders } = await walk(w.db, daysFrom('2025-10-17', '2025-10-20'), {}, sms);
    const { card, urgent, supervisors } = expectedLines('0905');
    expect(reminders).toEqual([
      // Fri 10-17 is the 9th working day overdue: the overdue card only (the escalation of 10-10 was
      // never sent — no sweep ran then — so it goes out now, on today's card).
      card('2025-10-17', 'overdue', 'sign@jtw', '2025-09-29', -18, JTW_ALL),
      '2025-10-17 urgent app on the overdue card of sign@jtw due 2025-09-29 @jtw.liaison1,jtw.liaison2,jtw.head',
      '2025-10-17 supervisors escalation sign@jtw due 2025-09-29 (-18) [day 2025-10-10] «第0905号» 签收',
      // Mon 10-20, the 10th: 督办通知 to the supervisors and, with this policy, urgent by SMS.
      card('2025-10-20', 'overdue', 'sign@jtw', '2025-09-29', -21, JTW_ALL),
      urgent('2025-10-20', 'sms', 'sign@jtw', '2025-09-29', JTW_ALL),
      supervisors('2025-10-20', 'escalation2', 'sign@jtw', '2025-09-29', -21),
    ]);

    // A policy that sends on rest days: the National Day holiday gets overdue cards too.
    const restDays: Policy = { ...defaultPolicy, reminders: { ...defaultPolicy.reminders, onRestDays: true } };
    const v = oneSuggestionWorld({ ...SUGGESTION_0901, number: '0906', co: [], deputies: ['d01'] });
    const onHoliday = await sweepOn(v.db, '2025-10-01', { deps: sweepDeps(v.db, restDays) });
    expect(onHoliday.result.workingDay).toBe(false);
    expect(onHoliday.written.lines.filter((l) => !isBoardPatch(l))).toEqual([expectedLines('0906').card('2025-10-01', 'overdue', 'sign@jtw', '2025-09-29', -2, JTW_ALL)]);
    expect((await sweepOn(v.db, '2025-10-02')).written.lines).toEqual([]);
  });
});

describe('the status board light', () => {
  it('turns yellow within 7 days of a deadline and red when one passes, reported once with a patch of the board', async () => {
    const w = oneSuggestionWorld({ ...SUGGESTION_0901, number: '0907', co: [], deputies: ['d01'] });
    const board = w.db
      .select()
      .from(schema.cardMessages)
      .all()
      .find((c) => c.kind === 'status_board' && c.subjectId === w.suggestionId)!;
    expect(board).toBeDefined();

    // 09-26: the sign deadline (09-29) is within 7 days: the import itself recorded yellow, the
    // light its board was posted with, so the sweep has nothing to change.
    expect(w.aggregate().suggestion.boardLight).toBe('yellow');
    const first = await sweepOn(w.db, '2025-09-26');
    expect(first.result.lights).toEqual([]);
    expect(first.written.rows.filter((r) => r.kind === 'patch_card')).toEqual([]);

    // Signed at 10:00: the board is redrawn by the change itself, and the light it shows is recorded
    // (blue: nothing due within 7 days, the re-assignment window never counts). The first contact is
    // due 2025-10-30: the sweep turns it yellow on 10-23 and red on 10-31, patching the board each time.
    w.actAt(at10('2025-09-26'), jtw.liaison, { type: 'sign', assignmentId: w.assignment('jtw').id });
    expect(w.aggregate().suggestion.boardLight).toBe('blue');
    const { lights, patchDays } = await walk(w.db, daysFrom('2025-09-27', '2025-11-03'));
    expect(lights).toEqual(['2025-10-23 blue→yellow', '2025-10-31 yellow→red']);
    expect(patchDays).toEqual(['2025-10-23', '2025-10-31']);
    expect(board.id).toMatch(/^cd_/);
    expect(w.aggregate().suggestion.boardLight).toBe('red');
  });
});

describe('the answer-deadline extension', () => {
  const extend = (assignmentId: string, until: string, reason = '涉及多部门协调，需延期答复'): Command => ({ type: 'extend_answer_deadline', assignmentId, until, reason });

  /** Runs `command` and returns its refusal (the aggregate must not change). */
  function refusal(w: ReturnType<typeof oneSuggestionWorld>, actor: string, command: Command) {
    const before = w.aggregate();
    try {
      w.actAt(at10('2025-12-22'), actor, command);
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(w.aggregate()).toEqual(before);
      const audit = auditOfSuggestion(w.db, w.suggestionId).at(-1)!;
      expect(audit).toMatchObject({ outcome: 'refused', action: 'extend_answer_deadline' });
      return error as DomainError;
    }
    throw new Error(`${JSON.stringify(command)} by ${actor} should be refused`);
  }

  it('a supervisor extends once, after the current due and at most 6 months from assignment, with a reason; the reminders follow', async () => {
    // Assigned 2025-09-26: answer due 2025-12-26 (3 months); 6 months → 2026-03-26, a Thursday.
    const w = oneSuggestionWorld({ ...SUGGESTION_0901, number: '0908' });
    const lead = w.assignment('jtw').id;
    const co = w.assignment('cgj').id;
    w.actAt(at10('2025-09-26'), jtw.liaison, { type: 'sign', assignmentId: lead });
    w.actAt(at10('2025-09-26'), cgj.liaison, { type: 'sign', assignmentId: co });
    w.actAt(at10('2025-09-26'), cgj.liaison, { type: 'submit_opinion', assignmentId: co, opinion: '同意' });
    w.actAt(at10('2025-09-26'), jtw.liaison, { type: 'record_contact', assignmentId: lead, method: 'phone', date: '2025-09-26', note: '电话' });

    expect(refusal(w, jtw.liaison, extend(lead, '2026-02-13'))).toMatchObject({ code: 'forbidden', zh: '仅督办人员可批准延期答复' });
    expect(refusal(w, jtw.head, extend(lead, '2026-02-13')).code).toBe('forbidden');
    expect(refusal(w, d01, extend(lead, '2026-02-13')).code).toBe('forbidden');
    expect(refusal(w, supervisor, extend(co, '2026-02-13'))).toMatchObject({ code: 'invalid_state', zh: '协办单位没有答复期限' });
    expect(refusal(w, supervisor, extend(lead, '2025-12-26'))).toMatchObject({ code: 'invalid_input', zh: '延期后的期限应晚于原期限 2025-12-26' });
    expect(refusal(w, supervisor, extend(lead, '2026-03-27'))).toMatchObject({ code: 'invalid_input', zh: '延期后的期限不能晚于 2026-03-26（自交办起最长六个月）' });
    expect(refusal(w, supervisor, extend(lead, '2026-02-30')).code).toBe('invalid_input');
    expect(refusal(w, supervisor, extend(lead, '2026-02-13', '  '))).toMatchObject({ code: 'invalid_input', zh: '请填写延期理由' });

    const answerLines: string[] = [];
    const collect = async (from: string, to: string, actions: Record<string, () => void> = {}) =>
      answerLines.push(...(await walk(w.db, daysFrom(from, to), actions)).reminders.filter((l) => l.includes(' answer@jtw ')));
    await collect('2025-12-15', '2025-12-22', {
      // Mon 12-22, after the notice of 12-19: extended to Fri 2026-02-13, before the Spring Festival.
      '2025-12-22': () => {
        const { audit } = w.actAt(at10('2025-12-22'), supervisor, extend(lead, '2026-02-13'));
        expect(audit).toEqual([
          expect.objectContaining({
            action: 'extend_answer_deadline',
            actorRole: 'supervisor',
            message: '涉及多部门协调，需延期答复',
            details: { from: '2025-12-26', until: '2026-02-13', asked: '2026-02-13' },
          }),
        ]);
      },
    });
    expect(auditOfSuggestion(w.db, w.suggestionId).filter((a) => a.action === 'extend_answer_deadline' && a.outcome === 'ok')).toHaveLength(1);
    const answerDeadline = w.db.select().from(schema.openDeadlines).all().find((d) => d.kind === 'answer')!;
    expect(answerDeadline.dueOn).toBe('2026-02-13');
    expect((answerDeadline.explanation as { zh_cn: string }).zh_cn).toBe('自 2025-09-26 起 3 个月，届满日 2025-12-26；经督办人员批准延期至 2026-02-13');

    // Once only; and not once answered.
    expect(refusal(w, supervisor, extend(lead, '2026-03-26'))).toMatchObject({ code: 'conflict', zh: '答复期限已延期至 2026-02-13，只能延期一次' });

    await collect('2025-12-23', '2026-03-13', {
      // Answered on Sat 02-14 (a make-up working day), after that morning's overdue card.
      '2026-02-14': () => {
        w.actAt(at10('2026-02-14'), jtw.liaison, { type: 'submit_answer', assignmentId: lead, resultClass: 'B', summary: '列入计划', public: true, commitments: [] });
        w.actAt('2026-02-14T03:00:00Z', jtw.head, { type: 'approve_answer', answerId: w.aggregate().answers[0]!.id });
      },
    });
    expect(refusal(w, supervisor, extend(lead, '2026-03-26')).code).toBe('invalid_state');

    const { card } = expectedLines('0908');
    expect(answerLines).toEqual([
      card('2025-12-19', 'notice', 'answer@jtw', '2025-12-26', 7, JTW_LIAISONS),
      // Nothing for 12-26 any more (no warnings 12-25, 12-26, no overdue 12-29). New due Fri
      // 2026-02-13: notice 02-06, warnings 02-12 and 02-13, overdue on the make-up Saturday 02-14.
      card('2026-02-06', 'notice', 'answer@jtw', '2026-02-13', 7, JTW_LIAISONS),
      card('2026-02-12', 'warning', 'answer@jtw', '2026-02-13', 1, JTW_ALL),
      card('2026-02-13', 'warning', 'answer@jtw', '2026-02-13', 0, JTW_ALL),
      card('2026-02-14', 'overdue', 'answer@jtw', '2026-02-13', -1, JTW_ALL),
    ]);
    // The reminder card explains the extension.
    const notice = w.db
      .select()
      .from(schema.outbox)
      .all()
      .map((r) => r.payload as OutboxPayload)
      .find((p) => p.kind === 'send_card' && p.model?.kind === 'reminder' && p.model.deadline.due === '2026-02-13');
    expect(JSON.stringify(notice)).toContain('经督办人员批准延期至 2026-02-13');
  });

  it('may extend to exactly 6 months from assignment', () => {
    const w = oneSuggestionWorld({ ...SUGGESTION_0901, number: '0909', co: [], deputies: ['d01'] });
    w.actAt(at10('2025-12-22'), supervisor, extend(w.assignment('jtw').id, '2026-03-26'));
    expect(w.db.select().from(schema.openDeadlines).all().find((d) => d.kind === 'answer')!.dueOn).toBe('2026-03-26');
  });

  it('an extension to a holiday ends on the next working day (Civil Code art. 203, as every other deadline), or is refused', async () => {
    // Sun 2026-02-15 is in the Spring Festival holiday: a deadline ending then ends on Tue 02-24.
    const w = oneSuggestionWorld({ ...SUGGESTION_0901, number: '0910', co: [], deputies: ['d01'] });
    const lead = w.assignment('jtw').id;
    w.actAt(at10('2025-09-26'), jtw.liaison, { type: 'sign', assignmentId: lead });
    w.actAt(at10('2025-09-26'), jtw.liaison, { type: 'record_contact', assignmentId: lead, method: 'phone', date: '2025-09-26', note: '电话' });
    let refused = false;
    try {
      w.actAt(at10('2025-12-22'), supervisor, extend(lead, '2026-02-15'));
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('invalid_input');
      refused = true;
    }
    if (!refused) {
      const lines = (await walk(w.db, daysFrom('2026-02-09', '2026-02-25'))).reminders.filter((l) => l.includes(' answer@jtw '));
      // Not overdue on 02-24, the first working day after the holiday: that is the last day.
      expect(lines.filter((l) => l.includes(' overdue ') && l.startsWith('2026-02-24'))).toEqual([]);
      expect(w.db.select().from(schema.openDeadlines).all().find((d) => d.kind === 'answer')!.dueOn).toBe('2026-02-24');
    }
  });
});
