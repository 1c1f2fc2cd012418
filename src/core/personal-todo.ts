/**
 * What waits for one person in one suggestion (SPEC §5, "In the bot's private chat"): a liaison
 * handling twenty suggestions lives in twenty groups, so `我的待办` gathers, across every group,
 * each thing this person is the one to do next — with its deadline and light where it has one.
 *
 * Who does what is the lifecycle's permission table (section 5): a unit's liaisons and head sign,
 * contact the deputy, submit the co-handler opinion or the answer and mark commitments done; the
 * head approves the answer; the suggestion's deputies confirm contacts, evaluate the answer and
 * confirm commitments; supervisors decide re-assignments. A supervisor *may* act for anyone, but
 * their list holds only what waits for a supervisor as such, or it would hold everything.
 */
import { latestApprovedAnswer } from './lifecycle/rules.ts';
import { lightOfDue, type Deadline, type Light } from './deadlines/deadlines.ts';
import type { DeadlineKind } from './deadlines/policy.ts';
import { FINISHED_STATES, type AssignmentRow, type SuggestionAggregate } from './model.ts';

export const TODO_KINDS = [
  'sign',
  'contact',
  'opinion',
  'co_opinion_evaluation',
  'answer',
  'approval',
  'reassign_decision',
  'confirm_contact',
  'evaluation',
  'confirm_commitments',
  'commitment_done',
  'confirm_commitment_done',
] as const;
export type TodoKind = (typeof TODO_KINDS)[number];

export const TODO_LABELS: Record<TodoKind, { zh_cn: string; en_us: string }> = {
  sign: { zh_cn: '签收', en_us: 'sign for' },
  contact: { zh_cn: '联系代表（登记沟通）', en_us: 'contact the deputy' },
  opinion: { zh_cn: '提交协办意见', en_us: 'submit the co-handler opinion' },
  co_opinion_evaluation: { zh_cn: '评价协办意见', en_us: 'rate the co-handler opinion' },
  answer: { zh_cn: '提交答复', en_us: 'submit the answer' },
  approval: { zh_cn: '审核答复', en_us: 'approve the answer' },
  reassign_decision: { zh_cn: '审批改办申请', en_us: 'decide the re-assignment request' },
  confirm_contact: { zh_cn: '确认沟通记录', en_us: 'confirm the contact record' },
  evaluation: { zh_cn: '评价答复', en_us: 'evaluate the answer' },
  confirm_commitments: { zh_cn: '确认承诺事项', en_us: 'confirm the commitments' },
  commitment_done: { zh_cn: '完成承诺事项', en_us: 'fulfil the commitment' },
  confirm_commitment_done: { zh_cn: '确认承诺完成', en_us: 'confirm the commitment done' },
};

/** The person asking, as the directory knows them. */
export interface Person {
  openId: string;
  /** The units where they are a liaison, and where they are the head. */
  liaisonOf: ReadonlySet<string>;
  headOf: ReadonlySet<string>;
  supervisor: boolean;
}

export interface TodoItem {
  suggestionId: string;
  kind: TodoKind;
  /** The unit the item is for (its assignment's unit); null for a deputy's or supervisor's item about the whole suggestion. */
  unitId: string | null;
  /** The subject (assignment, contact, commitment) so two items of one kind stay apart. */
  subjectId: string;
  dueOn: string | null;
  /** Red past its due date, yellow within the notice period, blue before; null without a deadline of the unit's. */
  light: Light | null;
}

/** Which of the suggestion's open deadlines dates each kind of item (an evaluation is the deputy's: no light). */
const DEADLINE_OF: Partial<Record<TodoKind, DeadlineKind[]>> = {
  sign: ['sign'],
  contact: ['first_contact'],
  opinion: ['co_opinion'],
  answer: ['answer', 'rehandle_answer'],
  approval: ['answer', 'rehandle_answer'],
  evaluation: ['evaluation'],
};

/** Everything in `agg` that waits for `person`, soonest due first (undated items last). */
export function todosOf(agg: SuggestionAggregate, person: Person, deadlines: readonly Deadline[], today: string, noticeDaysBefore: number): TodoItem[] {
  if (agg.suggestion.status === 'withdrawn') return [];
  const open = agg.suggestion.status === 'open';
  const out: TodoItem[] = [];
  const add = (kind: TodoKind, unitId: string | null, subjectId: string, assignmentId: string | null, due?: string) => {
    const kinds = DEADLINE_OF[kind];
    const deadline = due ?? (kinds && deadlines.find((d) => d.assignmentId === assignmentId && kinds.includes(d.kind))?.due);
    const dueOn = deadline ?? null;
    const light = dueOn && kind !== 'evaluation' ? lightOfDue(dueOn, today, noticeDaysBefore) : null;
    out.push({ suggestionId: agg.suggestion.id, kind, unitId, subjectId, dueOn, light });
  };
  const staffOf = (a: AssignmentRow) => person.liaisonOf.has(a.unitId) || person.headOf.has(a.unitId);
  const deputy = agg.deputies.find((d) => d.openId === person.openId);

  for (const a of agg.assignments) {
    if (FINISHED_STATES.has(a.state)) continue;
    if (person.supervisor && a.state === 'reassign_requested') add('reassign_decision', a.unitId, a.id, a.id);
    if (!staffOf(a)) continue;
    const answering = a.role !== 'co';
    if (a.state === 'pending_sign') add('sign', a.unitId, a.id, a.id);
    if (a.state === 'signed' && !answering) add('opinion', a.unitId, a.id, a.id);
    if (answering && a.state !== 'pending_sign' && deadlines.some((d) => d.assignmentId === a.id && d.kind === 'first_contact')) add('contact', a.unitId, a.id, a.id);
    if (answering && (a.state === 'signed' || a.state === 'rehandling')) add('answer', a.unitId, a.id, a.id);
    if (a.state === 'answer_pending_approval' && person.headOf.has(a.unitId)) add('approval', a.unitId, a.id, a.id);
  }

  // The lead unit rates each co-handler opinion (协办意见评价回执).
  const lead = agg.assignments.find((a) => a.role === 'lead' && a.state !== 'withdrawn');
  if (open && lead && staffOf(lead)) {
    for (const o of agg.coOpinions) {
      if (!agg.coOpinionEvaluations.some((e) => e.opinionId === o.id)) add('co_opinion_evaluation', unitOf(agg, o.assignmentId), o.id, null);
    }
  }

  if (deputy) {
    if (open) for (const c of agg.contacts) if (!c.confirmedBy) add('confirm_contact', null, c.id, null);
    for (const a of agg.assignments) {
      if (a.state !== 'answered') continue;
      const answer = latestApprovedAnswer(agg, a.id);
      if (answer && !agg.evaluations.some((e) => e.answerId === answer.id && e.deputyId === deputy.deputyId)) add('evaluation', a.unitId, answer.id, a.id);
    }
    // 确认承诺 is one press for all of an answer's commitments: one item per answer.
    const answersToConfirm = new Set(agg.commitments.filter((c) => c.state === 'proposed').map((c) => c.answerId));
    for (const answerId of answersToConfirm) {
      const first = agg.commitments.filter((c) => c.answerId === answerId && c.state === 'proposed').sort((x, y) => x.dueOn.localeCompare(y.dueOn))[0]!;
      add('confirm_commitments', unitOf(agg, first.assignmentId), answerId, first.assignmentId, first.dueOn);
    }
    for (const c of agg.commitments) if (c.state === 'done_claimed') add('confirm_commitment_done', unitOf(agg, c.assignmentId), c.id, c.assignmentId);
  }
  for (const c of agg.commitments) {
    const a = agg.assignments.find((x) => x.id === c.assignmentId);
    if (c.state === 'confirmed' && a && staffOf(a)) add('commitment_done', a.unitId, c.id, a.id, c.dueOn);
  }
  return sortTodos(out);
}

const unitOf = (agg: SuggestionAggregate, assignmentId: string): string | null => agg.assignments.find((a) => a.id === assignmentId)?.unitId ?? null;

/** Soonest due first, undated last; then by suggestion and kind, so a list reads the same every time. */
export function sortTodos(items: TodoItem[]): TodoItem[] {
  return items.sort(
    (x, y) =>
      (x.dueOn ?? '9999').localeCompare(y.dueOn ?? '9999') ||
      x.suggestionId.localeCompare(y.suggestionId) ||
      TODO_KINDS.indexOf(x.kind) - TODO_KINDS.indexOf(y.kind) ||
      x.subjectId.localeCompare(y.subjectId),
  );
}
