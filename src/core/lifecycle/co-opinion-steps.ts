/**
 * 协办意见评价 (SPEC §3, the Chongqing 协办意见评价回执): the lead unit's liaison or head rates each
 * co-handler opinion 满意, 基本满意 or 不满意, once per opinion. 不满意 asks the co unit for a second
 * opinion: its assignment goes back to `signed`, where 提交协办意见 is offered again.
 */
import { refuse } from '../errors.ts';
import { GRADES, type Grade } from '../model.ts';
import type { CommandOf } from './commands.ts';
import { requireUnitStaff } from './permissions.ts';
import { auditEntry, type StepContext } from './step.ts';

export function evaluateCoOpinion(command: CommandOf<'evaluate_co_opinion'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const opinion = next.coOpinions.find((o) => o.id === command.opinionId) ?? refuse('not_found', '找不到该协办意见', 'Unknown co-handler opinion');
  const lead = next.assignments.find((a) => a.role === 'lead' && a.state !== 'withdrawn');
  if (!lead) return refuse('invalid_state', '该建议没有主办单位', 'This suggestion has no lead unit');
  const role = requireUnitStaff(actor, lead.unitId, '仅主办单位联络员或负责人可评价协办意见', "Only the lead unit's liaison or head may evaluate a co-handler opinion");
  if (next.coOpinionEvaluations.some((e) => e.opinionId === opinion.id)) refuse('invalid_state', '该协办意见已评价', 'This co-handler opinion has already been evaluated');
  if (!(GRADES as readonly string[]).includes(command.grade)) {
    refuse('invalid_input', '请选择评价（grade）：满意、基本满意或不满意', 'Choose the grade (grade): satisfied, basically satisfied or unsatisfied');
  }
  const grade = command.grade as Grade;
  const co = next.assignments.find((a) => a.id === opinion.assignmentId);
  const id = ctx.newId('oe');
  const comment = command.comment.trim();
  next.coOpinionEvaluations.push({ id, suggestionId: next.suggestion.id, assignmentId: opinion.assignmentId, opinionId: opinion.id, grade, comment, evaluatedBy: actorId, evaluatedAt: nowIso });
  const before = co?.state ?? null;
  // 不满意: the co unit gives its opinion again (a second opinion), unless it has moved on.
  if (grade === 'unsatisfied' && co?.state === 'opinion_submitted') co.state = 'signed';
  audit.push(auditEntry('evaluate_co_opinion', role, 'assignment', opinion.assignmentId, before, co?.state ?? null, comment, { evaluationId: id, opinionId: opinion.id, grade }));
}
