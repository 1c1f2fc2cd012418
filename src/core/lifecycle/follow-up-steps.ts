/**
 * Steps after a commitment was made (policy `followUp`, SPEC §4/§5): its unit reports progress on
 * a 承诺进展 card while the commitment is open, and once it is confirmed done each deputy of the
 * suggestion may grade how it was kept (承诺兑现评价, the second evaluation), once.
 */
import { refuse } from '../errors.ts';
import { requireText } from './checks.ts';
import type { CommandOf } from './commands.ts';
import { findAssignment, findCommitment } from './lookups.ts';
import { requireEvaluator, requireUnitStaff } from './permissions.ts';
import { auditEntry, type StepContext } from './step.ts';

export function reportCommitmentProgress(command: CommandOf<'report_commitment_progress'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const c = findCommitment(next, command.commitmentId);
  const a = findAssignment(next, c.assignmentId);
  const role = requireUnitStaff(actor, a.unitId, '仅承办单位联络员或负责人可报告承诺进展', "Only the handling unit's liaison or head may report on this commitment");
  if (c.state !== 'confirmed') refuse('invalid_state', '该承诺已不在办理中，无需报告进展', 'This commitment is no longer open; no progress report is needed');
  const text = requireText(command.text, '请填写承诺进展', 'The progress report is required');
  const id = ctx.newId('cf');
  next.commitmentFollowUps.push({ id, suggestionId: next.suggestion.id, commitmentId: c.id, text, reportedBy: actorId, reportedAt: nowIso });
  audit.push(auditEntry('report_commitment_progress', role, 'commitment', c.id, c.state, c.state, text, { followUpId: id }));
}

export function evaluateCommitment(command: CommandOf<'evaluate_commitment'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const c = findCommitment(next, command.commitmentId);
  const { role, deputyId } = requireEvaluator(next, actor, '仅本建议的代表可评价承诺兑现情况', "Only a deputy of this suggestion may evaluate how the commitment was kept");
  if (c.state !== 'done') refuse('invalid_state', '该承诺尚未确认完成，不能评价', 'This commitment has not been confirmed done yet');
  if (next.commitmentEvaluations.some((e) => e.commitmentId === c.id && e.deputyId === deputyId)) {
    refuse('conflict', '您已评价过该承诺的兑现情况', 'You have already evaluated this commitment');
  }
  const comment = (command.comment ?? '').trim();
  const id = ctx.newId('ce');
  next.commitmentEvaluations.push({ id, suggestionId: next.suggestion.id, commitmentId: c.id, deputyId, grade: command.grade, comment, evaluatedBy: actorId, evaluatedAt: nowIso });
  audit.push(auditEntry('evaluate_commitment', role, 'commitment', c.id, c.state, c.state, comment, { commitmentEvaluationId: id, grade: command.grade }));
}
