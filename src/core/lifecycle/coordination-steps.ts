/**
 * 协调处理 (SPEC §3): after a second 不满意 closes an assignment `closed_unsatisfied`, the
 * congress office convenes the parties; a supervisor records the date and what came of it
 * (`登记协调结果` on the card in the supervisors' group). Once per assignment: the record is what
 * the annual report cites, and a correction is a matter for the operator, not a second press.
 */
import { refuse } from '../errors.ts';
import { isIsoDate, requireState, requireText } from './checks.ts';
import type { CommandOf } from './commands.ts';
import { findAssignment } from './lookups.ts';
import { requireSupervisor } from './permissions.ts';
import { auditEntry, type StepContext } from './step.ts';

export function recordCoordination(command: CommandOf<'record_coordination'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const a = findAssignment(next, command.assignmentId);
  const role = requireSupervisor(actor, '仅督办人员可登记协调结果', 'Only a supervisor may record the coordination');
  requireState(a, ['closed_unsatisfied'], '登记协调结果', 'record the coordination');
  if (next.coordinations.some((c) => c.assignmentId === a.id)) {
    refuse('invalid_state', '该承办单位的协调结果已登记', 'The coordination of this unit is already recorded');
  }
  if (!isIsoDate(command.date)) refuse('invalid_input', `协调日期（date）格式应为 YYYY-MM-DD：${command.date}`, `The date (date) must be YYYY-MM-DD: ${command.date}`);
  if (command.date > ctx.today) refuse('invalid_input', `协调日期（date）不能晚于今天：${command.date}`, `The date (date) cannot be in the future: ${command.date}`);
  const outcome = requireText(command.outcome, '请填写协调结果（outcome）', 'The outcome (outcome) is required');
  const id = ctx.newId('co');
  next.coordinations.push({ id, suggestionId: next.suggestion.id, assignmentId: a.id, date: command.date, outcome, recordedBy: actorId, recordedAt: nowIso });
  audit.push(auditEntry('record_coordination', role, 'assignment', a.id, a.state, a.state, outcome, { coordinationId: id, date: command.date }));
}
