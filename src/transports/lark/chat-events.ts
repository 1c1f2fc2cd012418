/**
 * Lark's events about the groups themselves (API.md §2, chat events: `chat_id`, `operator_id`,
 * `external`, `operator_tenant_key`, `name`, `i18n_names`), turned into the app's group events:
 * the bot removed (`im.chat.member.bot.deleted_v1`), the chat disbanded (`im.chat.disbanded_v1`),
 * the bot added (`im.chat.member.bot.added_v1`). One entry per event type, for the handler table
 * of event-handlers.ts.
 */
import type { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { noticeBotAdded, noticeGroupLost, type ChatEvent } from '../../app/group-events.ts';
import { chatEventSchema } from './event-schemas.ts';
import type { LarkEnvelope } from './webhook.ts';

/** Reads an event's body against its schema; undefined (recorded as refused) when it does not fit. */
export type BodyReader = <T>(envelope: LarkEnvelope, schema: z.ZodType<T>) => T | undefined;

export function chatEventHandlers(ctx: AppContext, onQueued: () => void, readBody: BodyReader): Record<string, (envelope: LarkEnvelope) => unknown> {
  const read = (envelope: LarkEnvelope): ChatEvent | undefined => {
    const body = readBody(envelope, chatEventSchema);
    if (!body) return undefined;
    return { id: envelope.header.event_id, type: envelope.header.event_type, chatId: body.chat_id, operatorOpenId: body.operator_id?.open_id || undefined };
  };
  const lost = (reason: 'bot_removed' | 'disbanded') => (envelope: LarkEnvelope) => {
    const event = read(envelope);
    if (event && noticeGroupLost(ctx, event, reason) === 'recorded') onQueued();
    return {};
  };
  return {
    'im.chat.member.bot.deleted_v1': lost('bot_removed'),
    'im.chat.disbanded_v1': lost('disbanded'),
    'im.chat.member.bot.added_v1': (envelope) => {
      const event = read(envelope);
      if (event) noticeBotAdded(ctx, event);
      return {};
    },
  };
}
