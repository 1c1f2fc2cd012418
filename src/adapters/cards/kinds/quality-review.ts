/**
 * 质量评审, the quality review (cards/quality_review.json): in the supervisors' group once an
 * answer is final, with the 提交评审 form (合规、文书、效果 each good/fair/poor, and a note) until a
 * supervisor reviews it, then the grades. A classified suggestion's note is not shown.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import qualityReviewJson from '../../../../cards/quality_review.json' with { type: 'json' };

const TEMPLATE = loadTemplate('quality_review', qualityReviewJson);

export function buildQualityReviewCard(model: CardModelOf<'quality_review'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const r = model.review;
  const done = r.recorded;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...flatten('review', r, vars),
    resultClass: pre.label('resultClass', r.resultClass),
    compliance: done ? pre.label('reviewGrade', done.compliance) : '',
    document: done ? pre.label('reviewGrade', done.document) : '',
    effect: done ? pre.label('reviewGrade', done.effect) : '',
    note: pre.content(s, done?.note ?? '', limits.note),
    by: done?.byName ?? '',
  }));
  const details = [b.text('unit'), b.text('answer')];
  const actions = done
    ? [b.markdown([b.text('reviewed'), ...(s.classified || !done.note ? [] : [b.text('note')])])]
    : [b.markdown([b.text('askReview')]), b.part('reviewForm')];
  return b.card({ suggestion: b.suggestion(s, true), details: [b.markdown(details)], actions });
}
