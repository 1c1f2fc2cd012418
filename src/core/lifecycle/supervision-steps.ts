/**
 * Supervision from the phone (SPEC §3, §5): a deputy's 催办, a unit's 申请延期 and the
 * supervisor's decision on it, the supervisor's 复核 of an approved answer (policy
 * `answerReview`), and a deputy's 不属实 on a contact record. Each step checks who presses, then
 * the state, then the input, and changes nothing when any of them fails.
 */
import { refuse } from '../errors.ts';
import { FINISHED_STATES, type AnswerRow, type AssignmentRow, type ExtensionRequestRow } from '../model.ts';
import { extendAnswerDeadline } from './answer-steps.ts';
import { isIsoDate, requireState, requireText } from './checks.ts';
import type { CommandOf } from './commands.ts';
import { findAnswer, findAssignment, findContact } from './lookups.ts';
import { requireDeputy, requireSupervisor, requireUnitStaff, type ActingRole } from './permissions.ts';
import { auditEntry, type StepContext } from './step.ts';

/** While the answer is not yet approved, a lead/split unit may ask for a later deadline (SPEC §3). */
export const EXTENSIBLE_STATES = ['pending_sign', 'signed', 'reassign_requested', 'answer_pending_approval'] as const;

/**
 * 催办: only a deputy of the suggestion presses it, once per working day (presses over a weekend
 * count for the Monday they will be read on); it urges every unit still handling.
 */
export function nudge(_command: CommandOf<'nudge'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const deputyId =
    (actor.kind === 'person' ? next.deputies.find((d) => actor.deputyIds.has(d.deputyId))?.deputyId : undefined) ??
    refuse('forbidden', '仅本建议的代表可催办', 'Only a deputy of this suggestion may urge its handling');
  if (next.suggestion.status !== 'open') refuse('invalid_state', '该建议已办结，无需催办', 'This suggestion is closed; there is nothing to urge');
  const handling = next.assignments.filter((a) => !FINISHED_STATES.has(a.state));
  if (handling.length === 0) refuse('invalid_state', '没有正在办理的承办单位', 'No unit is handling this suggestion now');
  const day = ctx.workingDay ?? ctx.today;
  if (next.nudges.some((n) => n.deputyId === deputyId && n.day === day)) {
    refuse('conflict', `您已催办过本建议，每个工作日只计一次（计入 ${day}）`, `You have already urged this suggestion; it counts once per working day (this one: ${day})`);
  }
  const ids = handling.map((a) => {
    const id = ctx.newId('nd');
    next.nudges.push({ id, suggestionId: next.suggestion.id, assignmentId: a.id, deputyId, day, nudgedBy: actorId, nudgedAt: nowIso });
    return id;
  });
  audit.push(
    auditEntry('nudge', 'deputy', 'suggestion', next.suggestion.id, next.suggestion.status, next.suggestion.status, '催办', {
      nudgeId: ids[0],
      deputyId,
      assignments: handling.map((a) => a.id),
    }),
  );
}

function extensionLimits(ctx: StepContext['ctx']) {
  return ctx.answerLimits ?? refuse('invalid_state', '未配置答复期限', 'No answer deadline policy is configured');
}

/** The `until` of an extension form: a real date, not before today, at most 6 months from assignment. */
function checkUntil(until: string, a: AssignmentRow, ctx: StepContext['ctx']): string {
  if (!until) refuse('invalid_input', '请填写延期至（until）', 'The new deadline (until) is required');
  if (!isIsoDate(until)) refuse('invalid_input', `延期至（until）格式应为 YYYY-MM-DD：${until}`, `until must be YYYY-MM-DD: ${until}`);
  if (until < ctx.today) refuse('invalid_input', `延期至（until）不能早于今天：${until}`, `until cannot be in the past: ${until}`);
  const limits = extensionLimits(ctx)(a.assignedOn);
  if (limits.nextWorkingDay(until) > limits.max) {
    refuse('invalid_input', `延期至（until）不能晚于 ${limits.max}（自交办起最长六个月）`, `until cannot be after ${limits.max} (6 months from assignment at most)`);
  }
  return until;
}

function findExtensionRequest(next: StepContext['next'], id: string): ExtensionRequestRow {
  return next.extensionRequests.find((r) => r.id === id) ?? refuse('not_found', '找不到该延期申请', `Unknown extension request: ${id}`);
}

export function requestExtension(command: CommandOf<'request_extension'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const a = findAssignment(next, command.assignmentId);
  const role = requireUnitStaff(actor, a.unitId, '仅主办（分办）单位联络员或负责人可申请延期', "Only the lead (or split) unit's liaison or head may ask for an extension");
  if (a.role === 'co') refuse('invalid_state', '协办单位没有答复期限，不能申请延期', 'A co-handling unit has no answer deadline to extend');
  requireState(a, [...EXTENSIBLE_STATES], '申请延期', 'ask for an extension');
  if (a.round !== 1) refuse('invalid_state', '重新办理的答复期限不能延期', 'The deadline of a re-handled answer cannot be extended');
  if (a.answerDueExtendedTo) refuse('conflict', `答复期限已延期至 ${a.answerDueExtendedTo}，只能延期一次`, `The answer deadline was already extended to ${a.answerDueExtendedTo}; it can be extended once`);
  if (next.extensionRequests.some((r) => r.assignmentId === a.id && r.status === 'pending')) {
    refuse('conflict', '已有待审批的延期申请', 'An extension request is already waiting for a supervisor');
  }
  const until = checkUntil(command.until, a, ctx);
  const reason = requireText(command.reason, '请填写延期理由（extension_reason）', 'A reason (extension_reason) is required');
  const id = ctx.newId('xr');
  next.extensionRequests.push({
    id,
    suggestionId: next.suggestion.id,
    assignmentId: a.id,
    until,
    reason,
    requestedBy: actorId,
    requestedAt: nowIso,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    grantedUntil: null,
    decisionReason: null,
  });
  audit.push(auditEntry('request_extension', role, 'assignment', a.id, a.state, a.state, reason, { requestId: id, until }));
}

/** The request a supervisor decides, still pending; with the acting role. */
function pendingExtension(id: string, context: StepContext): { request: ExtensionRequestRow; role: ActingRole } {
  const request = findExtensionRequest(context.next, id);
  const role = requireSupervisor(context.actor, '仅督办人员可审批延期', 'Only a supervisor may decide an extension request');
  if (request.status !== 'pending') refuse('stale', '该延期申请已审批', 'This extension request has already been decided');
  return { request, role };
}

export function approveExtension(command: CommandOf<'approve_extension'>, context: StepContext): void {
  const { next, audit, actorId, nowIso, ctx } = context;
  const { request, role } = pendingExtension(command.extensionRequestId, context);
  const a = findAssignment(next, request.assignmentId);
  const until = checkUntil(command.until || request.until, a, ctx);
  // The one rule of an extension (once, later than the current deadline, at most 6 months) lives
  // in extendAnswerDeadline, which the admin route uses too.
  extendAnswerDeadline({ type: 'extend_answer_deadline', assignmentId: a.id, until, reason: request.reason }, context);
  request.status = 'approved';
  request.decidedBy = actorId;
  request.decidedAt = nowIso;
  request.grantedUntil = a.answerDueExtendedTo;
  audit.push(auditEntry('approve_extension', role, 'assignment', a.id, a.state, a.state, `同意延期至 ${a.answerDueExtendedTo}`, { requestId: request.id, until: a.answerDueExtendedTo, asked: request.until }));
}

export function rejectExtension(command: CommandOf<'reject_extension'>, context: StepContext): void {
  const { next, audit, actorId, nowIso } = context;
  const { request, role } = pendingExtension(command.extensionRequestId, context);
  const reason = requireText(command.reason, '请填写不同意延期的理由（reason）', 'A reason (reason) for refusing is required');
  const a = findAssignment(next, request.assignmentId);
  request.status = 'rejected';
  request.decidedBy = actorId;
  request.decidedAt = nowIso;
  request.decisionReason = reason;
  audit.push(auditEntry('reject_extension', role, 'assignment', a.id, a.state, a.state, reason, { requestId: request.id }));
}

/** The answer the head approved, waiting for a supervisor's 复核. */
function answerAwaitingReview(answerId: string, context: StepContext): { answer: AnswerRow; a: AssignmentRow; role: ActingRole } {
  const answer = findAnswer(context.next, answerId);
  const a = findAssignment(context.next, answer.assignmentId);
  const role = requireSupervisor(context.actor, '仅督办人员可复核答复', 'Only a supervisor may review an answer');
  if (answer.status !== 'pending_review' || a.state !== 'answer_pending_review') refuse('stale', '该答复已复核', 'This answer has already been reviewed');
  return { answer, a, role };
}

export function approveReview(command: CommandOf<'approve_review'>, context: StepContext): void {
  const { next, audit, actorId, nowIso } = context;
  const { answer, a, role } = answerAwaitingReview(command.answerId, context);
  answer.status = 'approved';
  answer.reviewedBy = actorId;
  answer.reviewedAt = nowIso;
  a.state = 'answered';
  // As at the head's approval without review: a re-handled answer replaces the earlier one.
  for (const c of next.commitments) {
    if (c.assignmentId === a.id && c.answerId !== answer.id && c.state === 'proposed') c.state = 'void';
  }
  audit.push(auditEntry('approve_review', role, 'answer', answer.id, 'answer_pending_review', a.state, '复核通过', { assignmentId: a.id }));
}

export function returnReview(command: CommandOf<'return_review'>, context: StepContext): void {
  const { next, audit, actorId, nowIso } = context;
  const { answer, a, role } = answerAwaitingReview(command.answerId, context);
  const reason = requireText(command.reason, '请填写退回重办的理由（reason）', 'A reason (reason) for returning the answer is required');
  answer.status = 'returned';
  answer.reviewedBy = actorId;
  answer.reviewedAt = nowIso;
  answer.returnReason = reason;
  for (const c of next.commitments) if (c.answerId === answer.id) c.state = 'void';
  a.state = a.round === 2 ? 'rehandling' : 'signed';
  audit.push(auditEntry('return_review', role, 'answer', answer.id, 'answer_pending_review', a.state, reason, { assignmentId: a.id }));
}

/** 不属实: a deputy says a contact record is not true; it never counts as confirmed (SPEC §3). */
export function disputeContact(command: CommandOf<'dispute_contact'>, { next, audit, actor, actorId, nowIso }: StepContext): void {
  const c = findContact(next, command.contactId);
  const role = requireDeputy(next, actor, '仅本建议的代表可对沟通记录提出不属实', 'Only a deputy of this suggestion may dispute a contact record');
  if (c.confirmedAt) refuse('invalid_state', '该沟通记录已确认属实', 'This contact record is already confirmed');
  if (c.disputedAt) refuse('invalid_state', '该沟通记录已标记为不属实', 'This contact record is already disputed');
  const reason = requireText(command.reason, '请填写不属实的理由（reason）', 'A reason (reason) is required');
  c.disputedBy = actorId;
  c.disputedAt = nowIso;
  c.disputeReason = reason;
  audit.push(auditEntry('dispute_contact', role, 'contact', c.id, 'recorded', 'disputed', reason, { assignmentId: c.assignmentId }));
}
