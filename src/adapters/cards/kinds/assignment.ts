/**
 * 交办通知, the assignment notice (cards/assignment.json): one per assigned unit when the group is
 * created, with 签收 while it waits to be signed for and the 申请改办 form until it is answered,
 * and up to three similar earlier suggestions with their answers (往年类似建议).
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { JsonObject, LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import { similarElements } from './knowledge.ts';
import assignmentJson from '../../../../cards/assignment.json' with { type: 'json' };

const TEMPLATE = loadTemplate('assignment', assignmentJson);

export function buildAssignmentCard(model: CardModelOf<'assignment'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const open = s.status === 'open';
  const a = model.assignment;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...flatten('assignment', a, vars),
    signDue: model.signDue,
    answerDue: model.answerDue ?? '',
    role: pre.label('role', a.role),
  }));
  const details = [b.text('unit'), b.text('signDue')];
  if (model.answerDue) details.push(b.text('answerDue'));
  if (a.state !== 'pending_sign') details.push(b.text('state'));
  const canSign = open && a.state === 'pending_sign';
  const canAskReassign = open && (a.state === 'pending_sign' || a.state === 'signed');
  const actions: JsonObject[] = [];
  if (canSign) actions.push(b.markdown([b.text('signHint')]), b.part('signButton'));
  else if (canAskReassign) actions.push(b.markdown([b.text('reassignHint')]));
  if (canAskReassign) actions.push(b.part('reassignForm'));
  const body = !s.classified && s.body.trim() ? [b.part('bodyPanel', {}, { content: [b.userText(s.body, limits.body)] })] : [];
  return b.card({
    mentions: b.mentions(model.mentions),
    suggestion: b.suggestion(s),
    body,
    details: [b.markdown(details), ...similarElements(model.similar)],
    actions,
  });
}
