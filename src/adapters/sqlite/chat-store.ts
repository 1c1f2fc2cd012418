/**
 * Which Lark chat belongs to which suggestion (one group per suggestion), and whether duban can
 * still reach it (lost: the bot removed or the chat disbanded).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { GroupLoss } from '../../core/group-loss.ts';
import * as schema from './schema.ts';
import { connectionOf, type DbOrTx } from './db.ts';

export function chatOfSuggestion(db: DbOrTx, suggestionId: string): string | undefined {
  return chatQuery(db).get({ suggestionId })?.chatId;
}

/**
 * Prepared once per connection: the outbox sender asks for the chat of every row it considers,
 * on every pump, and building the query each time cost more than the rest of the pump (issue 11).
 */
const chatQueries = new WeakMap<object, ReturnType<typeof prepareChatQuery>>();
function chatQuery(db: DbOrTx) {
  let query = chatQueries.get(connectionOf(db));
  if (!query) chatQueries.set(connectionOf(db), (query = prepareChatQuery(db)));
  return query;
}
const prepareChatQuery = (db: DbOrTx) =>
  db.select({ chatId: schema.suggestionChats.chatId }).from(schema.suggestionChats).where(eq(schema.suggestionChats.suggestionId, sql.placeholder('suggestionId'))).prepare();

export function suggestionOfChat(db: DbOrTx, chatId: string): string | undefined {
  return db.select().from(schema.suggestionChats).where(eq(schema.suggestionChats.chatId, chatId)).get()?.suggestionId;
}

/** The group Lark created for a suggestion; a second record of the same is ignored. */
export function recordChat(db: DbOrTx, suggestionId: string, chatId: string, now: Date): void {
  db.insert(schema.suggestionChats).values({ suggestionId, chatId, createdAt: now.toISOString() }).onConflictDoNothing().run();
}

export interface GroupRecord {
  suggestionId: string;
  chatId: string;
  createdAt: string;
  /** Set once the group can no longer be reached (SPEC §6). */
  lost: GroupLoss | null;
}

const toGroup = (row: typeof schema.suggestionChats.$inferSelect): GroupRecord => ({
  suggestionId: row.suggestionId,
  chatId: row.chatId,
  createdAt: row.createdAt,
  lost: row.lostReason && row.lostAt ? { reason: row.lostReason, at: row.lostAt, by: row.lostBy ?? '' } : null,
});

export function groupOfSuggestion(db: DbOrTx, suggestionId: string): GroupRecord | undefined {
  const row = db.select().from(schema.suggestionChats).where(eq(schema.suggestionChats.suggestionId, suggestionId)).get();
  return row && toGroup(row);
}

export function groupOfChat(db: DbOrTx, chatId: string): GroupRecord | undefined {
  const row = db.select().from(schema.suggestionChats).where(eq(schema.suggestionChats.chatId, chatId)).get();
  return row && toGroup(row);
}

/** Marks a group lost; false when it was already (the first loss is the one kept). */
export function markGroupLost(db: DbOrTx, chatId: string, loss: GroupLoss): boolean {
  const c = schema.suggestionChats;
  return (
    db
      .update(c)
      .set({ lostReason: loss.reason, lostAt: loss.at, lostBy: loss.by })
      .where(and(eq(c.chatId, chatId), isNull(c.lostReason)))
      .returning({ chatId: c.chatId })
      .all().length === 1
  );
}

/** The bot is back in a group it was removed from; false unless it was (a disbanded chat stays lost). */
export function markGroupBack(db: DbOrTx, chatId: string): boolean {
  const c = schema.suggestionChats;
  return (
    db
      .update(c)
      .set({ lostReason: null, lostAt: null, lostBy: null })
      .where(and(eq(c.chatId, chatId), eq(c.lostReason, 'bot_removed')))
      .returning({ chatId: c.chatId })
      .all().length === 1
  );
}
