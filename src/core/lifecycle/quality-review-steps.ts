/**
 * 质量评审 (SPEC §5, §10): once an answer is final — its assignment closed by the evaluation,
 * satisfied or not — a supervisor reviews it on the three dimensions the Wuchang reports use,
 * 合规 (compliance), 文书 (document), 效果 (effect), each good / fair / poor, with a note. Once
 * per answer: the review is what the quality table by unit counts.
 */
import { refuse } from '../errors.ts';
import { REVIEW_GRADES, type ReviewGrade } from '../model.ts';
import type { CommandOf } from './commands.ts';
import { requireSupervisor } from './permissions.ts';
import { latestApprovedAnswer } from './rules.ts';
import { auditEntry, type StepContext } from './step.ts';

const FIELD_NAMES = { compliance: '合规', document: '文书', effect: '效果' } as const;

function grade(field: keyof typeof FIELD_NAMES, value: string): ReviewGrade {
  if ((REVIEW_GRADES as readonly string[]).includes(value)) return value as ReviewGrade;
  return refuse('invalid_input', `请为${FIELD_NAMES[field]}（${field}）选择 好/一般/差（good/fair/poor）`, `Choose good, fair or poor for ${field}`);
}

export function submitQualityReview(command: CommandOf<'submit_quality_review'>, { next, audit, actor, actorId, nowIso, ctx }: StepContext): void {
  const answer = next.answers.find((x) => x.id === command.answerId) ?? refuse('not_found', '找不到该答复', 'Unknown answer');
  const role = requireSupervisor(actor, '仅督办人员可提交评审', 'Only a supervisor may review an answer');
  const a = next.assignments.find((x) => x.id === answer.assignmentId);
  const final = a && (a.state === 'closed' || a.state === 'closed_unsatisfied') && latestApprovedAnswer(next, a.id)?.id === answer.id;
  if (!a || !final) return refuse('invalid_state', '该答复尚不是最终答复，不能评审', 'This answer is not final yet and cannot be reviewed');
  if (next.qualityReviews.some((r) => r.answerId === answer.id)) refuse('invalid_state', '该答复已评审', 'This answer has already been reviewed');
  const review = {
    compliance: grade('compliance', command.compliance),
    document: grade('document', command.document),
    effect: grade('effect', command.effect),
  };
  const id = ctx.newId('qr');
  const note = command.note.trim();
  next.qualityReviews.push({ id, suggestionId: next.suggestion.id, assignmentId: a.id, answerId: answer.id, ...review, note, reviewedBy: actorId, reviewedAt: nowIso });
  audit.push(auditEntry('submit_quality_review', role, 'answer', answer.id, answer.status, answer.status, note, { reviewId: id, ...review }));
}
