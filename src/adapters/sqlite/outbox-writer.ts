/**
 * The one writer of Lark calls (SPEC §6). Every path that causes a call — a change of state, a
 * text command, the reminder sweep, the digest — queues it here, in the transaction of what
 * caused it, so the change and its calls are stored together or not at all; the sender
 * (src/adapters/lark/outbox-sender.ts) delivers them later.
 *
 * A writer belongs to one database handle and prepares its statements once: the sweep writes
 * thousands of rows in one transaction, where building each query would cost more than the
 * insert. Both SQLites duban runs on have a single connection, so these statements run inside
 * whatever transaction is open on it (the store contract, test/contract/store-cases.ts, shows it
 * on both, savepoints included); pass the root database where it is at hand.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { newId, type NewId } from '../../core/ids.ts';
import { connectionOf, insertMany, type DbOrTx } from './db.ts';
import type { OutboxPayload } from './outbox-payload.ts';
import * as schema from './schema.ts';

/** A card to post: its record ties later presses and updates to what it is about. */
export interface CardToPost {
  suggestionId: string | null;
  kind: string;
  subjectId: string;
  /** Only for chats other than the suggestion's own group (the supervisors'). */
  chatId?: string | undefined;
  /** A card whose content is fixed when queued (a reminder says what was true that day). */
  model?: Extract<OutboxPayload, { kind: 'send_card' }>['model'];
}

export interface OutboxWriter {
  enqueue(suggestionId: string | null, payload: OutboxPayload, now: Date): string;
  /** Records the card and queues its sending; returns the card's id (cd_…). */
  postCard(card: CardToPost, now: Date): string;
  /** Queues an update of every posted copy of a card (kind, subject) still kept up to date (not re-posted since). */
  refreshCards(suggestionId: string | null, card: { kind: string; subjectId: string }, now: Date): void;
}

const writers = new WeakMap<object, OutboxWriter>();

export function outboxWriter(db: DbOrTx): OutboxWriter {
  let writer = writers.get(connectionOf(db));
  if (!writer) {
    writer = createWriter(db);
    writers.set(connectionOf(db), writer);
  }
  return writer;
}

function createWriter(db: DbOrTx): OutboxWriter {
  const p = (name: string) => sql.placeholder(name);
  const insertRow = db
    .insert(schema.outbox)
    .values({ id: p('id'), suggestionId: p('suggestionId'), kind: p('kind'), payload: p('payload'), nextAttemptAt: p('at'), createdAt: p('at') })
    .prepare();
  const insertCard = db
    .insert(schema.cardMessages)
    .values({ id: p('id'), suggestionId: p('suggestionId'), kind: p('kind'), subjectId: p('subjectId'), createdAt: p('at') })
    .prepare();
  const postedCopies = db
    .select({ id: schema.cardMessages.id })
    .from(schema.cardMessages)
    .where(and(eq(schema.cardMessages.kind, p('kind')), eq(schema.cardMessages.subjectId, p('subjectId')), isNull(schema.cardMessages.retiredAt)))
    .prepare();

  const enqueue = (suggestionId: string | null, payload: OutboxPayload, now: Date): string => {
    const id = newId('ob');
    insertRow.run({ id, suggestionId, kind: payload.kind, payload, at: now.toISOString() });
    return id;
  };
  return {
    enqueue,
    postCard(card, now) {
      const id = newId('cd');
      insertCard.run({ id, suggestionId: card.suggestionId, kind: card.kind, subjectId: card.subjectId, at: now.toISOString() });
      enqueue(card.suggestionId, { kind: 'send_card', cardMessageId: id, ...(card.chatId && { chatId: card.chatId }), ...(card.model && { model: card.model }) }, now);
      return id;
    },
    refreshCards(suggestionId, card, now) {
      for (const { id } of postedCopies.all({ kind: card.kind, subjectId: card.subjectId })) enqueue(suggestionId, { kind: 'patch_card', cardMessageId: id }, now);
    },
  };
}

/** A writer that keeps what it is given until `flush`, which inserts it all in a few statements. */
export interface BufferedOutboxWriter extends OutboxWriter {
  /** Inserts the cards and the calls kept so far, in the order they were queued, and forgets them. */
  flush(db: DbOrTx): void;
}

/**
 * For the import (issue 11): the calls of a slice's hundreds of new suggestions (a group, its
 * cards and its board each) are inserted together, not one statement per call. It only queues:
 * `refreshCards` reads the cards already posted, which a new suggestion does not have. Its ids
 * come from `makeId` (the import's ids that follow one another).
 */
export function bufferedOutboxWriter(makeId: NewId = newId): BufferedOutboxWriter {
  let calls: Array<typeof schema.outbox.$inferInsert> = [];
  let cards: Array<typeof schema.cardMessages.$inferInsert> = [];
  const enqueue = (suggestionId: string | null, payload: OutboxPayload, now: Date): string => {
    const id = makeId('ob');
    const at = now.toISOString();
    calls.push({ id, suggestionId, kind: payload.kind, payload, nextAttemptAt: at, createdAt: at });
    return id;
  };
  return {
    enqueue,
    postCard(card, now) {
      const id = makeId('cd');
      cards.push({ id, suggestionId: card.suggestionId, kind: card.kind as typeof schema.cardMessages.$inferInsert.kind, subjectId: card.subjectId, createdAt: now.toISOString() });
      enqueue(card.suggestionId, { kind: 'send_card', cardMessageId: id, ...(card.chatId && { chatId: card.chatId }), ...(card.model && { model: card.model }) }, now);
      return id;
    },
    refreshCards() {
      throw new Error('A buffered outbox writer cannot refresh cards: it does not read the cards already posted');
    },
    flush(db) {
      insertMany(db, schema.cardMessages, cards);
      insertMany(db, schema.outbox, calls);
      calls = [];
      cards = [];
    },
  };
}
