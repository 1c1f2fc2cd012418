/**
 * The handling rhythm (SPEC §4, policy `rhythm`, on in `chongqing`): a year of daily 09:00 sweeps
 * with an injected clock over a real SQLite file, for a suggestion answered on the last working
 * day before its deadline and one answered early. Every rhythm prompt sent is listed with its day,
 * its recipients and what it says; and the rhythm sends nothing else: everything that is not a
 * rhythm prompt is exactly what the same year sends under the same policy without the rhythm.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CardModel } from '../src/adapters/cards/card-model.ts';
import type { OutboxPayload } from '../src/adapters/sqlite/outbox-payload.ts';
import * as schema from '../src/adapters/sqlite/schema.ts';
import { sweep } from '../src/app/sweep.ts';
import { BUILT_IN_POLICIES, type Policy } from '../src/core/deadlines/policy.ts';
import { daysFrom, maxOutboxSeq, names, nineAm, oneSuggestionWorld, sweepDeps, writtenSince } from './support/sweep-helpers.ts';
import { unit } from './support/world.ts';

const jtw = unit('jtw');
const chongqing = BUILT_IN_POLICIES.chongqing!;
const withoutRhythm: Policy = { ...chongqing, rhythm: null };
const at10 = (day: string) => `${day}T02:00:00Z`;

/** Runs a year of sweeps; `answerOn` is the day the lead unit's answer is submitted and approved. */
async function year(policy: Policy, number: string, answerOn: string) {
  const w = oneSuggestionWorld({ number, title: '关于优化公交线路的建议', assignedOn: '2026-03-02', lead: 'jtw', co: ['cgj'], deputies: ['d01'], importAt: '2026-03-02T00:30:00Z' });
  const lead = () => w.assignment('jtw').id;
  const rhythm: string[] = [];
  const others: string[] = [];
  for (const day of daysFrom('2026-03-02', '2027-02-28')) {
    if (day === '2026-03-03') w.actAt(at10(day), jtw.liaison, { type: 'sign', assignmentId: lead() });
    if (day === answerOn) {
      w.actAt(at10(day), jtw.liaison, { type: 'submit_answer', assignmentId: lead(), resultClass: 'B', summary: '列入计划', public: true, commitments: [] });
      w.actAt(`${day}T03:00:00Z`, jtw.head, { type: 'approve_answer', answerId: w.aggregate().answers.at(-1)!.id });
    }
    const seq = maxOutboxSeq(w.db);
    await sweep(sweepDeps(w.db, policy), { now: nineAm(day), dryRun: false });
    // A second sweep the same afternoon sends nothing again.
    await sweep(sweepDeps(w.db, policy), { now: new Date(`${day}T07:00:00Z`), dryRun: false });
    const written = writtenSince(w.db, seq, day);
    written.rows.forEach((row, i) => {
      const payload = row.payload as OutboxPayload;
      const card = payload.kind === 'send_card' ? w.db.select().from(schema.cardMessages).where(eq(schema.cardMessages.id, payload.cardMessageId)).get() : undefined;
      const prompt = card?.subjectId.split('|')[3];
      if (prompt?.startsWith('rhythm_')) {
        const model = payload.kind === 'send_card' ? (payload.model as Extract<CardModel, { kind: 'reminder' }>) : undefined;
        rhythm.push(`${day} ${prompt.slice('rhythm_'.length)} @${names(model!.mentions)} ${model!.level} ${model!.todo.zh_cn}${model!.withProgressButton ? ' [报告进展]' : ''}`);
      } else {
        others.push(written.lines[i]!);
      }
    });
  }
  return { rhythm, others };
}

const WEEKLY = '@jtw.liaison1,jtw.liaison2 notice 请报告本周办理进展 [报告进展]';
const DRAFT = '@jtw.liaison1,jtw.liaison2,jtw.head notice 请将答复初稿报单位负责人审核 [报告进展]';
const DAILY = '@jtw.liaison1,jtw.liaison2,jtw.head warning 答复期限临近，请抓紧办理、按时答复 [报告进展]';

describe('the handling rhythm over a year of sweeps (policy chongqing)', () => {
  it('answered on the last working day: every weekly prompt, the draft date, the last-week dailies — once each, working days only', async () => {
    // Assigned Mon 2026-03-02: the answer is due Tue 2026-06-02 (3 months); its last week starts
    // Tue 05-26, when the ladder sends its notice; the ladder warns Mon 06-01 and on 06-02.
    const { rhythm, others } = await year(chongqing, '0301', '2026-06-01');
    expect(rhythm).toEqual([
      `2026-03-09 weekly ${WEEKLY}`,
      `2026-03-16 weekly ${WEEKLY}`,
      `2026-03-23 weekly ${WEEKLY}`,
      `2026-03-30 weekly ${WEEKLY}`,
      // Mon 04-06 is the Qingming holiday: the week's first working day is Tue 04-07.
      `2026-04-07 weekly ${WEEKLY}`,
      `2026-04-13 weekly ${WEEKLY}`,
      `2026-04-20 weekly ${WEEKLY}`,
      `2026-04-27 weekly ${WEEKLY}`,
      // 05-01..05-05 is the Labour Day holiday: the week's first working day is Wed 05-06.
      `2026-05-06 weekly ${WEEKLY}`,
      // The internal draft date: assignment + 70 days = Mon 05-11.
      `2026-05-11 weekly ${WEEKLY}`,
      `2026-05-11 draft ${DRAFT}`,
      `2026-05-18 weekly ${WEEKLY}`,
      `2026-05-25 weekly ${WEEKLY}`,
      // The last week: Tue 05-26 is the ladder's notice, Mon 06-01 and Tue 06-02 its warnings; the
      // working days between get the rhythm's daily warning (not Sat 05-30 or Sun 05-31).
      `2026-05-27 daily ${DAILY}`,
      `2026-05-28 daily ${DAILY}`,
      `2026-05-29 daily ${DAILY}`,
    ]);
    // Nothing else: without the rhythm the same year sends exactly the other cards.
    expect(others).toEqual((await year(withoutRhythm, '0301', '2026-06-01')).others);
  });

  it('answered early: the prompts stop with the approval, no draft prompt, no dailies', async () => {
    const { rhythm, others } = await year(chongqing, '0302', '2026-04-15');
    expect(rhythm).toEqual([`2026-03-09 weekly ${WEEKLY}`, `2026-03-16 weekly ${WEEKLY}`, `2026-03-23 weekly ${WEEKLY}`, `2026-03-30 weekly ${WEEKLY}`, `2026-04-07 weekly ${WEEKLY}`, `2026-04-13 weekly ${WEEKLY}`]);
    expect(others).toEqual((await year(withoutRhythm, '0302', '2026-04-15')).others);
  });

  it('is off in the default policy', () => {
    expect(BUILT_IN_POLICIES.default!.rhythm).toBeNull();
    expect(chongqing.rhythm).toEqual({ weeklyPrompt: true, draftDays: 70, lastWeekDailies: true });
  });
});
