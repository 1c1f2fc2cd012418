/**
 * Lark's rate limits on the calls duban makes (API.md §5.0, §5.4, §5.6), as the outbox sender
 * keeps to them: each API 50 calls a second and 1,000 a minute (tier 4), messages into one chat
 * 5 a second (shared by all bots), updates of one message 5 a second. A normal import or sweep
 * then draws no refusal at all; a 429 that comes anyway is still honoured.
 *
 * The numbers are Lark's own: the limiter counts a call from its answer, not its start (see
 * rate-limiter.ts), so late arrivals cannot crowd a window at Lark.
 */
import type { OutboxPayload } from '../sqlite/outbox-payload.ts';
import type { Limit, WindowRule } from './rate-limiter.ts';

export interface PacingRules {
  perApi: readonly WindowRule[];
  perChat: readonly WindowRule[];
  perMessage: readonly WindowRule[];
}

export const LARK_PACING: PacingRules = {
  perApi: [
    { limit: 50, windowMs: 1000 },
    { limit: 1000, windowMs: 60_000 },
  ],
  perChat: [{ limit: 5, windowMs: 1000 }],
  perMessage: [{ limit: 5, windowMs: 1000 }],
};

/** Which Lark API a queued call uses: each has its own limit. */
export function apiOf(payload: OutboxPayload): string {
  switch (payload.kind) {
    case 'create_chat':
      return 'im.chat.create';
    case 'add_members':
      return 'im.chat.members.create';
    case 'remove_members':
      return 'im.chat.members.delete';
    case 'send_card':
      return 'im.message.create';
    case 'send_text':
      return payload.replyToMessageId ? 'im.message.reply' : 'im.message.create';
    case 'patch_card':
      return 'im.message.patch';
    case 'urgent':
      return `im.message.urgent_${payload.channel}`;
  }
}

/**
 * The limits a call must fit in before it leaves. `chatId` is the chat it posts into (for sends
 * and replies), unknown until the group exists.
 */
export function limitsOf(payload: OutboxPayload, chatId: string | undefined, rules: PacingRules = LARK_PACING): Limit[] {
  const limits: Limit[] = [{ key: `api:${apiOf(payload)}`, rules: rules.perApi }];
  if ((payload.kind === 'send_card' || payload.kind === 'send_text') && chatId) limits.push({ key: `chat:${chatId}`, rules: rules.perChat });
  if (payload.kind === 'patch_card') limits.push({ key: `message:${payload.cardMessageId}`, rules: rules.perMessage });
  return limits;
}
