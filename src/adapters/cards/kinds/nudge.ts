/**
 * 催办, the nudge (cards/nudge.json): a deputy urged the suggestion; @ the units still handling it,
 * naming who asked. No buttons: it says what happened that day.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { raw } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import nudgeJson from '../../../../cards/nudge.json' with { type: 'json' };

const TEMPLATE = loadTemplate('nudge', nudgeJson);

export function buildNudgeCard(model: CardModelOf<'nudge'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({ ...vars, deputyName: pre.inline(model.deputyName, 40), day: model.day }));
  const lines = [b.text('asked'), ...b.list(model.units, (u) => b.text('unit', { unitName: b.inline(u.unitName, 60), state: raw(u.stateLabel) }))];
  return b.card({ mentions: b.mentions(model.mentions), suggestion: b.suggestion(s, true), details: [b.markdown(lines)], actions: [] });
}
