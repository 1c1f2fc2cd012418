/**
 * Steps on the answer of a lead or split unit: submitting it (with its commitments), the unit
 * head's approval or return, the deputy's evaluation (which closes the assignment or sends it
 * back for re-handling), and a supervisor's one extension of the answer deadline.
 */
import { refuse } from '../errors.ts';
import type { AnswerRow, AssignmentRow, CommitmentRow } from '../model.ts';
import { isIsoDate, requireState, requireText, stateLabelZh } from './checks.ts';
import { COMMITMENT_HORIZON_YEARS, commitmentHorizon } from './field-limits.ts';
import type { CommandOf } from './commands.ts';
import { findAnswer, findAssignment } from './lookups.ts';
import { requireEvaluator, requireHead, requireSupervisor, requireUnitStaff, type ActingRole } from './permissions.ts';
import { decidingDeputyId, latestApprovedAnswer } from './rules.ts';
import { auditEntry, type StepContext } from './step.ts';

export function submitAnswer(command: CommandOf<'submit_answer'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const suggestion = next.suggestion;
  const a = findAssignment(next, command.assignmentId);
  const role = requireUnitStaff(actor, a.unitId, '仅主办（分办）单位联络员或负责人可提交答复', "Only the lead (or split) unit's liaison or head may submit the answer");
  if (a.role === 'co') refuse('invalid_state', '协办单位不提交答复，请提交协办意见', 'A co-handling unit submits an opinion, not the answer');
  requireState(a, ['signed', 'rehandling'], '提交答复', 'submit an answer');
  const summary = requireText(command.summary, '请填写答复摘要', 'The answer summary is required');
  let privateReason: string | null = null;
  if (!command.public) {
    privateReason = requireText(command.privateReason ?? '', '不公开的答复须说明理由', 'An answer that is not public needs a reason');
  } else if (suggestion.classified) {
    refuse('invalid_input', '涉密建议的答复不得公开', 'The answer to a classified suggestion cannot be public');
  }
  for (const c of command.commitments) {
    if (!isIsoDate(c.dueOn)) refuse('invalid_input', `承诺完成日期格式应为 YYYY-MM-DD：${c.dueOn}`, `A commitment due date must be YYYY-MM-DD: ${c.dueOn}`);
    if (c.dueOn < ctx.today) refuse('invalid_input', `承诺完成日期不能早于今天：${c.dueOn}`, `A commitment cannot be due in the past: ${c.dueOn}`);
    if (c.dueOn > commitmentHorizon(ctx.today)) {
      refuse('invalid_input', `承诺完成日期不能晚于 ${COMMITMENT_HORIZON_YEARS} 年后（${commitmentHorizon(ctx.today)}）：${c.dueOn}`, `A commitment cannot be due more than ${COMMITMENT_HORIZON_YEARS} years ahead (${commitmentHorizon(ctx.today)}): ${c.dueOn}`);
    }
    requireText(c.content, '承诺事项内容不能为空', 'A commitment needs its content');
  }
  const answerId = ctx.newId('an');
  next.answers.push({
    id: answerId,
    suggestionId: suggestion.id,
    assignmentId: a.id,
    round: a.round,
    resultClass: command.resultClass,
    summary,
    public: command.public,
    privateReason,
    status: 'pending_approval',
    submittedBy: actorId,
    submittedAt: nowIso,
    decidedBy: null,
    decidedAt: null,
    returnReason: null,
    reviewedBy: null,
    reviewedAt: null,
  });
  for (const c of command.commitments) {
    next.commitments.push(newCommitment(ctx.newId('cm'), suggestion.id, a.id, answerId, c.content.trim(), c.dueOn));
  }
  const before = a.state;
  a.state = 'answer_pending_approval';
  audit.push(
    auditEntry('submit_answer', role, 'answer', answerId, before, a.state, summary, {
      assignmentId: a.id,
      resultClass: command.resultClass,
      public: command.public,
      commitments: command.commitments.length,
      round: a.round,
    }),
  );
}

/** A promise as an answer makes it: proposed, nothing confirmed or claimed yet. */
export function newCommitment(id: string, suggestionId: string, assignmentId: string, answerId: string, content: string, dueOn: string): CommitmentRow {
  return {
    id,
    suggestionId,
    assignmentId,
    answerId,
    content,
    dueOn,
    state: 'proposed',
    confirmedBy: null,
    confirmedAt: null,
    evidence: null,
    claimedBy: null,
    claimedAt: null,
    doneBy: null,
    doneAt: null,
  };
}

/** The answer the unit head approves or returns, still waiting for that decision. */
function answerAwaitingHead(answerId: string, { next, actor }: StepContext): { answer: AnswerRow; a: AssignmentRow; role: ActingRole } {
  const answer = findAnswer(next, answerId);
  const a = findAssignment(next, answer.assignmentId);
  const role = requireHead(actor, a.unitId, '仅承办单位负责人可审核答复', "Only the unit head may approve or return the answer");
  if (answer.status !== 'pending_approval' || a.state !== 'answer_pending_approval') {
    refuse('stale', '该答复已审核', 'This answer has already been decided');
  }
  return { answer, a, role };
}

export function approveAnswer(command: CommandOf<'approve_answer'>, context: StepContext): void {
  const { next, audit, actorId, nowIso, ctx } = context;
  const { answer, a, role } = answerAwaitingHead(command.answerId, context);
  const before = a.state;
  answer.decidedBy = actorId;
  answer.decidedAt = nowIso;
  if (ctx.answerReview) {
    // The deputy sees the answer only once a supervisor has reviewed it (supervision-steps.ts).
    answer.status = 'pending_review';
    a.state = 'answer_pending_review';
    audit.push(auditEntry('approve_answer', role, 'answer', answer.id, before, a.state, '审核通过，待复核', { assignmentId: a.id, review: true }));
    return;
  }
  answer.status = 'approved';
  a.state = 'answered';
  // A re-handled answer replaces the earlier one: promises the deputy never confirmed lapse
  // with it; confirmed ones were agreed and stay tracked.
  for (const c of next.commitments) {
    if (c.assignmentId === a.id && c.answerId !== answer.id && c.state === 'proposed') c.state = 'void';
  }
  audit.push(auditEntry('approve_answer', role, 'answer', answer.id, before, a.state, '审核通过', { assignmentId: a.id }));
}

export function returnAnswer(command: CommandOf<'return_answer'>, context: StepContext): void {
  const { next, audit, actorId, nowIso } = context;
  const { answer, a, role } = answerAwaitingHead(command.answerId, context);
  const before = a.state;
  const reason = requireText(command.reason, '请填写退回修改的理由', 'A reason for returning the answer is required');
  answer.status = 'returned';
  answer.decidedBy = actorId;
  answer.decidedAt = nowIso;
  answer.returnReason = reason;
  for (const c of next.commitments) if (c.answerId === answer.id) c.state = 'void';
  a.state = a.round === 2 ? 'rehandling' : 'signed';
  audit.push(auditEntry('return_answer', role, 'answer', answer.id, before, a.state, reason, { assignmentId: a.id }));
}

export function evaluate(command: CommandOf<'evaluate'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const answer = findAnswer(next, command.answerId);
  const a = findAssignment(next, answer.assignmentId);
  const { role, deputyId } = requireEvaluator(next, actor, '仅本建议的代表可评价答复', "Only a deputy of this suggestion may evaluate the answer");
  if (answer.status !== 'approved') refuse('invalid_state', '该答复尚未审核通过，不能评价', 'This answer has not been approved yet');
  const latest = latestApprovedAnswer(next, a.id);
  if (latest?.id !== answer.id) refuse('stale', '该答复已被新的答复取代', 'A newer answer has replaced this one');
  if (next.evaluations.some((e) => e.answerId === answer.id && e.deputyId === deputyId)) {
    refuse('conflict', '您已评价过这份答复', 'You have already evaluated this answer');
  }
  const decisive = deputyId === decidingDeputyId(next);
  if (decisive && a.state !== 'answered') {
    refuse('invalid_state', `当前状态（${stateLabelZh(a.state)}）不能评价`, `The answer cannot be evaluated in state ${a.state}`);
  }
  const id = ctx.newId('ev');
  const comment = (command.comment ?? '').trim();
  next.evaluations.push({
    id,
    suggestionId: next.suggestion.id,
    assignmentId: a.id,
    answerId: answer.id,
    round: answer.round,
    deputyId,
    grade: command.grade,
    comment,
    evaluatedBy: actorId,
    evaluatedAt: nowIso,
  });
  const before = a.state;
  if (decisive) {
    if (command.grade !== 'unsatisfied') {
      a.state = 'closed';
      a.closedAt = nowIso;
    } else if (answer.round === 1) {
      a.state = 'rehandling';
      a.round = 2;
      a.rehandleFrom = ctx.today;
    } else {
      a.state = 'closed_unsatisfied';
      a.closedAt = nowIso;
    }
  }
  audit.push(
    auditEntry('evaluate', role, 'assignment', a.id, before, a.state, comment, {
      evaluationId: id,
      answerId: answer.id,
      grade: command.grade,
      round: answer.round,
      decisive,
      escalate: a.state === 'closed_unsatisfied' && before !== a.state,
    }),
  );
}

export function extendAnswerDeadline(command: CommandOf<'extend_answer_deadline'>, { next, audit, actor, ctx }: StepContext): void {
  const a = findAssignment(next, command.assignmentId);
  const role = requireSupervisor(actor, '仅督办人员可批准延期答复', 'Only a supervisor may extend the answer deadline');
  if (a.role === 'co') refuse('invalid_state', '协办单位没有答复期限', 'A co-handling unit has no answer deadline');
  requireState(a, ['pending_sign', 'signed', 'reassign_requested', 'answer_pending_approval'], '延期答复', 'extend the answer deadline');
  if (a.round !== 1) refuse('invalid_state', '重新办理的答复期限不能延期', 'The deadline of a re-handled answer cannot be extended');
  if (a.answerDueExtendedTo) refuse('conflict', `答复期限已延期至 ${a.answerDueExtendedTo}，只能延期一次`, `The answer deadline was already extended to ${a.answerDueExtendedTo}; it can be extended once`);
  const reason = requireText(command.reason, '请填写延期理由', 'A reason for the extension is required');
  if (!isIsoDate(command.until)) refuse('invalid_input', `延期日期格式应为 YYYY-MM-DD：${command.until}`, `The new deadline must be YYYY-MM-DD: ${command.until}`);
  const limits = ctx.answerLimits?.(a.assignedOn) ?? refuse('invalid_state', '未配置答复期限', 'No answer deadline policy is configured');
  // A deadline on a rest day ends on the next working day (Civil Code art. 203), like every other.
  const until = limits.nextWorkingDay(command.until);
  if (until <= limits.due) refuse('invalid_input', `延期后的期限应晚于原期限 ${limits.due}`, `The new deadline must be after the current one, ${limits.due}`);
  if (until > limits.max) refuse('invalid_input', `延期后的期限不能晚于 ${limits.max}（自交办起最长六个月）`, `The new deadline cannot be after ${limits.max} (6 months from assignment at most)`);
  a.answerDueExtendedTo = until;
  audit.push(auditEntry('extend_answer_deadline', role, 'assignment', a.id, a.state, a.state, reason, { from: limits.due, until, asked: command.until }));
}
