/**
 * The lifecycle of SPEC §3 as one pure function: `decide(aggregate, command, actor, context)`
 * returns the next aggregate and the audit entries of the change, or throws a DomainError and
 * changes nothing. No I/O here: the store loads and saves, transports build commands.
 */
import type { Actor, PersonActor } from './actor.ts';
import { DomainError, refuse } from './errors.ts';
import type { NewId } from './ids.ts';
import {
  FINISHED_STATES,
  STATE_LABELS,
  type AnswerRow,
  type AssignmentRow,
  type AssignmentState,
  type CommitmentRow,
  type ContactMethod,
  type Grade,
  type ResultClass,
  type SuggestionAggregate,
} from './model.ts';

export type Command =
  | { type: 'sign'; assignmentId: string }
  | { type: 'request_reassign'; assignmentId: string; reason: string }
  | { type: 'approve_reassign'; assignmentId: string; newUnitId: string }
  | { type: 'reject_reassign'; assignmentId: string; reason: string }
  | { type: 'report_progress'; assignmentId: string; text: string }
  | { type: 'record_contact'; assignmentId: string; method: ContactMethod; date: string; note: string }
  | { type: 'confirm_contact'; contactId: string }
  | { type: 'submit_opinion'; assignmentId: string; opinion: string }
  | {
      type: 'submit_answer';
      assignmentId: string;
      resultClass: ResultClass;
      summary: string;
      public: boolean;
      privateReason?: string | undefined;
      commitments: Array<{ dueOn: string; content: string }>;
    }
  | { type: 'approve_answer'; answerId: string }
  | { type: 'return_answer'; answerId: string; reason: string }
  | { type: 'evaluate'; answerId: string; grade: Grade; comment?: string | undefined }
  | { type: 'confirm_commitments'; answerId: string }
  | { type: 'claim_commitment_done'; commitmentId: string; evidence: string }
  | { type: 'confirm_commitment_done'; commitmentId: string }
  /** The status board's 已完成: posts the commitment card again, which carries the evidence form. */
  | { type: 'show_commitment'; commitmentId: string }
  | { type: 'withdraw_suggestion'; suggestionId: string; reason: string }
  | { type: 'extend_answer_deadline'; assignmentId: string; until: string; reason: string };

export type CommandType = Command['type'];

/** Commands that change nothing but what is posted (and are audited all the same). */
export const READ_ONLY_COMMANDS: ReadonlySet<CommandType> = new Set(['show_commitment']);

export interface DecideContext {
  now: Date;
  /** Today's date in the configured time zone (YYYY-MM-DD). */
  today: string;
  newId: NewId;
  unitExists(unitId: string): boolean;
  /** The policy's answer deadline and the longest extension for an assignment date (SPEC §4). */
  answerLimits?: (assignedOn: string) => { due: string; max: string; nextWorkingDay(date: string): string };
}

export interface AuditDraft {
  action: CommandType | 'suggestion_closed';
  actorRole: string;
  subjectType: 'suggestion' | 'assignment' | 'contact' | 'answer' | 'commitment';
  subjectId: string;
  beforeState: string | null;
  afterState: string | null;
  message: string;
  details?: unknown;
}

export interface Decision {
  next: SuggestionAggregate;
  audit: AuditDraft[];
}

/** The role an actor acted in, written to the audit log. */
type ActingRole = 'head' | 'liaison' | 'deputy' | 'supervisor' | 'supervisor_on_behalf' | `system:${string}`;

export function decide(current: SuggestionAggregate, command: Command, actor: Actor, ctx: DecideContext): Decision {
  const next = structuredClone(current);
  const audit: AuditDraft[] = [];
  const nowIso = ctx.now.toISOString();
  const actorId = actor.kind === 'person' ? actor.openId : `system:${actor.name}`;
  const suggestion = next.suggestion;

  if (suggestion.status === 'withdrawn') {
    refuse('invalid_state', '该建议已撤回，不能再操作', 'This suggestion has been withdrawn; nothing more can be done on it');
  }

  switch (command.type) {
    case 'sign': {
      const a = findAssignment(next, command.assignmentId);
      const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可签收', "Only the handling unit's liaison or head may sign for it");
      requireState(a, ['pending_sign'], '签收', 'sign for');
      const before = a.state;
      a.state = 'signed';
      a.signedAt = nowIso;
      audit.push(entry('sign', role, 'assignment', a.id, before, a.state, '已签收', { unitId: a.unitId }));
      break;
    }

    case 'request_reassign': {
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
        suggestionId: suggestion.id,
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
      audit.push(entry('request_reassign', role, 'assignment', a.id, before, a.state, reason, { requestId }));
      break;
    }

    case 'approve_reassign': {
      const a = findAssignment(next, command.assignmentId);
      const role = requireSupervisor(actor, '仅督办人员可审批改办', 'Only a supervisor may decide on re-assignment');
      requireState(a, ['reassign_requested'], '同意改办', 'approve re-assignment');
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
        suggestionId: suggestion.id,
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
        entry('approve_reassign', role, 'assignment', a.id, before, a.state, `改办至 ${command.newUnitId}`, {
          requestId: request.id,
          newUnitId: command.newUnitId,
          newAssignmentId,
        }),
      );
      break;
    }

    case 'reject_reassign': {
      const a = findAssignment(next, command.assignmentId);
      const role = requireSupervisor(actor, '仅督办人员可审批改办', 'Only a supervisor may decide on re-assignment');
      requireState(a, ['reassign_requested'], '不同意改办', 'refuse re-assignment');
      const reason = requireText(command.reason, '请填写不同意改办的理由', 'A reason for refusing the re-assignment is required');
      const request = pendingRequest(next, a.id);
      Object.assign(request, { status: 'rejected', decidedBy: actorId, decidedAt: nowIso, decisionReason: reason });
      const before = a.state;
      a.state = a.stateBeforeReassign ?? 'pending_sign';
      a.stateBeforeReassign = null;
      audit.push(entry('reject_reassign', role, 'assignment', a.id, before, a.state, reason, { requestId: request.id }));
      break;
    }

    case 'report_progress': {
      const a = findAssignment(next, command.assignmentId);
      const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可报告进展', "Only the handling unit's liaison or head may report progress");
      requireState(a, ['signed', 'opinion_submitted', 'answer_pending_approval', 'answered', 'rehandling'], '报告进展', 'report progress');
      const text = requireText(command.text, '请填写进展内容', 'The progress text is required');
      const id = ctx.newId('pr');
      next.progressReports.push({ id, suggestionId: suggestion.id, assignmentId: a.id, text, reportedBy: actorId, reportedAt: nowIso });
      audit.push(entry('report_progress', role, 'assignment', a.id, a.state, a.state, text, { progressId: id }));
      break;
    }

    case 'record_contact': {
      const a = findAssignment(next, command.assignmentId);
      const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可登记沟通', "Only the handling unit's liaison or head may record a contact");
      requireState(a, ['signed', 'opinion_submitted', 'answer_pending_approval', 'answered', 'rehandling'], '登记沟通', 'record a contact');
      if (!isIsoDate(command.date)) {
        refuse('invalid_input', `沟通日期格式应为 YYYY-MM-DD：${command.date}`, `The contact date must be YYYY-MM-DD: ${command.date}`);
      }
      if (command.date > ctx.today) {
        refuse('invalid_input', `沟通日期不能晚于今天：${command.date}`, `The contact date cannot be in the future: ${command.date}`);
      }
      const id = ctx.newId('ct');
      next.contacts.push({
        id,
        suggestionId: suggestion.id,
        assignmentId: a.id,
        method: command.method,
        date: command.date,
        note: command.note.trim(),
        recordedBy: actorId,
        recordedAt: nowIso,
        confirmedBy: null,
        confirmedAt: null,
      });
      audit.push(entry('record_contact', role, 'contact', id, null, 'recorded', command.note.trim(), { assignmentId: a.id, method: command.method, date: command.date }));
      break;
    }

    case 'confirm_contact': {
      const c = next.contacts.find((x) => x.id === command.contactId) ?? refuse('not_found', '找不到该沟通记录', `Unknown contact record: ${command.contactId}`);
      const role = requireDeputy(next, actor, '仅本建议的代表可确认沟通记录', "Only a deputy of this suggestion may confirm a contact record");
      if (c.confirmedAt) refuse('invalid_state', '该沟通记录已确认', 'This contact record is already confirmed');
      c.confirmedBy = actorId;
      c.confirmedAt = nowIso;
      audit.push(entry('confirm_contact', role, 'contact', c.id, 'recorded', 'confirmed', '确认属实'));
      break;
    }

    case 'submit_opinion': {
      const a = findAssignment(next, command.assignmentId);
      const role = requireUnitStaff(actor, a.unitId, '仅协办单位联络员或负责人可提交协办意见', "Only the co-handling unit's liaison or head may submit its opinion");
      if (a.role !== 'co') refuse('invalid_state', '只有协办单位提交协办意见', 'Only a co-handling unit submits a co-handler opinion');
      requireState(a, ['signed'], '提交协办意见', 'submit the co-handler opinion');
      const opinion = requireText(command.opinion, '请填写协办意见', 'The co-handler opinion is required');
      const id = ctx.newId('op');
      next.coOpinions.push({ id, suggestionId: suggestion.id, assignmentId: a.id, text: opinion, submittedBy: actorId, submittedAt: nowIso });
      const before = a.state;
      a.state = 'opinion_submitted';
      audit.push(entry('submit_opinion', role, 'assignment', a.id, before, a.state, opinion, { opinionId: id }));
      break;
    }

    case 'submit_answer': {
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
      });
      for (const c of command.commitments) {
        next.commitments.push(newCommitment(ctx.newId('cm'), suggestion.id, a.id, answerId, c.content.trim(), c.dueOn));
      }
      const before = a.state;
      a.state = 'answer_pending_approval';
      audit.push(
        entry('submit_answer', role, 'answer', answerId, before, a.state, summary, {
          assignmentId: a.id,
          resultClass: command.resultClass,
          public: command.public,
          commitments: command.commitments.length,
          round: a.round,
        }),
      );
      break;
    }

    case 'approve_answer':
    case 'return_answer': {
      const answer = findAnswer(next, command.answerId);
      const a = findAssignment(next, answer.assignmentId);
      const role = requireHead(actor, a.unitId, '仅承办单位负责人可审核答复', "Only the unit head may approve or return the answer");
      if (answer.status !== 'pending_approval' || a.state !== 'answer_pending_approval') {
        refuse('stale', '该答复已审核', 'This answer has already been decided');
      }
      const before = a.state;
      if (command.type === 'approve_answer') {
        answer.status = 'approved';
        answer.decidedBy = actorId;
        answer.decidedAt = nowIso;
        a.state = 'answered';
        // A re-handled answer replaces the earlier one: promises the deputy never confirmed lapse
        // with it; confirmed ones were agreed and stay tracked.
        for (const c of next.commitments) {
          if (c.assignmentId === a.id && c.answerId !== answer.id && c.state === 'proposed') c.state = 'void';
        }
        audit.push(entry('approve_answer', role, 'answer', answer.id, before, a.state, '审核通过', { assignmentId: a.id }));
      } else {
        const reason = requireText(command.reason, '请填写退回修改的理由', 'A reason for returning the answer is required');
        answer.status = 'returned';
        answer.decidedBy = actorId;
        answer.decidedAt = nowIso;
        answer.returnReason = reason;
        for (const c of next.commitments) if (c.answerId === answer.id) c.state = 'void';
        a.state = a.round === 2 ? 'rehandling' : 'signed';
        audit.push(entry('return_answer', role, 'answer', answer.id, before, a.state, reason, { assignmentId: a.id }));
      }
      break;
    }

    case 'evaluate': {
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
        refuse('invalid_state', `当前状态（${STATE_LABELS[a.state]?.zh_cn ?? a.state}）不能评价`, `The answer cannot be evaluated in state ${a.state}`);
      }
      const id = ctx.newId('ev');
      const comment = (command.comment ?? '').trim();
      next.evaluations.push({
        id,
        suggestionId: suggestion.id,
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
        entry('evaluate', role, 'assignment', a.id, before, a.state, comment, {
          evaluationId: id,
          answerId: answer.id,
          grade: command.grade,
          round: answer.round,
          decisive,
          escalate: a.state === 'closed_unsatisfied' && before !== a.state,
        }),
      );
      break;
    }

    case 'confirm_commitments': {
      const answer = findAnswer(next, command.answerId);
      const role = requireDeputy(next, actor, '仅本建议的代表可确认承诺', "Only a deputy of this suggestion may confirm the commitments");
      if (answer.status !== 'approved') refuse('invalid_state', '该答复尚未审核通过', 'This answer has not been approved yet');
      const proposed = next.commitments.filter((c) => c.answerId === answer.id && c.state === 'proposed');
      if (proposed.length === 0) refuse('invalid_state', '没有待确认的承诺事项', 'There are no commitments waiting for confirmation');
      for (const c of proposed) {
        c.state = 'confirmed';
        c.confirmedBy = actorId;
        c.confirmedAt = nowIso;
        audit.push(entry('confirm_commitments', role, 'commitment', c.id, 'proposed', 'confirmed', c.content, { dueOn: c.dueOn }));
      }
      break;
    }

    case 'claim_commitment_done': {
      const c = findCommitment(next, command.commitmentId);
      const a = findAssignment(next, c.assignmentId);
      const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可标记承诺完成', "Only the handling unit's liaison or head may mark a commitment done");
      if (c.state !== 'confirmed') refuse('invalid_state', `该承诺当前不能标记完成（${commitmentLabel(c)}）`, `This commitment cannot be marked done now (${c.state})`);
      const evidence = requireText(command.evidence, '请填写完成情况或佐证', 'Evidence of completion is required');
      c.state = 'done_claimed';
      c.evidence = evidence;
      c.claimedBy = actorId;
      c.claimedAt = nowIso;
      audit.push(entry('claim_commitment_done', role, 'commitment', c.id, 'confirmed', c.state, evidence));
      break;
    }

    case 'confirm_commitment_done': {
      const c = findCommitment(next, command.commitmentId);
      const role = requireDeputyOrSupervisor(next, actor, '仅本建议的代表或督办人员可确认完成', "Only a deputy of this suggestion or a supervisor may confirm completion");
      if (c.state !== 'done_claimed') refuse('invalid_state', `该承诺尚未标记完成（${commitmentLabel(c)}）`, `This commitment has not been marked done (${c.state})`);
      c.state = 'done';
      c.doneBy = actorId;
      c.doneAt = nowIso;
      audit.push(entry('confirm_commitment_done', role, 'commitment', c.id, 'done_claimed', c.state, '确认完成'));
      break;
    }

    case 'show_commitment': {
      const c = findCommitment(next, command.commitmentId);
      const a = findAssignment(next, c.assignmentId);
      const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可标记承诺完成', "Only the handling unit's liaison or head may mark a commitment done");
      if (c.state !== 'confirmed') refuse('invalid_state', '该承诺当前不能标记完成', 'This commitment cannot be marked done now');
      audit.push(entry('show_commitment', role, 'commitment', c.id, c.state, c.state, '重新发送承诺卡片'));
      break;
    }

    case 'extend_answer_deadline': {
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
      audit.push(entry('extend_answer_deadline', role, 'assignment', a.id, a.state, a.state, reason, { from: limits.due, until, asked: command.until }));
      break;
    }

    case 'withdraw_suggestion': {
      const role = requireSupervisor(actor, '仅督办人员可撤回建议', 'Only a supervisor may withdraw a suggestion');
      if (suggestion.status !== 'open') refuse('invalid_state', '该建议已办结，不能撤回', 'A closed suggestion cannot be withdrawn');
      const reason = requireText(command.reason, '请填写撤回理由', 'A reason for the withdrawal is required');
      for (const a of next.assignments) {
        if (!FINISHED_STATES.has(a.state)) {
          audit.push(entry('withdraw_suggestion', role, 'assignment', a.id, a.state, 'withdrawn', reason));
          a.state = 'withdrawn';
          a.closedAt = nowIso;
        }
      }
      suggestion.status = 'withdrawn';
      audit.push(entry('withdraw_suggestion', role, 'suggestion', suggestion.id, 'open', 'withdrawn', reason));
      break;
    }
  }

  if (suggestion.status === 'open' && isSuggestionComplete(next)) {
    suggestion.status = 'closed';
    audit.push(entry('suggestion_closed', audit[0]?.actorRole ?? 'system', 'suggestion', suggestion.id, 'open', 'closed', '建议办结'));
  }
  if (audit.some((e) => !READ_ONLY_COMMANDS.has(e.action as CommandType))) {
    suggestion.version += 1;
    suggestion.updatedAt = nowIso;
  }
  return { next, audit };
}

/**
 * 办结 (SPEC §3): every lead/split assignment is closed and every co-handler opinion is in.
 * Withdrawn assignments (re-assigned away) do not count either way.
 */
export function isSuggestionComplete(agg: SuggestionAggregate): boolean {
  const live = agg.assignments.filter((a) => a.state !== 'withdrawn');
  const answering = live.filter((a) => a.role !== 'co');
  if (answering.length === 0) return false;
  return (
    answering.every((a) => a.state === 'closed' || a.state === 'closed_unsatisfied') &&
    live.filter((a) => a.role === 'co').every((a) => a.state === 'opinion_submitted')
  );
}

/**
 * The deputy whose evaluation moves the assignment (CQ §26: for a joint suggestion the lead
 * deputy rates). Co-signers may evaluate too; theirs are recorded and counted in statistics.
 */
export function decidingDeputyId(agg: SuggestionAggregate): string | undefined {
  const sorted = [...agg.deputies].sort((x, y) => (x.role === y.role ? x.position - y.position : x.role === 'lead' ? -1 : 1));
  return sorted[0]?.deputyId;
}

export function latestApprovedAnswer(agg: SuggestionAggregate, assignmentId: string): AnswerRow | undefined {
  return agg.answers
    .filter((x) => x.assignmentId === assignmentId && x.status === 'approved')
    .sort((x, y) => y.round - x.round || (y.decidedAt ?? '').localeCompare(x.decidedAt ?? ''))[0];
}

// ---------------------------------------------------------------------------------------------
// Lookups: an id from outside (a card value, an API path) that is not part of this suggestion is
// refused as not found, so a forged value can never reach another suggestion's records.

function findAssignment(agg: SuggestionAggregate, id: string): AssignmentRow {
  return agg.assignments.find((a) => a.id === id) ?? refuse('not_found', '找不到该交办记录', `Unknown assignment: ${id}`);
}

function findAnswer(agg: SuggestionAggregate, id: string): AnswerRow {
  return agg.answers.find((a) => a.id === id) ?? refuse('not_found', '找不到该答复', `Unknown answer: ${id}`);
}

function findCommitment(agg: SuggestionAggregate, id: string): CommitmentRow {
  return agg.commitments.find((c) => c.id === id) ?? refuse('not_found', '找不到该承诺事项', `Unknown commitment: ${id}`);
}

function pendingRequest(agg: SuggestionAggregate, assignmentId: string) {
  return (
    agg.reassignmentRequests.find((r) => r.assignmentId === assignmentId && r.status === 'pending') ??
    refuse('invalid_state', '没有待审批的改办申请', 'There is no pending re-assignment request')
  );
}

// ---------------------------------------------------------------------------------------------
// Permissions (SPEC §5). Each returns the role the actor acts in, for the audit log. A supervisor
// may act on anyone's behalf, which is recorded as such.

function requireUnitStaff(actor: Actor, unitId: string, zh: string, en: string): ActingRole {
  if (actor.kind === 'system') return `system:${actor.name}`;
  if (actor.headOf.has(unitId)) return 'head';
  if (actor.liaisonOf.has(unitId)) return 'liaison';
  if (actor.isSupervisor) return 'supervisor_on_behalf';
  return refuse('forbidden', zh, en);
}

function requireHead(actor: Actor, unitId: string, zh: string, en: string): ActingRole {
  if (actor.kind === 'system') return `system:${actor.name}`;
  if (actor.headOf.has(unitId)) return 'head';
  if (actor.isSupervisor) return 'supervisor_on_behalf';
  return refuse('forbidden', zh, en);
}

function requireSupervisor(actor: Actor, zh: string, en: string): ActingRole {
  if (actor.kind === 'system') return `system:${actor.name}`;
  if (actor.isSupervisor) return 'supervisor';
  return refuse('forbidden', zh, en);
}

function deputyOfSuggestion(agg: SuggestionAggregate, actor: PersonActor): string | undefined {
  return agg.deputies.find((d) => actor.deputyIds.has(d.deputyId))?.deputyId;
}

function requireDeputy(agg: SuggestionAggregate, actor: Actor, zh: string, en: string): ActingRole {
  if (actor.kind === 'system') return `system:${actor.name}`;
  if (deputyOfSuggestion(agg, actor)) return 'deputy';
  if (actor.isSupervisor) return 'supervisor_on_behalf';
  return refuse('forbidden', zh, en);
}

function requireDeputyOrSupervisor(agg: SuggestionAggregate, actor: Actor, zh: string, en: string): ActingRole {
  if (actor.kind === 'system') return `system:${actor.name}`;
  if (deputyOfSuggestion(agg, actor)) return 'deputy';
  if (actor.isSupervisor) return 'supervisor';
  return refuse('forbidden', zh, en);
}

/** An evaluation is always in some deputy's name: a supervisor (or the operator) records the lead deputy's. */
function requireEvaluator(agg: SuggestionAggregate, actor: Actor, zh: string, en: string): { role: ActingRole; deputyId: string } {
  const own = actor.kind === 'person' ? deputyOfSuggestion(agg, actor) : undefined;
  if (own) return { role: 'deputy', deputyId: own };
  const onBehalf = actor.kind === 'system' || actor.isSupervisor;
  const deciding = decidingDeputyId(agg);
  if (onBehalf && deciding) return { role: actor.kind === 'system' ? `system:${actor.name}` : 'supervisor_on_behalf', deputyId: deciding };
  if (onBehalf) return refuse('invalid_state', '该建议没有登记代表，无法评价', 'This suggestion has no deputy to evaluate it');
  return refuse('forbidden', zh, en);
}

// ---------------------------------------------------------------------------------------------

function requireState(a: AssignmentRow, allowed: AssignmentState[], verbZh: string, verbEn: string): void {
  if (allowed.includes(a.state)) return;
  const label = STATE_LABELS[a.state];
  throw new DomainError(
    a.state === 'withdrawn' ? 'stale' : 'invalid_state',
    `当前状态（${label?.zh_cn ?? a.state}）不能${verbZh}`,
    `Cannot ${verbEn} in state ${a.state}`,
    { state: a.state },
  );
}

function requireText(value: string, zh: string, en: string): string {
  const trimmed = value.trim();
  if (!trimmed) refuse('invalid_input', zh, en);
  return trimmed;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function commitmentLabel(c: CommitmentRow): string {
  const labels: Record<CommitmentRow['state'], string> = {
    proposed: '待代表确认',
    confirmed: '已确认',
    done_claimed: '已标记完成',
    done: '已完成',
    void: '已作废',
  };
  return labels[c.state];
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

function entry(
  action: AuditDraft['action'],
  actorRole: string,
  subjectType: AuditDraft['subjectType'],
  subjectId: string,
  beforeState: string | null,
  afterState: string | null,
  message: string,
  details?: unknown,
): AuditDraft {
  return { action, actorRole, subjectType, subjectId, beforeState, afterState, message, details };
}
