/**
 * What the Lark client does with the bot's answer to a `card.action.trigger` callback (API.md
 * §3.1): show the toast, replace the card for everyone when `card` is given, or show one of the
 * documented client error codes when the answer is unusable.
 */
import { checkCard, isTemplateCard, isV2Card } from './card-check.ts';
import type { FakeCore } from './open-api/fake-core.ts';
import { applyRevision } from './open-api/messages.ts';
import type { FakeMessage } from './sandbox-state.ts';

export interface CallbackToast {
  type?: string;
  content?: string;
  i18n?: Record<string, string>;
}

export interface CardCallbackOutcome {
  toast?: CallbackToast;
  /** True when the message's card was replaced. */
  cardUpdated: boolean;
  /** The error the Lark client would show instead (200671 non-200, 200672 bad body, 200673 bad card, 200830). */
  clientError?: { code: number; msg: string };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function applyCardCallbackResponse(core: FakeCore, message: FakeMessage | undefined, response: unknown): CardCallbackOutcome {
  if (!isObject(response)) return { cardUpdated: false, clientError: { code: 200672, msg: 'the response body is not a JSON object' } };
  const unknown = Object.keys(response).filter((k) => k !== 'toast' && k !== 'card');
  if (unknown.length > 0) {
    return {
      cardUpdated: false,
      clientError: { code: 200672, msg: `unexpected fields in the response body: ${unknown.join(', ')} (answer {toast?, card?})` },
    };
  }
  const outcome: CardCallbackOutcome = { cardUpdated: false };
  if (response.toast !== undefined) {
    if (!isObject(response.toast)) return { cardUpdated: false, clientError: { code: 200672, msg: 'toast must be an object' } };
    outcome.toast = response.toast as CallbackToast;
  }
  if (response.card === undefined) return outcome;

  const card = response.card;
  if (!isObject(card) || (card.type !== 'raw' && card.type !== 'template') || !isObject(card.data)) {
    return { ...outcome, clientError: { code: 200672, msg: 'card must be {"type":"raw"|"template","data":{…}}' } };
  }
  const newCard = card.type === 'template' ? { type: 'template', data: card.data } : card.data;
  const problem = checkCard(newCard);
  if (problem) return { ...outcome, clientError: { code: 200673, msg: `bad card: ${problem.message}` } };
  const content = JSON.stringify(newCard);
  if (new TextEncoder().encode(content).length > core.cardMaxBytes) {
    return { ...outcome, clientError: { code: 200673, msg: 'bad card: larger than 30 KB' } };
  }
  if (!message) return { ...outcome, clientError: { code: 200673, msg: 'the card message does not exist' } };
  if (isV2Card(message.body) && !isV2Card(newCard) && !isTemplateCard(newCard)) {
    return { ...outcome, clientError: { code: 200830, msg: 'cannot replace a 2.0 card with a 1.0 card' } };
  }
  applyRevision(core, message, content, newCard, 'callback');
  return { ...outcome, cardUpdated: true };
}
