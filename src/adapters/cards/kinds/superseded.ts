/**
 * What an earlier copy of a re-posted card becomes (cards/superseded.json): its title, greyed, no
 * buttons, and where the current copy is. The sweep re-posts a card still needed before Lark's 14
 * days run out (SPEC §4); a press on this copy changes nothing.
 */
import type { SupersededModel } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { cardBuilder } from './card-builder.ts';
import supersededJson from '../../../../cards/superseded.json' with { type: 'json' };

const TEMPLATE = loadTemplate('superseded', supersededJson);

export function buildSupersededCard(model: SupersededModel, limits: Limits): LarkCard {
  const b = cardBuilder(TEMPLATE, limits, model.suggestion, (pre, vars) => ({
    ...vars,
    cardTitle: pre.label('cardTitle', model.cardKind),
    repostedAt: model.repostedAt,
  }));
  return b.card({ notice: [b.markdown([b.text('superseded')]), b.notation(b.text('why'))] });
}
