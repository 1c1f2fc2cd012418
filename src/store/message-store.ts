/**
 * The webhook's hot path: every message posted in any group is stored, at Lark's full event
 * rate. These statements are prepared once and run in one small transaction per message,
 * instead of being built by the query builder each time (measured in bench/webhook.bench.ts).
 */
import type { Db } from '../db/open-database.ts';

export interface IncomingMessage {
  messageId: string;
  chatId: string;
  senderOpenId: string | null;
  msgType: string;
  text: string;
  content: string;
  rootId: string | null;
  parentId: string | null;
  threadId: string | null;
  sentAt: string;
}

export type RecordOutcome =
  /** Stored; `suggestionId` when the chat is a suggestion's group. */
  | { stored: true; suggestionId: string | null }
  /** Already handled: the same event again, or the same message under a new event id. */
  | { stored: false };

export function createMessageStore(db: Db) {
  const client = db.$client;
  const chatOwner = client.prepare('select suggestion_id as suggestionId from suggestion_chats where chat_id = ?');
  const insert = client.prepare(
    `insert into group_messages (message_id, chat_id, suggestion_id, sender_open_id, sender_type, msg_type, text, content, root_id, parent_id, thread_id, sent_at, received_at)
     values (@messageId, @chatId, @suggestionId, @senderOpenId, 'user', @msgType, @text, @content, @rootId, @parentId, @threadId, @sentAt, @receivedAt)
     on conflict (message_id) do nothing`,
  );
  // A chat belongs to its suggestion for ever, so a found owner can be remembered.
  const owners = new Map<string, string>();

  const record = client.transaction((message: IncomingMessage, receivedAt: string, then?: (suggestionId: string) => void): RecordOutcome => {
    // Lark: "duplicates may occur; dedupe by message_id, not event_id" (API.md §1): the message id
    // is the claim, so a redelivery and a re-send under a new event id are both caught here.
    let suggestionId = owners.get(message.chatId) ?? null;
    if (!suggestionId) {
      suggestionId = (chatOwner.get(message.chatId) as { suggestionId: string } | undefined)?.suggestionId ?? null;
      if (suggestionId) owners.set(message.chatId, suggestionId);
    }
    if (insert.run({ ...message, suggestionId, receivedAt }).changes === 0) return { stored: false };
    if (suggestionId && then) then(suggestionId);
    return { stored: true, suggestionId };
  });

  return {
    /**
     * Stores the message once; `then` runs inside the same transaction for a new message in a
     * suggestion's group (to queue the answer to a command).
     */
    record: (message: IncomingMessage, now: Date, then?: (suggestionId: string) => void) => record.immediate(message, now.toISOString(), then),
  };
}
