/**
 * 承诺事项, one commitment (cards/commitment.json): the 已完成 form (evidence) once confirmed,
 * 确认完成 once claimed done; once done the second evaluation (承诺兑现评价: 满意/基本满意/不满意) while a
 * deputy has not given it; no buttons when void or the suggestion is withdrawn.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { JsonObject, LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { cardBuilder } from './card-builder.ts';
import commitmentJson from '../../../../cards/commitment.json' with { type: 'json' };

const TEMPLATE = loadTemplate('commitment', commitmentJson);

export function buildCommitmentCard(model: CardModelOf<'commitment'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const c = model.commitment;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...vars,
    ...pre.commitmentVars(s, c),
    content: pre.content(s, c.content, limits.note),
    evidence: pre.content(s, c.evidence ?? '', limits.note),
    secondEvaluations: (c.secondEvaluations ?? []).map((e) => `${e.deputyName} ${e.grade === 'satisfied' ? '满意' : e.grade === 'basically_satisfied' ? '基本满意' : '不满意'}`).join('；'),
  }));
  const details = [b.text('content'), b.text('unit'), b.text('due'), b.text('state')];
  if (c.evidence?.trim()) details.push(b.text('evidence'));
  if (c.secondEvaluations?.length) details.push(b.text('secondEvaluations'));
  let actions: JsonObject[] = [];
  if (s.status !== 'withdrawn') {
    if (c.state === 'proposed') actions = [b.notation(b.text('proposedHint'))];
    else if (c.state === 'confirmed') actions = [b.markdown([b.text('confirmedHint')]), b.part('claimForm')];
    else if (c.state === 'done_claimed') actions = [b.markdown([b.text('claimedHint')]), b.part('confirmDoneButton')];
    else if (c.state === 'done' && c.secondEvaluationOpen) actions = [b.markdown([b.text('secondEvaluationHint')]), b.part('secondEvaluationForm')];
  }
  return b.card({
    mentions: b.mentions(model.mentions),
    suggestion: b.suggestion(s, true),
    details: [b.markdown(details)],
    actions,
  });
}
