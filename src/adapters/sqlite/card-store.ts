/**
 * The cards duban posted (`card_messages`): a press is traced to its card, a card is updated in
 * place, and a card still needed is re-posted before Lark's 14 days run out (src/app/living-cards.ts).
 */
import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { CardKind } from '../cards/card-model.ts';
import { chunked, MAX_BOUND_VALUES, type DbOrTx } from './db.ts';
import * as schema from './schema.ts';

export type CardRecord = typeof schema.cardMessages.$inferSelect;

/** The card duban posted as this Lark message, if it is one. */
export function postedCard(db: DbOrTx, messageId: string): CardRecord | undefined {
  return db.select().from(schema.cardMessages).where(eq(schema.cardMessages.messageId, messageId)).get();
}

export function cardRecord(db: DbOrTx, id: string): CardRecord | undefined {
  return db.select().from(schema.cardMessages).where(eq(schema.cardMessages.id, id)).get();
}

/** Notes the Lark message a card became, once it is sent, and when Lark took it. */
export function markCardSent(db: DbOrTx, id: string, messageId: string, sentAt: Date): void {
  db.update(schema.cardMessages).set({ messageId, sentAt: sentAt.toISOString() }).where(eq(schema.cardMessages.id, id)).run();
}

/**
 * The cards posted (or queued) in a suggestion's group, in the order duban posted them; `messageId`
 * is null until sent, `id` is what outbox rows name as `cardMessageId`.
 */
export function cardsOfSuggestion(db: DbOrTx, suggestionId: string): Array<{ id: string; kind: CardKind; subjectId: string; messageId: string | null; createdAt: string }> {
  return db
    .select({ id: schema.cardMessages.id, kind: schema.cardMessages.kind, subjectId: schema.cardMessages.subjectId, messageId: schema.cardMessages.messageId, createdAt: schema.cardMessages.createdAt })
    .from(schema.cardMessages)
    .where(eq(schema.cardMessages.suggestionId, suggestionId))
    .orderBy(asc(sql`rowid`))
    .all();
}

/** Whether this card was posted in the place of earlier copies (a re-post), rather than for news. */
export function isRepost(db: DbOrTx, id: string): boolean {
  return db.select({ id: schema.cardMessages.id }).from(schema.cardMessages).where(eq(schema.cardMessages.supersededBy, id)).get() !== undefined;
}

/**
 * Copies still kept up to date (neither retired nor reminders or digests) that were sent at or
 * before `sentBy`, oldest first (then in the order posted).
 */
export function liveCardsSentBy(db: DbOrTx, sentBy: Date): CardRecord[] {
  return db
    .select()
    .from(schema.cardMessages)
    .where(and(schema.LIVE_CARD, lte(schema.cardMessages.sentAt, sentBy.toISOString())))
    .orderBy(asc(schema.cardMessages.sentAt), sql`rowid`)
    .all();
}

/** Every copy of a card (kind, subject) still kept up to date, sent or queued, in the order posted. */
export function liveCopies(db: DbOrTx, kind: CardKind, subjectId: string): CardRecord[] {
  return db
    .select()
    .from(schema.cardMessages)
    .where(and(eq(schema.cardMessages.kind, kind), eq(schema.cardMessages.subjectId, subjectId), isNull(schema.cardMessages.retiredAt)))
    .orderBy(sql`rowid`)
    .all();
}

/**
 * Stops keeping these copies up to date, noting the copy that replaces them (if any). Returns the
 * ids it retired: a copy a concurrent sweep retired first is not among them.
 */
export function retireCards(db: DbOrTx, ids: readonly string[], at: Date, supersededBy: string | null): string[] {
  // Two values of the statement are the ones set.
  return chunked(ids, MAX_BOUND_VALUES - 2).flatMap((chunk) =>
    db
      .update(schema.cardMessages)
      .set({ retiredAt: at.toISOString(), supersededBy })
      .where(and(inArray(schema.cardMessages.id, chunk), isNull(schema.cardMessages.retiredAt)))
      .returning({ id: schema.cardMessages.id })
      .all()
      .map((r) => r.id),
  );
}

/** The sent copy a superseded card points to (the newest copy, when that was re-posted again). */
export function currentCopy(db: DbOrTx, card: CardRecord): CardRecord | undefined {
  let at: CardRecord | undefined = card;
  for (let hops = 0; at?.supersededBy && hops < 1000; hops++) at = cardRecord(db, at.supersededBy);
  return at && at.id !== card.id ? at : undefined;
}

