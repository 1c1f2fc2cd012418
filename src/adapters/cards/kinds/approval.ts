/**
 * 答复审核, the answer approval (cards/approval.json): a submitted answer for the unit's head, with
 * 审核通过 and the 退回修改 form while pending, and the outcome once decided.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { JsonObject, LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import approvalJson from '../../../../cards/approval.json' with { type: 'json' };

const TEMPLATE = loadTemplate('approval', approvalJson);

export function buildApprovalCard(model: CardModelOf<'approval'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const a = model.answer;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...flatten('answer', a, vars),
    reason: pre.inline(a.returnReason ?? '—', limits.note),
  }));
  let actions: JsonObject[];
  if (a.status === 'pending_approval') {
    actions = [b.markdown([b.text('pendingHint')]), b.part('approveButton'), b.part('returnForm')];
  } else {
    actions = [b.markdown([b.text(a.status === 'approved' ? 'approved' : 'returned')])];
  }
  return b.card({
    mentions: b.mentions(model.mentions),
    suggestion: b.suggestion(s, true),
    answer: b.answer(s, a),
    actions,
  });
}
