/**
 * 改办审批, the re-assignment request (cards/reassign.json): for the supervisors, with the 同意改办
 * form (the new unit) and the 不同意改办 form while pending, and the decision once made.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { JsonObject, LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import reassignJson from '../../../../cards/reassign.json' with { type: 'json' };

const TEMPLATE = loadTemplate('reassign', reassignJson);

/** Options in the re-assignment unit list: all units must be offered, but not without bound. */
const MAX_UNIT_OPTIONS = 150;

export function buildReassignCard(model: CardModelOf<'reassign'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const { assignment: a, request: r } = model;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...flatten('assignment', a, vars),
    ...flatten('request', r, {}),
    role: pre.label('role', a.role),
    reason: pre.inline(r.reason, limits.note),
    note: pre.inline(r.decisionNote ?? '', limits.note),
  }));
  const details = [b.text('unit'), b.text('requestedBy'), b.text('reason')];
  const actions: JsonObject[] = [];
  if (r.status === 'pending') {
    actions.push(b.markdown([b.text('pendingHint')]));
    const units = model.units.slice(0, MAX_UNIT_OPTIONS);
    if (units.length > 0) {
      const options = units.map((u) => b.part('unitOption', { 'unit.id': u.id, 'unit.name': u.name }));
      actions.push(b.part('approveForm', {}, { units: options }));
    } else {
      actions.push(b.markdown([b.text('noUnits')]));
    }
    actions.push(b.part('rejectForm'));
  } else {
    const outcome = [b.text(r.status === 'approved' ? 'approved' : 'rejected')];
    if (r.decisionNote?.trim()) outcome.push(b.text('decisionNote'));
    actions.push(b.markdown(outcome));
  }
  return b.card({
    mentions: b.mentions(model.mentions),
    suggestion: b.suggestion(s),
    details: [b.markdown(details)],
    actions,
  });
}
