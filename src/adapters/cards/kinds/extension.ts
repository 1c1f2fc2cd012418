/**
 * 延期审批, the extension request (cards/extension.json): a lead/split unit asks for a later answer
 * deadline; a supervisor grants it (the `until` form, prefilled with the asked date) or refuses it
 * (`reason`). After the decision: the outcome, no buttons.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { JsonObject, LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import extensionJson from '../../../../cards/extension.json' with { type: 'json' };

const TEMPLATE = loadTemplate('extension', extensionJson);

export function buildExtensionCard(model: CardModelOf<'extension'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const { assignment: a, request: r } = model;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...flatten('assignment', a, vars),
    ...flatten('request', { ...r, grantedUntil: r.grantedUntil ?? '' }, {}),
    role: pre.label('role', a.role),
    currentDue: model.currentDue,
    maxDue: model.maxDue,
    reason: pre.content(s, r.reason, limits.note),
    note: pre.content(s, r.decisionReason ?? '', limits.note),
  }));
  const details = [b.text('unit'), b.text('requestedBy'), b.text('dates'), b.text('reason')];
  let actions: JsonObject[];
  if (r.status === 'pending') actions = [b.markdown([b.text('pendingHint')]), b.part('approveForm'), b.part('rejectForm')];
  else actions = [b.markdown([b.text(r.status === 'approved' ? 'approved' : 'rejected')])];
  return b.card({ mentions: b.mentions(model.mentions), suggestion: b.suggestion(s, true), details: [b.markdown(details)], actions });
}
