/**
 * 答复复核, the answer review (cards/review.json; policy `answerReview: "supervisor"`): the answer
 * the head approved, for a supervisor: 复核通过 and the 退回重办 form while pending, the outcome after.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { JsonObject, LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import reviewJson from '../../../../cards/review.json' with { type: 'json' };

const TEMPLATE = loadTemplate('review', reviewJson);

export function buildReviewCard(model: CardModelOf<'review'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const a = model.answer;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...flatten('answer', a, vars),
    reason: pre.content(s, a.returnReason ?? '—', limits.note),
  }));
  let actions: JsonObject[];
  if (a.status === 'pending_review') actions = [b.markdown([b.text('pendingHint')]), b.part('approveButton'), b.part('returnForm')];
  else actions = [b.markdown([b.text(a.status === 'approved' ? 'approved' : 'returned')])];
  return b.card({ mentions: b.mentions(model.mentions), suggestion: b.suggestion(s, true), answer: b.answer(s, a), actions });
}
