/**
 * 沟通确认, the contact record (cards/contact.json): a unit's contact with the deputies, with
 * 确认属实 until a deputy confirms it, then who confirmed it and when.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import contactJson from '../../../../cards/contact.json' with { type: 'json' };

const TEMPLATE = loadTemplate('contact', contactJson);

export function buildContactCard(model: CardModelOf<'contact'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const c = model.contact;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...flatten('contact', c, vars),
    method: pre.label('method', c.method),
    note: pre.content(s, c.note, limits.note),
    by: c.confirmed?.byName ?? '',
    at: c.confirmed?.at ?? '',
    disputedBy: c.disputed?.byName ?? '',
    disputedAt: c.disputed?.at ?? '',
    disputeReason: pre.content(s, c.disputed?.reason ?? '', limits.note),
  }));
  const details = [b.text('unit'), b.text('method'), b.text('date'), b.text('recordedBy')];
  if (c.note.trim()) details.push(b.text('note'));
  const actions = c.confirmed
    ? [b.markdown([b.text('confirmed')])]
    : c.disputed
      ? [b.markdown(s.classified ? [b.text('disputed')] : [b.text('disputed'), b.text('disputeReason')])]
      : [b.markdown([b.text('askConfirm')]), b.part('confirmButton'), b.part('disputeForm')];
  return b.card({
    mentions: b.mentions(model.mentions),
    suggestion: b.suggestion(s, true),
    details: [b.markdown(details)],
    actions,
  });
}
