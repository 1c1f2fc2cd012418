/** Which Lark chat belongs to which suggestion (one group per suggestion). */
import { eq } from 'drizzle-orm';
import * as schema from './schema.ts';
import type { DbOrTx } from './db.ts';

export function chatOfSuggestion(db: DbOrTx, suggestionId: string): string | undefined {
  return db.select().from(schema.suggestionChats).where(eq(schema.suggestionChats.suggestionId, suggestionId)).get()?.chatId;
}

export function suggestionOfChat(db: DbOrTx, chatId: string): string | undefined {
  return db.select().from(schema.suggestionChats).where(eq(schema.suggestionChats.chatId, chatId)).get()?.suggestionId;
}

/** The group Lark created for a suggestion; a second record of the same is ignored. */
export function recordChat(db: DbOrTx, suggestionId: string, chatId: string, now: Date): void {
  db.insert(schema.suggestionChats).values({ suggestionId, chatId, createdAt: now.toISOString() }).onConflictDoNothing().run();
}
