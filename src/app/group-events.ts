/**
 * What Lark tells duban about its groups themselves (SPEC §6): someone removed the bot from a
 * suggestion's group or disbanded it (the group is lost: recorded, its calls stopped, the
 * supervisors told: src/adapters/sqlite/group-loss-store.ts), or added the bot back. Each event
 * has its effect once (its id claimed in the same transaction). An event about a chat that is no
 * suggestion's group (the supervisors' own, any other) changes nothing and is logged.
 */
import { claimEvent } from '../adapters/sqlite/event-store.ts';
import { groupOfChat, type GroupRecord } from '../adapters/sqlite/chat-store.ts';
import { recordGroupBack, recordGroupLoss } from '../adapters/sqlite/group-loss-store.ts';
import type { GroupLossReason } from '../core/group-loss.ts';
import type { AppContext } from './context.ts';

export interface ChatEvent {
  id: string;
  type: string;
  chatId: string;
  /** Who did it, when the event says (`operator_id.open_id`). */
  operatorOpenId: string | undefined;
}

export type GroupEventOutcome = 'recorded' | 'already_known' | 'duplicate' | 'unknown_chat';

/** The bot removed from a group, or the group disbanded. `queued`: the supervisors are to be told. */
export function noticeGroupLost(ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'logger'>, event: ChatEvent, reason: GroupLossReason): GroupEventOutcome {
  if (!knownGroup(ctx, event)) return 'unknown_chat';
  const now = ctx.clock();
  const outcome = ctx.db.transaction((tx) => {
    if (!claimEvent(tx, event, now)) return 'duplicate' as const;
    return recordGroupLoss(tx, {
      chatId: event.chatId,
      reason,
      at: now.toISOString(),
      by: event.operatorOpenId ?? 'lark',
      source: 'lark',
      cause: { eventId: event.id },
      supervisorChatId: ctx.config.supervisorChatId,
    });
  });
  if (outcome === 'duplicate') return outcome;
  if (outcome.outcome === 'recorded') {
    ctx.logger.warn({ eventId: event.id, chatId: event.chatId, reason, suggestionId: outcome.suggestionId, failedCalls: outcome.failedCalls.length }, 'group lost: its calls are no longer sent');
    return 'recorded';
  }
  return 'already_known';
}

/** The bot added to a chat: a group it had been removed from is reachable again. */
export function noticeBotAdded(ctx: Pick<AppContext, 'db' | 'clock' | 'logger'>, event: ChatEvent): GroupEventOutcome {
  const group = knownGroup(ctx, event);
  if (!group) return 'unknown_chat';
  if (!group.lost) return 'already_known'; // the bot was there all along
  const now = ctx.clock();
  return ctx.db.transaction((tx) => {
    if (!claimEvent(tx, event, now)) return 'duplicate';
    const back = recordGroupBack(tx, { chatId: event.chatId, by: event.operatorOpenId ?? 'lark', at: now.toISOString(), eventId: event.id });
    if (back) ctx.logger.info({ eventId: event.id, chatId: event.chatId, suggestionId: back.suggestionId }, 'the bot is back in the group');
    return back ? 'recorded' : 'already_known';
  });
}

function knownGroup(ctx: Pick<AppContext, 'db' | 'logger'>, event: ChatEvent): GroupRecord | undefined {
  const group = groupOfChat(ctx.db, event.chatId);
  if (!group) ctx.logger.info({ eventId: event.id, type: event.type, chatId: event.chatId }, 'event about a chat that is no suggestion\'s group: nothing changed');
  return group;
}
