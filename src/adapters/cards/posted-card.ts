/**
 * What a card duban posted shows now, whether the outbox sends or updates it or a press answers
 * with it: rendered from the current state; for an earlier copy of a re-posted card (SPEC §4:
 * Lark cards can be used for 14 days), the buttonless notice saying where the current copy is.
 * A re-post @-mentions nobody: it is not news, nor a reminder.
 */
import { localTime } from '../../core/clock.ts';
import { loadAggregate } from '../sqlite/aggregate-store.ts';
import { currentCopy, isRepost, type CardRecord } from '../sqlite/card-store.ts';
import type { DbOrTx } from '../sqlite/db.ts';
import { readLeaders } from '../sqlite/directory-store.ts';
import type { CardModel, SupersededModel } from './card-model.ts';
import { buildCardModel, cardSuggestion, type CardViewContext } from './card-views.ts';
import { renderCard, renderSupersededCard, type LarkCard } from './render-card.ts';

/** The card as it is now; undefined when there is nothing to show (its subject is gone, or it is a reminder). */
export function renderPostedCard(db: DbOrTx, card: CardRecord, ctx: CardViewContext): LarkCard | undefined {
  const agg = card.suggestionId ? loadAggregate(db, card.suggestionId) : undefined;
  if (!agg) return undefined;
  if (card.supersededBy) {
    if (card.kind === 'reminder' || card.kind === 'digest' || card.kind === 'search_results' || card.kind === 'escalations') return undefined;
    const current = currentCopy(db, card);
    const at = current?.sentAt ?? card.retiredAt ?? ctx.now.toISOString();
    const model: SupersededModel = { kind: 'superseded', suggestion: cardSuggestion(agg, readLeaders(db)), cardKind: card.kind, repostedAt: localTime(new Date(at), ctx.timeZone) };
    return renderSupersededCard(model);
  }
  const model = buildCardModel(db, agg, card, ctx);
  if (!model) return undefined;
  return renderCard(isRepost(db, card.id) ? withoutMentions(model) : model);
}

function withoutMentions(model: CardModel): CardModel {
  return 'mentions' in model ? { ...model, mentions: [] } : model;
}
