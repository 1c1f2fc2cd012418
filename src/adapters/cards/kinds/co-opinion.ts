/**
 * 协办意见, the co-handler opinion (cards/co_opinion.json): posted when a co unit submits, @ the
 * lead unit, with the 评价协办意见 form until the lead unit rates it, then the grade. A classified
 * suggestion's opinion and comment are not shown.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import coOpinionJson from '../../../../cards/co_opinion.json' with { type: 'json' };

const TEMPLATE = loadTemplate('co_opinion', coOpinionJson);

export function buildCoOpinionCard(model: CardModelOf<'co_opinion'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const o = model.opinion;
  const ev = o.evaluation;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...flatten('opinion', o, vars),
    text: pre.content(s, o.text, limits.note),
    grade: ev ? pre.label('coGrade', ev.grade) : '',
    comment: pre.content(s, ev?.comment ?? '', limits.note),
    by: ev?.byName ?? '',
  }));
  const details = [b.text('unit'), b.text('submitted'), b.text('text')];
  const actions = ev
    ? [b.markdown([b.text('evaluated'), ...(s.classified || !ev.comment ? [] : [b.text('comment')])])]
    : [b.markdown([b.text('askEvaluate')]), b.part('evaluateForm')];
  return b.card({ mentions: b.mentions(model.mentions), suggestion: b.suggestion(s, true), details: [b.markdown(details)], actions });
}
