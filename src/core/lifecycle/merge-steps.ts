/**
 * 并案, merged handling (SPEC §3): a supervisor merges suggestions of the same content under one
 * lead suggestion. These are the two steps on a merged (member) suggestion; which suggestions may
 * be merged with which, across aggregates, is checked by src/app/merges.ts before them.
 *
 * - merge_into: the member's own open assignments are withdrawn in favour of the lead's handling;
 *   the member stays open, keeps its number and waits for the lead's answer.
 * - deliver_merged_answer: the lead's approved answer arrives as the member's own answer (an
 *   `answered` assignment of the answering unit with a copy of the answer), so the member's deputies
 *   evaluate it on their own card and the member counts in the statistics as its own item. A
 *   member's 不满意 sends that assignment to re-handling in the member's group like any other.
 */
import { refuse } from '../errors.ts';
import { FINISHED_STATES } from '../model.ts';
import type { CommandOf } from './commands.ts';
import { requireSupervisor } from './permissions.ts';
import { auditEntry, type StepContext } from './step.ts';

export function mergeInto(command: CommandOf<'merge_into'>, { next, audit, actor, nowIso }: StepContext): void {
  const s = next.suggestion;
  const role = requireSupervisor(actor, '仅督办人员可并案', 'Only a supervisor may merge suggestions');
  if (command.leadSuggestionId === s.id) refuse('invalid_input', `第${s.number}号建议不能并入自身`, `Suggestion ${s.number} cannot be merged into itself`);
  if (s.status !== 'open') refuse('invalid_state', `第${s.number}号建议已办结，不能并案`, `Suggestion ${s.number} is closed and cannot be merged`);
  if (s.classified) refuse('invalid_state', `第${s.number}号建议涉密，不能并案（答复不得送往其他群组）`, `Suggestion ${s.number} is classified and cannot be merged (its answer may not go to other groups)`);
  if (next.answers.some((a) => a.status !== 'returned')) {
    refuse('invalid_state', `第${s.number}号建议已提交答复，不能再并案`, `Suggestion ${s.number} already has an answer and cannot be merged`);
  }
  for (const a of next.assignments) {
    if (FINISHED_STATES.has(a.state)) continue;
    audit.push(auditEntry('merge_into', role, 'assignment', a.id, a.state, 'withdrawn', `并案办理，由第${command.leadNumber}号建议的承办单位统一办理`));
    a.state = 'withdrawn';
    a.closedAt = nowIso;
  }
  audit.push(
    auditEntry('merge_into', role, 'suggestion', s.id, s.status, s.status, `并入第${command.leadNumber}号建议办理`, {
      leadSuggestionId: command.leadSuggestionId,
      leadNumber: command.leadNumber,
    }),
  );
}

export function deliverMergedAnswer(command: CommandOf<'deliver_merged_answer'>, { next, audit, actor, nowIso, ctx }: StepContext): void {
  if (actor.kind !== 'system') refuse('forbidden', '并案答复由系统送达', "A merged suggestion's answer is delivered by duban itself");
  const s = next.suggestion;
  if (s.status !== 'open') return;
  const given = command.answer;
  // Delivered once per answering unit: the member's own evaluation decides from there on.
  if (next.assignments.some((a) => a.unitId === given.unitId && a.state !== 'withdrawn')) return;
  const assignmentId = ctx.newId('as');
  const answerId = ctx.newId('an');
  next.assignments.push({
    id: assignmentId,
    suggestionId: s.id,
    unitId: given.unitId,
    role: given.role,
    state: 'answered',
    stateBeforeReassign: null,
    assignedOn: s.assignedOn,
    round: 1,
    rehandleFrom: null,
    signedAt: nowIso,
    closedAt: null,
    replacesAssignmentId: null,
    answerDueExtendedTo: null,
    createdAt: nowIso,
  });
  next.answers.push({
    id: answerId,
    suggestionId: s.id,
    assignmentId,
    round: 1,
    resultClass: given.resultClass,
    summary: given.summary,
    public: given.public,
    privateReason: given.privateReason,
    status: 'approved',
    submittedBy: given.submittedBy,
    submittedAt: given.submittedAt,
    decidedBy: given.decidedBy,
    decidedAt: nowIso,
    returnReason: null,
    reviewedBy: null,
    reviewedAt: null,
  });
  audit.push(
    auditEntry('deliver_merged_answer', 'system', 'answer', answerId, null, 'answered', `并案答复：第${command.leadNumber}号建议的答复送达本建议`, {
      assignmentId,
      leadAnswerId: given.leadAnswerId,
      leadNumber: command.leadNumber,
    }),
  );
}
