/**
 * 答复, the approved answer (cards/answer.json): the deputies' evaluation form while the suggestion
 * is open, 确认承诺 while a commitment awaits confirmation, and the evaluations received so far.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import answerJson from '../../../../cards/answer.json' with { type: 'json' };

const TEMPLATE = loadTemplate('answer', answerJson);

export function buildAnswerCard(model: CardModelOf<'answer'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const open = s.status === 'open';
  const a = model.answer;
  const b = cardBuilder(TEMPLATE, limits, s, (_pre, vars) => flatten('answer', a, vars));
  const confirm =
    s.status !== 'withdrawn' && a.commitments.some((c) => c.state === 'proposed')
      ? [b.markdown([b.text('confirmHint')]), b.part('confirmCommitmentsButton')]
      : [];
  const evaluations = b.headedList(a.evaluations, 'noEvaluations', 'evaluationsHeading', (e) =>
    e.comment.trim()
      ? b.text('evaluationWithComment', {
          deputyName: e.deputyName,
          grade: b.label('grade', e.grade),
          comment: b.content(s, e.comment, limits.note),
        })
      : b.text('evaluation', { deputyName: e.deputyName, grade: b.label('grade', e.grade) }),
  );
  const evaluate =
    open && a.status === 'approved' ? [b.markdown([b.text('evaluateHint')]), b.part('evaluateForm')] : [];
  return b.card({
    mentions: b.mentions(model.mentions),
    suggestion: b.suggestion(s, true),
    answer: b.answer(s, a),
    confirm,
    evaluations: [evaluations],
    evaluate,
  });
}
