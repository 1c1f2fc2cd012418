/**
 * The webhook's hot path: every message posted in any group is stored, at Lark's full event
 * rate. These statements are prepared once instead of being built by the query builder each
 * time, and the messages of one event-loop turn share a commit (measured in
 * bench/webhook.bench.ts).
 */
import type { Db } from '../../runtimes/node/open-database.ts';

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

interface Pending {
  message: IncomingMessage;
  receivedAt: string;
  then: ((suggestionId: string) => void) | undefined;
  resolve(outcome: RecordOutcome): void;
  reject(error: unknown): void;
}

export function createMessageStore(db: Db) {
  const client = db.$client;
  const chatOwner = client.prepare('select suggestion_id as suggestionId from suggestion_chats where chat_id = ?');
  const insert = client.prepare(
    `insert into group_messages (message_id, chat_id, suggestion_id, sender_open_id, sender_type, msg_type, text, content, root_id, parent_id, thread_id, sent_at, received_at)
     values (?, ?, ?, ?, 'user', ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (message_id) do nothing`,
  );
  // A chat belongs to its suggestion for ever, so a found owner can be remembered.
  const owners = new Map<string, string>();

  function store(message: IncomingMessage, receivedAt: string, then?: (suggestionId: string) => void): RecordOutcome {
    // Lark: "duplicates may occur; dedupe by message_id, not event_id" (API.md §1): the message id
    // is the claim, so a redelivery and a re-send under a new event id are both caught here.
    let suggestionId = owners.get(message.chatId) ?? null;
    if (!suggestionId) {
      suggestionId = (chatOwner.get(message.chatId) as { suggestionId: string } | undefined)?.suggestionId ?? null;
      if (suggestionId) owners.set(message.chatId, suggestionId);
    }
    const m = message;
    const inserted = insert.run(m.messageId, m.chatId, suggestionId, m.senderOpenId, m.msgType, m.text, m.content, m.rootId, m.parentId, m.threadId, m.sentAt, receivedAt);
    if (inserted.changes === 0) return { stored: false };
    if (suggestionId && then) then(suggestionId);
    return { stored: true, suggestionId };
  }
  // A message that is also a command writes more than its row; inside `commitBatch` this runs as
  // a savepoint, so if the command fails, that message is rolled back alone. A plain message is
  // one insert, which SQLite already undoes on its own if it fails.
  const storeWithCommand = client.transaction(store);

  const commitBatch = client.transaction((batch: Pending[]) =>
    batch.map((p) => {
      try {
        return { ok: true as const, outcome: p.then ? storeWithCommand(p.message, p.receivedAt, p.then) : store(p.message, p.receivedAt) };
      } catch (error) {
        // Some failures (a full disk, an I/O error) make SQLite roll back the whole transaction:
        // then nothing of the batch stands, and the rest must not run outside it.
        if (!client.inTransaction) throw error;
        return { ok: false as const, error };
      }
    }),
  );

  // Group commit: the messages whose requests arrive in the same turn of the event loop are
  // written in one transaction, committed once. Under load that halves the cost of storing a
  // message (bench/webhook.bench.ts); alone, a message waits for nothing but the end of its turn.
  let pending: Pending[] = [];
  function flush() {
    const batch = pending;
    pending = [];
    let results: ReturnType<typeof commitBatch>;
    try {
      results = commitBatch.immediate(batch);
    } catch (error) {
      // Nothing of the batch was committed; every request fails and Lark delivers it again.
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.outcome);
      else p.reject(r.error);
    });
  }

  return {
    /**
     * Stores the message once; `then` runs inside the same transaction for a new message in a
     * suggestion's group (to queue the answer to a command). Resolves once the message is
     * committed, so a request is answered only after what it carried is on disk.
     */
    record: (message: IncomingMessage, now: Date, then?: (suggestionId: string) => void) =>
      new Promise<RecordOutcome>((resolve, reject) => {
        pending.push({ message, receivedAt: now.toISOString(), then, resolve, reject });
        if (pending.length === 1) setImmediate(flush);
      }),
  };
}
