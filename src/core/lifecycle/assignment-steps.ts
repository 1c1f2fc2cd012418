/**
 * Steps on an assignment while its unit handles it: signing for it, re-assignment (asked by the
 * unit, decided by a supervisor), progress reports, contacts with the deputy, the co-handler's
 * opinion.
 */
import { refuse } from '../errors.ts';
import type { AssignmentRow, AssignmentState } from '../model.ts';
import { isIsoDate, requireState, requireText } from './checks.ts';
import type { CommandOf } from './commands.ts';
import { findAssignment, findContact, pendingRequest } from './lookups.ts';
import { requireDeputy, requireSupervisor, requireUnitStaff, type ActingRole } from './permissions.ts';
import { auditEntry, type StepContext } from './step.ts';

/** Signed for and not yet closed: the unit is working on it and may report and record contacts. */
const IN_HANDLING: AssignmentState[] = ['signed', 'opinion_submitted', 'answer_pending_approval', 'answer_pending_review', 'answered', 'rehandling'];

export function sign(command: CommandOf<'sign'>, { next, audit, actor, nowIso }: StepContext): void {
  const a = findAssignment(next, command.assignmentId);
  const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可签收', "Only the handling unit's liaison or head may sign for it");
  requireState(a, ['pending_sign'], '签收', 'sign for');
  const before = a.state;
  a.state = 'signed';
  a.signedAt = nowIso;
  audit.push(auditEntry('sign', role, 'assignment', a.id, before, a.state, '已签收', { unitId: a.unitId }));
}

export function requestReassign(command: CommandOf<'request_reassign'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const a = findAssignment(next, command.assignmentId);
  const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可申请改办', "Only the handling unit's liaison or head may ask for re-assignment");
  requireState(a, ['pending_sign', 'signed'], '申请改办', 'ask for re-assignment');
  const reason = requireText(command.reason, '请填写申请改办的理由', 'A reason for the re-assignment request is required');
  const before = a.state;
  a.stateBeforeReassign = a.state;
  a.state = 'reassign_requested';
  const requestId = ctx.newId('rr');
  next.reassignmentRequests.push({
    id: requestId,
    suggestionId: next.suggestion.id,
    assignmentId: a.id,
    reason,
    requestedBy: actorId,
    requestedAt: nowIso,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    newUnitId: null,
    newAssignmentId: null,
  });
  audit.push(auditEntry('request_reassign', role, 'assignment', a.id, before, a.state, reason, { requestId }));
}

/** The assignment whose re-assignment request a supervisor decides, and the role they decide in. */
function reassignmentToDecide(
  assignmentId: string,
  verbZh: string,
  verbEn: string,
  { next, actor }: StepContext,
): { a: AssignmentRow; role: ActingRole } {
  const a = findAssignment(next, assignmentId);
  const role = requireSupervisor(actor, '仅督办人员可审批改办', 'Only a supervisor may decide on re-assignment');
  requireState(a, ['reassign_requested'], verbZh, verbEn);
  return { a, role };
}

export function approveReassign(command: CommandOf<'approve_reassign'>, context: StepContext): void {
  const { next, audit, actorId, nowIso, ctx } = context;
  const { a, role } = reassignmentToDecide(command.assignmentId, '同意改办', 'approve re-assignment', context);
  const request = pendingRequest(next, a.id);
  if (!ctx.unitExists(command.newUnitId)) {
    refuse('invalid_input', `未知的承办单位：${command.newUnitId}`, `Unknown unit: ${command.newUnitId}`);
  }
  if (command.newUnitId === a.unitId) {
    refuse('invalid_input', '改办单位不能是原承办单位', 'The new unit must differ from the current one');
  }
  const clash = next.assignments.find((x) => x.unitId === command.newUnitId && x.state !== 'withdrawn');
  if (clash) {
    refuse('conflict', `该单位已承办本建议：${command.newUnitId}`, `That unit already handles this suggestion: ${command.newUnitId}`);
  }
  const newAssignmentId = ctx.newId('as');
  next.assignments.push({
    id: newAssignmentId,
    suggestionId: next.suggestion.id,
    unitId: command.newUnitId,
    role: a.role,
    state: 'pending_sign',
    stateBeforeReassign: null,
    assignedOn: ctx.today,
    round: 1,
    rehandleFrom: null,
    signedAt: null,
    closedAt: null,
    replacesAssignmentId: a.id,
    answerDueExtendedTo: null,
    createdAt: nowIso,
  });
  Object.assign(request, {
    status: 'approved',
    decidedBy: actorId,
    decidedAt: nowIso,
    newUnitId: command.newUnitId,
    newAssignmentId,
  });
  const before = a.state;
  a.state = 'withdrawn';
  a.stateBeforeReassign = null;
  a.closedAt = nowIso;
  audit.push(
    auditEntry('approve_reassign', role, 'assignment', a.id, before, a.state, `改办至 ${command.newUnitId}`, {
      requestId: request.id,
      newUnitId: command.newUnitId,
      newAssignmentId,
    }),
  );
}

export function rejectReassign(command: CommandOf<'reject_reassign'>, context: StepContext): void {
  const { next, audit, actorId, nowIso } = context;
  const { a, role } = reassignmentToDecide(command.assignmentId, '不同意改办', 'refuse re-assignment', context);
  const reason = requireText(command.reason, '请填写不同意改办的理由', 'A reason for refusing the re-assignment is required');
  const request = pendingRequest(next, a.id);
  Object.assign(request, { status: 'rejected', decidedBy: actorId, decidedAt: nowIso, decisionReason: reason });
  const before = a.state;
  a.state = a.stateBeforeReassign ?? 'pending_sign';
  a.stateBeforeReassign = null;
  audit.push(auditEntry('reject_reassign', role, 'assignment', a.id, before, a.state, reason, { requestId: request.id }));
}

export function reportProgress(command: CommandOf<'report_progress'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const a = findAssignment(next, command.assignmentId);
  const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可报告进展', "Only the handling unit's liaison or head may report progress");
  requireState(a, IN_HANDLING, '报告进展', 'report progress');
  const text = requireText(command.text, '请填写进展内容', 'The progress text is required');
  const id = ctx.newId('pr');
  next.progressReports.push({ id, suggestionId: next.suggestion.id, assignmentId: a.id, text, reportedBy: actorId, reportedAt: nowIso });
  audit.push(auditEntry('report_progress', role, 'assignment', a.id, a.state, a.state, text, { progressId: id }));
}

export function recordContact(command: CommandOf<'record_contact'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const a = findAssignment(next, command.assignmentId);
  const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可登记沟通', "Only the handling unit's liaison or head may record a contact");
  requireState(a, IN_HANDLING, '登记沟通', 'record a contact');
  if (!isIsoDate(command.date)) {
    refuse('invalid_input', `沟通日期格式应为 YYYY-MM-DD：${command.date}`, `The contact date must be YYYY-MM-DD: ${command.date}`);
  }
  if (command.date > ctx.today) {
    refuse('invalid_input', `沟通日期不能晚于今天：${command.date}`, `The contact date cannot be in the future: ${command.date}`);
  }
  if (command.date < a.assignedOn) {
    refuse('invalid_input', `沟通日期不能早于交办日期（${a.assignedOn}）：${command.date}`, `The contact date cannot be before the assignment (${a.assignedOn}): ${command.date}`);
  }
  const id = ctx.newId('ct');
  next.contacts.push({
    id,
    suggestionId: next.suggestion.id,
    assignmentId: a.id,
    method: command.method,
    date: command.date,
    note: command.note.trim(),
    recordedBy: actorId,
    recordedAt: nowIso,
    confirmedBy: null,
    confirmedAt: null,
    disputedBy: null,
    disputedAt: null,
    disputeReason: null,
  });
  audit.push(auditEntry('record_contact', role, 'contact', id, null, 'recorded', command.note.trim(), { assignmentId: a.id, method: command.method, date: command.date }));
}

export function confirmContact(command: CommandOf<'confirm_contact'>, { next, audit, actor, actorId, nowIso }: StepContext): void {
  const c = findContact(next, command.contactId);
  const role = requireDeputy(next, actor, '仅本建议的代表可确认沟通记录', "Only a deputy of this suggestion may confirm a contact record");
  if (c.confirmedAt) refuse('invalid_state', '该沟通记录已确认', 'This contact record is already confirmed');
  if (c.disputedAt) refuse('invalid_state', '该沟通记录已被代表标记为不属实', 'A deputy has disputed this contact record');
  c.confirmedBy = actorId;
  c.confirmedAt = nowIso;
  audit.push(auditEntry('confirm_contact', role, 'contact', c.id, 'recorded', 'confirmed', '确认属实'));
}

export function submitOpinion(command: CommandOf<'submit_opinion'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const a = findAssignment(next, command.assignmentId);
  const role = requireUnitStaff(actor, a.unitId, '仅协办单位联络员或负责人可提交协办意见', "Only the co-handling unit's liaison or head may submit its opinion");
  if (a.role !== 'co') refuse('invalid_state', '只有协办单位提交协办意见', 'Only a co-handling unit submits a co-handler opinion');
  requireState(a, ['signed'], '提交协办意见', 'submit the co-handler opinion');
  const opinion = requireText(command.opinion, '请填写协办意见', 'The co-handler opinion is required');
  const id = ctx.newId('op');
  next.coOpinions.push({ id, suggestionId: next.suggestion.id, assignmentId: a.id, text: opinion, submittedBy: actorId, submittedAt: nowIso });
  const before = a.state;
  a.state = 'opinion_submitted';
  audit.push(auditEntry('submit_opinion', role, 'assignment', a.id, before, a.state, opinion, { opinionId: id }));
}
