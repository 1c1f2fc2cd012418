/** Steps on the suggestion as a whole: a supervisor withdraws it, with every open assignment. */
import { refuse } from '../errors.ts';
import { FINISHED_STATES } from '../model.ts';
import { requireText } from './checks.ts';
import type { CommandOf } from './commands.ts';
import { requireSupervisor } from './permissions.ts';
import { auditEntry, type StepContext } from './step.ts';

export function withdrawSuggestion(command: CommandOf<'withdraw_suggestion'>, { next, audit, actor, nowIso }: StepContext): void {
  const suggestion = next.suggestion;
  const role = requireSupervisor(actor, '仅督办人员可撤回建议', 'Only a supervisor may withdraw a suggestion');
  if (suggestion.status !== 'open') refuse('invalid_state', '该建议已办结，不能撤回', 'A closed suggestion cannot be withdrawn');
  const reason = requireText(command.reason, '请填写撤回理由', 'A reason for the withdrawal is required');
  for (const a of next.assignments) {
    if (!FINISHED_STATES.has(a.state)) {
      audit.push(auditEntry('withdraw_suggestion', role, 'assignment', a.id, a.state, 'withdrawn', reason));
      a.state = 'withdrawn';
      a.closedAt = nowIso;
    }
  }
  suggestion.status = 'withdrawn';
  audit.push(auditEntry('withdraw_suggestion', role, 'suggestion', suggestion.id, 'open', 'withdrawn', reason));
}
