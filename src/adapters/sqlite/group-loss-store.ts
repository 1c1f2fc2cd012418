/**
 * A suggestion's group lost to duban (SPEC §6), recorded in one transaction whichever way duban
 * learnt it (Lark's event, or Lark's answer to a call): the group is marked lost, its queued calls
 * fail with the reason (and any later one fails at once: outbox-sender.ts), the suggestion's
 * timeline says so (audit log), and the supervisors' group is told, naming the suggestion. The bot
 * added back to a group it was removed from makes the group reachable again (a disbanded chat
 * stays lost); the failed calls can then be retried from the admin API.
 */
import type { ActionSource } from '../../core/actor.ts';
import { groupLossAction, groupLossError, groupLossMessage, groupLostNotice, type GroupLoss } from '../../core/group-loss.ts';
import { appendAudit } from './audit-store.ts';
import { groupOfChat, markGroupBack, markGroupLost } from './chat-store.ts';
import type { DbOrTx } from './db.ts';
import { failQueuedCallsToChat } from './outbox-store.ts';
import { outboxWriter } from './outbox-writer.ts';
import * as schema from './schema.ts';
import { eq } from 'drizzle-orm';

export interface GroupLossInput extends GroupLoss {
  chatId: string;
  source: ActionSource;
  /** The Lark event that said so, or the outbox row whose answer did. */
  cause: { eventId: string } | { outboxId: string; larkCode: number };
  supervisorChatId?: string | undefined;
}

export type GroupLossOutcome =
  | { outcome: 'unknown_chat' }
  | { outcome: 'already_lost'; suggestionId: string }
  | { outcome: 'recorded'; suggestionId: string; failedCalls: string[] };

export function recordGroupLoss(tx: DbOrTx, input: GroupLossInput): GroupLossOutcome {
  const group = groupOfChat(tx, input.chatId);
  if (!group) return { outcome: 'unknown_chat' };
  const loss: GroupLoss = { reason: input.reason, at: input.at, by: input.by };
  if (!markGroupLost(tx, input.chatId, loss)) return { outcome: 'already_lost', suggestionId: group.suggestionId };
  const failedCalls = failQueuedCallsToChat(tx, group.suggestionId, input.chatId, groupLossError(loss));
  appendAudit(tx, [
    {
      at: input.at,
      actor: input.by,
      source: input.source,
      action: groupLossAction(input.reason),
      outcome: 'ok',
      suggestionId: group.suggestionId,
      subjectType: 'chat',
      subjectId: input.chatId,
      message: groupLossMessage(loss),
      details: { ...input.cause, failedCalls: failedCalls.length },
    },
  ]);
  const suggestion = tx.select().from(schema.suggestions).where(eq(schema.suggestions.id, group.suggestionId)).get();
  if (input.supervisorChatId && suggestion) {
    const text = groupLostNotice(suggestion, loss);
    outboxWriter(tx).enqueue(group.suggestionId, { kind: 'send_text', chatId: input.supervisorChatId, text: `${text.zh_cn}\n${text.en_us}` }, new Date(input.at));
  }
  return { outcome: 'recorded', suggestionId: group.suggestionId, failedCalls };
}

/** The bot was added back to a group it had been removed from: duban posts there again. */
export function recordGroupBack(tx: DbOrTx, input: { chatId: string; by: string; at: string; eventId: string }): { suggestionId: string } | undefined {
  const group = groupOfChat(tx, input.chatId);
  if (!group || !markGroupBack(tx, input.chatId)) return undefined;
  appendAudit(tx, [
    {
      at: input.at,
      actor: input.by,
      source: 'lark',
      action: 'group_bot_added',
      outcome: 'ok',
      suggestionId: group.suggestionId,
      subjectType: 'chat',
      subjectId: input.chatId,
      message: '机器人已重新加入群聊',
      details: { eventId: input.eventId },
    },
  ]);
  return { suggestionId: group.suggestionId };
}
