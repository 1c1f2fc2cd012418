/** The cards duban posted (`card_messages`): a press is traced to its card, a card is updated in place. */
import { asc, eq, sql } from 'drizzle-orm';
import type { CardKind } from '../cards/card-model.ts';
import type { DbOrTx } from './db.ts';
import * as schema from './schema.ts';

export type CardRecord = typeof schema.cardMessages.$inferSelect;

/** The card duban posted as this Lark message, if it is one. */
export function postedCard(db: DbOrTx, messageId: string): { suggestionId: string | null; kind: CardKind; subjectId: string } | undefined {
  const row = db.select().from(schema.cardMessages).where(eq(schema.cardMessages.messageId, messageId)).get();
  return row && { suggestionId: row.suggestionId, kind: row.kind, subjectId: row.subjectId };
}

export function cardRecord(db: DbOrTx, id: string): CardRecord | undefined {
  return db.select().from(schema.cardMessages).where(eq(schema.cardMessages.id, id)).get();
}

/** Notes the Lark message a card became, once it is sent. */
export function markCardSent(db: DbOrTx, id: string, messageId: string): void {
  db.update(schema.cardMessages).set({ messageId }).where(eq(schema.cardMessages.id, id)).run();
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
