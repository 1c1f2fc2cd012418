/**
 * Every message posted in any group is stored (SPEC §2), at Lark's full event rate: the webhook's
 * hot path. The statements are prepared once per database handle. How messages are grouped into
 * transactions is the runtime's choice (a `MessageRecorder`): on Node the messages of one
 * event-loop turn share a commit (src/runtimes/node/group-commit-recorder.ts); elsewhere each
 * message is its own transaction.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { connectionOf, type DbOrTx, type SqliteDb } from './db.ts';
import * as schema from './schema.ts';

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

/**
 * Runs in the message's transaction for a new message (a text command): `suggestionId` when the
 * chat is a suggestion's group, null for any other chat (the bot's private chat with a person).
 */
export type AfterStored = (suggestionId: string | null) => void;

export interface MessageRecorder {
  /**
   * Stores the message once; `then` runs inside the same transaction. Resolves once the message
   * is committed, so a request is answered only after what it carried is on disk.
   */
  record(message: IncomingMessage, now: Date, then?: AfterStored): Promise<RecordOutcome>;
}

export type StoreMessage = (message: IncomingMessage, receivedAt: string, then?: AfterStored) => RecordOutcome;

const writers = new WeakMap<object, StoreMessage>();

/** Stores one message in whatever transaction is open; prepared once per database handle. */
export function messageStore(db: DbOrTx): StoreMessage {
  let store = writers.get(connectionOf(db));
  if (!store) {
    store = createStore(db);
    writers.set(connectionOf(db), store);
  }
  return store;
}

function createStore(db: DbOrTx): StoreMessage {
  const p = (name: string) => sql.placeholder(name);
  const chatOwner = db.select({ suggestionId: schema.suggestionChats.suggestionId }).from(schema.suggestionChats).where(eq(schema.suggestionChats.chatId, p('chatId'))).prepare();
  const insert = db
    .insert(schema.groupMessages)
    .values({
      messageId: p('messageId'),
      chatId: p('chatId'),
      suggestionId: p('suggestionId'),
      senderOpenId: p('senderOpenId'),
      senderType: 'user',
      msgType: p('msgType'),
      text: p('text'),
      content: p('content'),
      rootId: p('rootId'),
      parentId: p('parentId'),
      threadId: p('threadId'),
      sentAt: p('sentAt'),
      receivedAt: p('receivedAt'),
    })
    .onConflictDoNothing()
    .returning({ messageId: schema.groupMessages.messageId })
    .prepare();
  // A chat belongs to its suggestion for ever, so a found owner can be remembered.
  const owners = new Map<string, string>();

  return (message, receivedAt, then) => {
    let suggestionId = owners.get(message.chatId) ?? null;
    if (!suggestionId) {
      suggestionId = chatOwner.get({ chatId: message.chatId })?.suggestionId ?? null;
      if (suggestionId) owners.set(message.chatId, suggestionId);
    }
    // Lark: "duplicates may occur; dedupe by message_id, not event_id" (API.md §1): the message id
    // is the claim, so a redelivery and a re-send under a new event id are both caught here.
    if (insert.get({ ...message, suggestionId, receivedAt }) === undefined) return { stored: false };
    if (then) then(suggestionId);
    return { stored: true, suggestionId };
  };
}

/** One transaction per message: the portable recorder. */
export function transactionalRecorder(db: SqliteDb): MessageRecorder {
  const store = messageStore(db);
  return {
    record: async (message, now, then) => db.transaction(() => store(message, now.toISOString(), then)),
  };
}

/** A message the bot itself posted (a card or a text), kept in the group's record like any other. */
export function storeBotMessage(
  db: DbOrTx,
  m: { messageId: string; chatId: string; suggestionId: string | null; msgType: string; text: string; content: string; rootId: string | null; parentId: string | null; sentAt: string },
  receivedAt: string,
): void {
  db.insert(schema.groupMessages)
    .values({ ...m, senderOpenId: null, senderType: 'app', threadId: null, receivedAt })
    .onConflictDoNothing()
    .run();
}

export type RecallOutcome = 'recalled' | 'already_recalled' | 'unknown_message';

/**
 * Marks a stored message recalled (im.message.recalled_v1): its text stays, as a record must;
 * the first recall counts, a redelivered one changes nothing.
 */
export function markMessageRecalled(db: DbOrTx, messageId: string, recalledAt: string, recallType: string | null): RecallOutcome {
  const marked = db
    .update(schema.groupMessages)
    .set({ recalledAt, recallType })
    .where(and(eq(schema.groupMessages.messageId, messageId), isNull(schema.groupMessages.recalledAt)))
    .returning({ messageId: schema.groupMessages.messageId })
    .all();
  if (marked.length) return 'recalled';
  const known = db.select({ messageId: schema.groupMessages.messageId }).from(schema.groupMessages).where(eq(schema.groupMessages.messageId, messageId)).get();
  return known ? 'already_recalled' : 'unknown_message';
}
