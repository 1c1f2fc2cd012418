/**
 * The deadlines an aggregate has open right now (SPEC §4), each with its due date and a
 * sentence saying how it was computed. A deadline disappears as soon as what it waits for
 * happens (signed, answered, evaluated…), which is what stops its reminders.
 */
import type { IsoDate, WorkingDayCalendar } from '../calendar/working-day-calendar.ts';
import { localDate } from '../clock.ts';
import { addCalendarDays, computeDeadline, type ComputedDeadline } from './deadline-rule.ts';
import { latestApprovedAnswer } from '../lifecycle/index.ts';
import type { AssignmentRow, SuggestionAggregate } from '../model.ts';
import type { DeadlineKind, Policy } from './policy.ts';

export interface Deadline extends ComputedDeadline {
  kind: DeadlineKind;
  assignmentId: string;
  unitId: string;
  /** The assignment, or the commitment for `commitment` deadlines. */
  subjectId: string;
  from: IsoDate;
}

export type Light = 'blue' | 'yellow' | 'red';

export interface DeadlineContext {
  policy: Policy;
  calendar: WorkingDayCalendar;
  timeZone: string;
}

const ANSWER_PENDING = new Set(['pending_sign', 'signed', 'reassign_requested', 'answer_pending_approval', 'answer_pending_review']);

export function openDeadlines(agg: SuggestionAggregate, ctx: DeadlineContext): Deadline[] {
  if (agg.suggestion.status === 'withdrawn') return [];
  const out: Deadline[] = [];
  const rules = ctx.policy.deadlines;
  const add = (kind: Exclude<DeadlineKind, 'commitment'>, a: AssignmentRow, from: IsoDate) => {
    const computed = computeDeadline(rules[kind], from, ctx.calendar);
    // A supervisor's extension (SPEC §4) replaces the answer deadline.
    if (kind === 'answer' && a.answerDueExtendedTo) {
      computed.due = a.answerDueExtendedTo;
      computed.explanation = {
        zh_cn: `${computed.explanation.zh_cn}；经督办人员批准延期至 ${a.answerDueExtendedTo}`,
        en_us: `${computed.explanation.en_us}; extended by a supervisor to ${a.answerDueExtendedTo}`,
      };
    }
    out.push({ kind, assignmentId: a.id, unitId: a.unitId, subjectId: a.id, from, ...computed });
  };

  for (const a of agg.assignments) {
    const answering = a.role !== 'co';
    if (a.state === 'pending_sign') add('sign', a, a.assignedOn);
    if (a.state === 'pending_sign' || a.state === 'signed') add('reassign_window', a, a.assignedOn);
    if (answering && !['closed', 'closed_unsatisfied', 'withdrawn'].includes(a.state) && !agg.contacts.some((c) => c.assignmentId === a.id && !c.disputedAt)) {
      add('first_contact', a, a.assignedOn);
    }
    if (!answering && (a.state === 'pending_sign' || a.state === 'signed')) add('co_opinion', a, a.assignedOn);
    if (answering && a.round === 1 && ANSWER_PENDING.has(a.state)) add('answer', a, a.assignedOn);
    if (answering && a.round === 2 && (a.state === 'rehandling' || a.state === 'answer_pending_approval' || a.state === 'answer_pending_review') && a.rehandleFrom) {
      add('rehandle_answer', a, a.rehandleFrom);
    }
    if (a.state === 'answered') {
      const answer = latestApprovedAnswer(agg, a.id);
      // Reviewed answers reach the deputy at the review, and the evaluation period runs from then.
      const reached = answer?.reviewedAt ?? answer?.decidedAt;
      if (reached) add('evaluation', a, localDate(new Date(reached), ctx.timeZone));
    }
  }

  for (const c of agg.commitments) {
    if (c.state !== 'proposed' && c.state !== 'confirmed') continue;
    const a = agg.assignments.find((x) => x.id === c.assignmentId);
    if (!a) continue;
    // A promise exists from the day its answer was submitted (so its notice can be sent).
    const answer = agg.answers.find((x) => x.id === c.answerId);
    out.push({
      kind: 'commitment',
      assignmentId: a.id,
      unitId: a.unitId,
      subjectId: c.id,
      from: answer ? localDate(new Date(answer.submittedAt), ctx.timeZone) : c.dueOn,
      due: c.dueOn,
      explanation: { zh_cn: `承诺于 ${c.dueOn} 前完成：${c.content}`, en_us: `promised by ${c.dueOn}: ${c.content}` },
      usesFallbackCalendar: false,
    });
  }
  return out.sort((x, y) => x.due.localeCompare(y.due));
}

/**
 * Whether missing the deadline is the unit's failure. The re-assignment window only closes an
 * option, and the evaluation is the deputy's (evaluations never returned are left out, CQ §29):
 * neither makes anything overdue, yellow or red.
 */
export const isObligation = (d: Pick<Deadline, 'kind'>): boolean => d.kind !== 'reassign_window' && d.kind !== 'evaluation';

export const isOverdue = (d: Deadline, today: IsoDate): boolean => isObligation(d) && d.due < today;

/** One obligation's light: red once its due date has passed, yellow within `noticeDaysBefore` days of it, blue before. */
export function lightOfDue(dueOn: IsoDate, today: IsoDate, noticeDaysBefore: number): Light {
  if (dueOn < today) return 'red';
  return dueOn <= addCalendarDays(today, noticeDaysBefore) ? 'yellow' : 'blue';
}

const LIGHT_RANK: Record<Light, number> = { blue: 0, yellow: 1, red: 2 };

/** The worse of two lights: what a board shows for several deadlines. */
export function worseLight(a: Light, b: Light): Light {
  return LIGHT_RANK[b] > LIGHT_RANK[a] ? b : a;
}

/** Blue: on track; yellow: a deadline within `noticeDaysBefore` days; red: a deadline passed. */
export function lightOf(deadlines: ReadonlyArray<Pick<Deadline, 'kind' | 'due'>>, today: IsoDate, noticeDaysBefore: number): Light {
  return deadlines.filter(isObligation).reduce<Light>((light, d) => worseLight(light, lightOfDue(d.due, today, noticeDaysBefore)), 'blue');
}
