/**
 * Turns a CardModel (card-model.ts) into a Lark card in JSON 2.0, from the templates in cards/.
 * This file is the renderer's public face: callers import everything from here.
 *
 *   engine/  how a template file is read (template-file.ts), filled (template-filler.ts,
 *            template-values.ts) and built into elements (template-builder.ts); escaping and
 *            clipping of user text (card-text.ts); Lark's size and element limits (card-budget.ts).
 *   kinds/   one builder per card kind, on top of the blocks they share (card-builder.ts); the
 *            weekly digest (digest.ts) is built in code, without a template; superseded.ts is
 *            what an earlier copy of a re-posted card becomes.
 *   labels.ts  the button labels and form fields of SPEC §5.
 */
import type { CardModel, CardModelOf, DigestModel, EscalationsModel, SearchResultsModel, SupersededModel } from './card-model.ts';
import { fitWithinBudget, type Limits } from './engine/card-budget.ts';
import type { LarkCard } from './engine/card-json.ts';
import { buildAnswerCard } from './kinds/answer.ts';
import { buildApprovalCard } from './kinds/approval.ts';
import { buildAssignmentCard } from './kinds/assignment.ts';
import { buildClosingCard } from './kinds/closing.ts';
import { buildCommitmentCard } from './kinds/commitment.ts';
import { buildContactCard } from './kinds/contact.ts';
import { buildExtensionCard } from './kinds/extension.ts';
import { buildNudgeCard } from './kinds/nudge.ts';
import { buildCoordinationCard } from './kinds/coordination.ts';
import { buildQualityReviewCard } from './kinds/quality-review.ts';
import { buildCoOpinionCard } from './kinds/co-opinion.ts';
import { buildReassignCard } from './kinds/reassign.ts';
import { buildReminderCard } from './kinds/reminder.ts';
import { buildReviewCard } from './kinds/review.ts';
import { buildStatusBoardCard } from './kinds/status-board.ts';
import { buildSupersededCard } from './kinds/superseded.ts';
import { renderDigestCard } from './kinds/digest.ts';
import { renderSearchResultsCard } from './kinds/knowledge.ts';
import { renderEscalationsCard } from './kinds/escalations.ts';

export { CARD_ELEMENT_LIMIT, CARD_SIZE_LIMIT, cardSizeBytes, countCardElements } from './engine/card-budget.ts';
export type { Json, JsonObject, LarkCard } from './engine/card-json.ts';
export { escapeMarkdown } from './engine/card-text.ts';
export { renderDigestCard } from './kinds/digest.ts';
export { renderSearchResultsCard } from './kinds/knowledge.ts';
export { packEscalations, renderEscalationsCard } from './kinds/escalations.ts';
export { BUTTON_LABELS, FORM_FIELDS } from './labels.ts';

/** The builder of each card kind. */
const BUILDERS: { [K in CardModel['kind']]: (model: CardModelOf<K>, limits: Limits) => LarkCard } = {
  assignment: buildAssignmentCard,
  reassign: buildReassignCard,
  status_board: buildStatusBoardCard,
  contact: buildContactCard,
  approval: buildApprovalCard,
  answer: buildAnswerCard,
  commitment: buildCommitmentCard,
  reminder: buildReminderCard,
  closing: buildClosingCard,
  nudge: buildNudgeCard,
  extension: buildExtensionCard,
  review: buildReviewCard,
  coordination: buildCoordinationCard,
  quality_review: buildQualityReviewCard,
  co_opinion: buildCoOpinionCard,
};

function buildCard<K extends CardModel['kind']>(model: CardModelOf<K>, limits: Limits): LarkCard {
  const build: (model: CardModelOf<K>, limits: Limits) => LarkCard = BUILDERS[model.kind];
  return build(model, limits);
}

/**
 * Renders a card. Within Lark's limits by construction: if the first rendering is too big, it is
 * rendered again with tighter clipping and shorter lists.
 */
export function renderCard(model: CardModel): LarkCard {
  return fitWithinBudget((limits) => buildCard(model, limits));
}

/** What an earlier copy of a re-posted card shows: no buttons, and where the current one is. */
export function renderSupersededCard(model: SupersededModel): LarkCard {
  return fitWithinBudget((limits) => buildSupersededCard(model, limits));
}

/** A card whose content was fixed when it was queued (a reminder, the digest, search results). */
export function renderFixedCard(model: CardModel | DigestModel | SearchResultsModel | EscalationsModel): LarkCard {
  if (model.kind === 'digest') return renderDigestCard(model);
  if (model.kind === 'escalations') return renderEscalationsCard(model);
  if (model.kind === 'search_results') return renderSearchResultsCard(model);
  return renderCard(model);
}
