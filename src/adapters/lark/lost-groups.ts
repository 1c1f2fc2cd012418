/**
 * The outbox sender's side of lost groups (SPEC §6): a row whose group is lost (the bot removed,
 * the chat disbanded) is never sent, and Lark's own answer that a group is gone (232009, 230002,
 * 232011) records the loss as the event would (src/adapters/sqlite/group-loss-store.ts): the row
 * and the chat's other queued calls fail with the reason, the supervisors are told.
 */
import { groupLossError } from '../../core/group-loss.ts';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../logger.ts';
import { chatOfSuggestion, groupOfChat, groupOfSuggestion } from '../sqlite/chat-store.ts';
import type { SqliteDb } from '../sqlite/db.ts';
import { recordGroupLoss } from '../sqlite/group-loss-store.ts';
import { markFailed, type OutboxRow } from '../sqlite/outbox-store.ts';
import { groupLossOf, type LarkApiError } from './lark-api.ts';

export interface LostGroups {
  /** Fails the row at once when its group is lost; true when it did. */
  failIfLost(row: OutboxRow): boolean;
  /** When Lark's refusal says the row's group is gone, records the loss and fails the row; true when it did. */
  noteRefusal(row: OutboxRow, error: LarkApiError): boolean;
}

export function lostGroups(deps: { db: SqliteDb; clock: Clock; logger: Logger; supervisorChatId?: string | undefined }): LostGroups {
  const { db } = deps;
  /** The chat a row names itself (the supervisors'); otherwise it goes to its suggestion's group. */
  const namedChat = (p: OutboxRow['payload']): string | undefined => (p.kind === 'send_card' || p.kind === 'send_text' ? p.chatId : undefined);

  function groupOf(row: OutboxRow) {
    if (row.payload.kind === 'create_chat') return undefined;
    const named = namedChat(row.payload);
    return named ? groupOfChat(db, named) : row.suggestionId ? groupOfSuggestion(db, row.suggestionId) : undefined;
  }

  function failIfLost(row: OutboxRow): boolean {
    const lost = groupOf(row)?.lost;
    if (lost) markFailed(db, row.id, groupLossError(lost));
    return !!lost;
  }

  return {
    failIfLost,
    noteRefusal(row, error) {
      const reason = groupLossOf(error);
      const chatId = reason && row.payload.kind !== 'create_chat' ? (namedChat(row.payload) ?? (row.suggestionId ? chatOfSuggestion(db, row.suggestionId) : undefined)) : undefined;
      if (!reason || !chatId) return false;
      const outcome = db.transaction((tx) =>
        recordGroupLoss(tx, {
          chatId,
          reason,
          by: `lark:${error.code}`,
          at: deps.clock().toISOString(),
          source: 'lark',
          cause: { outboxId: row.id, larkCode: error.code! },
          supervisorChatId: deps.supervisorChatId,
        }),
      );
      // Not a suggestion's group (the supervisors'): the row fails as any other refusal.
      if (outcome.outcome === 'unknown_chat') return false;
      deps.logger.warn({ outboxId: row.id, chatId, reason, suggestionId: outcome.suggestionId, error: error.message }, 'Lark says the group is lost: its calls are no longer sent');
      return failIfLost(row);
    },
  };
}
