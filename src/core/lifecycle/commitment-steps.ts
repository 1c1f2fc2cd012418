/**
 * Steps on the commitments an approved answer made: the deputy confirms them, the unit marks one
 * done with its evidence, the deputy (or a supervisor) confirms it done; the status board may ask
 * for a commitment's card again.
 */
import { refuse } from '../errors.ts';
import type { CommitmentRow } from '../model.ts';
import { requireText } from './checks.ts';
import type { CommandOf } from './commands.ts';
import { findAnswer, findAssignment, findCommitment } from './lookups.ts';
import { requireDeputy, requireDeputyOrSupervisor, requireUnitStaff, type ActingRole } from './permissions.ts';
import { auditEntry, type StepContext } from './step.ts';

export function confirmCommitments(command: CommandOf<'confirm_commitments'>, { next, audit, actor, actorId, nowIso }: StepContext): void {
  const answer = findAnswer(next, command.answerId);
  const role = requireDeputy(next, actor, '仅本建议的代表可确认承诺', "Only a deputy of this suggestion may confirm the commitments");
  if (answer.status !== 'approved') refuse('invalid_state', '该答复尚未审核通过', 'This answer has not been approved yet');
  const proposed = next.commitments.filter((c) => c.answerId === answer.id && c.state === 'proposed');
  if (proposed.length === 0) refuse('invalid_state', '没有待确认的承诺事项', 'There are no commitments waiting for confirmation');
  for (const c of proposed) {
    c.state = 'confirmed';
    c.confirmedBy = actorId;
    c.confirmedAt = nowIso;
    audit.push(auditEntry('confirm_commitments', role, 'commitment', c.id, 'proposed', 'confirmed', c.content, { dueOn: c.dueOn }));
  }
}

/** A commitment its unit's staff act on (mark it done, or see its card again), and their role. */
function commitmentForItsUnit(commitmentId: string, { next, actor }: StepContext): { c: CommitmentRow; role: ActingRole } {
  const c = findCommitment(next, commitmentId);
  const a = findAssignment(next, c.assignmentId);
  const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可标记承诺完成', "Only the handling unit's liaison or head may mark a commitment done");
  return { c, role };
}

export function claimCommitmentDone(command: CommandOf<'claim_commitment_done'>, context: StepContext): void {
  const { audit, actorId, nowIso } = context;
  const { c, role } = commitmentForItsUnit(command.commitmentId, context);
  if (c.state !== 'confirmed') refuse('invalid_state', `该承诺当前不能标记完成（${commitmentLabel(c)}）`, `This commitment cannot be marked done now (${c.state})`);
  const evidence = requireText(command.evidence, '请填写完成情况或佐证', 'Evidence of completion is required');
  c.state = 'done_claimed';
  c.evidence = evidence;
  c.claimedBy = actorId;
  c.claimedAt = nowIso;
  audit.push(auditEntry('claim_commitment_done', role, 'commitment', c.id, 'confirmed', c.state, evidence));
}

export function confirmCommitmentDone(command: CommandOf<'confirm_commitment_done'>, { next, audit, actor, actorId, nowIso }: StepContext): void {
  const c = findCommitment(next, command.commitmentId);
  const role = requireDeputyOrSupervisor(next, actor, '仅本建议的代表或督办人员可确认完成', "Only a deputy of this suggestion or a supervisor may confirm completion");
  if (c.state !== 'done_claimed') refuse('invalid_state', `该承诺尚未标记完成（${commitmentLabel(c)}）`, `This commitment has not been marked done (${c.state})`);
  c.state = 'done';
  c.doneBy = actorId;
  c.doneAt = nowIso;
  audit.push(auditEntry('confirm_commitment_done', role, 'commitment', c.id, 'done_claimed', c.state, '确认完成'));
}

/** Read-only (READ_ONLY_COMMANDS): audited, but the version does not move. */
export function showCommitment(command: CommandOf<'show_commitment'>, context: StepContext): void {
  const { c, role } = commitmentForItsUnit(command.commitmentId, context);
  if (c.state !== 'confirmed') refuse('invalid_state', '该承诺当前不能标记完成', 'This commitment cannot be marked done now');
  context.audit.push(auditEntry('show_commitment', role, 'commitment', c.id, c.state, c.state, '重新发送承诺卡片'));
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
