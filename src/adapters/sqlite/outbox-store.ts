/**
 * The outbox table as the sender sees it: rows (queued by outbox-writer.ts) are claimed,
 * completed, rescheduled or failed. Per suggestion the rows go out in the
 * order they were written (the group must exist before its first card).
 */
import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import * as schema from './schema.ts';
import type { DbOrTx } from './db.ts';
import type { OutboxPayload } from './outbox-payload.ts';

export type OutboxRow = typeof schema.outbox.$inferSelect & { payload: OutboxPayload };

/**
 * The rows to try now: for each suggestion only its oldest pending row (and only if it is due),
 * so a row waiting for a retry holds back the rows written after it.
 *
 * The sender reads this after every answered call, so it must not cost in proportion to what is
 * queued: it walks the pending rows in order (index `outbox_pending`) and stops at `limit`; a
 * row is its suggestion's head when no earlier pending row of the same suggestion exists (one
 * probe of `outbox_suggestion`). The walk passes over the rows behind a head and the rows not
 * yet due, a few per row returned, not every pending row as a grouping of them all would.
 */
export function dueRows(db: DbOrTx, now: Date, limit: number): OutboxRow[] {
  const o = schema.outbox;
  return db
    .select()
    .from(o)
    .where(
      and(
        eq(o.status, 'pending'),
        // The unary + keeps SQLite off `outbox_due` (every due row, then sorted): the walk in seq
        // order can stop at `limit`.
        sql`+${o.nextAttemptAt} <= ${now.toISOString()}`,
        sql`(${o.suggestionId} is null or not exists (select 1 from ${o} as earlier where earlier.suggestion_id = ${o.suggestionId} and earlier.status = 'pending' and earlier.seq < ${o.seq}))`,
      ),
    )
    .orderBy(asc(o.seq))
    .limit(limit)
    .all() as OutboxRow[];
}

export function markSent(db: DbOrTx, id: string, now: Date, result: unknown): void {
  db.update(schema.outbox)
    .set({ status: 'sent', sentAt: now.toISOString(), result: result ?? null, attempts: sql`${schema.outbox.attempts} + 1`, lastError: null })
    .where(eq(schema.outbox.id, id))
    .run();
}

export function markSkipped(db: DbOrTx, id: string, reason: string): void {
  db.update(schema.outbox).set({ status: 'skipped', lastError: reason }).where(eq(schema.outbox.id, id)).run();
}

export function markFailed(db: DbOrTx, id: string, error: string): void {
  db.update(schema.outbox)
    .set({ status: 'failed', lastError: error, attempts: sql`${schema.outbox.attempts} + 1` })
    .where(eq(schema.outbox.id, id))
    .run();
}

export function reschedule(db: DbOrTx, id: string, at: Date, error: string): void {
  db.update(schema.outbox)
    .set({ nextAttemptAt: at.toISOString(), lastError: error, attempts: sql`${schema.outbox.attempts} + 1` })
    .where(eq(schema.outbox.id, id))
    .run();
}

/** A later pending patch of the same card makes an earlier one pointless: it renders the latest state. */
export function hasLaterPatch(db: DbOrTx, row: OutboxRow, cardMessageId: string): boolean {
  return (
    db
      .select({ seq: schema.outbox.seq })
      .from(schema.outbox)
      .where(
        and(
          eq(schema.outbox.status, 'pending'),
          eq(schema.outbox.kind, 'patch_card'),
          sql`${schema.outbox.seq} > ${row.seq}`,
          sql`json_extract(${schema.outbox.payload}, '$.cardMessageId') = ${cardMessageId}`,
        ),
      )
      .get() !== undefined
  );
}

export function listOutbox(db: DbOrTx, status?: 'pending' | 'sent' | 'failed' | 'skipped') {
  return db
    .select()
    .from(schema.outbox)
    .where(status ? eq(schema.outbox.status, status) : undefined)
    .orderBy(asc(schema.outbox.seq))
    .all();
}

export function retryFailed(db: DbOrTx, id: string, now: Date): boolean {
  return (
    db
      .update(schema.outbox)
      .set({ status: 'pending', nextAttemptAt: now.toISOString() })
      .where(and(eq(schema.outbox.id, id), eq(schema.outbox.status, 'failed')))
      .returning({ id: schema.outbox.id })
      .all().length === 1
  );
}

/** The row that creates a suggestion's group (the newest, if it was queued again). */
export function groupCreation(db: DbOrTx, suggestionId: string) {
  return db
    .select()
    .from(schema.outbox)
    .where(and(eq(schema.outbox.suggestionId, suggestionId), eq(schema.outbox.kind, 'create_chat')))
    .orderBy(sql`${schema.outbox.seq} desc`)
    .get();
}

/**
 * Whether at least `n` calls are pending. Walks at most `n` entries of the index `outbox_pending`
 * (an OFFSET), so it costs the same with 2,000 pending as with 40,000.
 */
export function pendingAtLeast(db: DbOrTx, n: number): boolean {
  return db.select({ id: schema.outbox.id }).from(schema.outbox).where(eq(schema.outbox.status, 'pending')).orderBy(asc(schema.outbox.seq)).limit(1).offset(n - 1).get() !== undefined;
}

/** When the earliest pending row may be tried; undefined when nothing is pending. */
export function nextAttemptAt(db: DbOrTx): Date | undefined {
  const row = db.select({ at: sql<string | null>`min(${schema.outbox.nextAttemptAt})` }).from(schema.outbox).where(eq(schema.outbox.status, 'pending')).get();
  return row?.at ? new Date(row.at) : undefined;
}

/**
 * A lost group's queued calls fail at once with `error`: every pending row of the suggestion that
 * goes to its own group (not its creation, not a message to another chat), and every row naming
 * that chat. Returns the ids failed.
 */
export function failQueuedCallsToChat(db: DbOrTx, suggestionId: string, chatId: string, error: string): string[] {
  const o = schema.outbox;
  const explicitChat = sql`json_extract(${o.payload}, '$.chatId')`;
  return db
    .update(o)
    .set({ status: 'failed', lastError: error })
    .where(
      and(
        eq(o.status, 'pending'),
        or(and(eq(o.suggestionId, suggestionId), isNull(explicitChat), ne(o.kind, 'create_chat')), eq(explicitChat, chatId)),
      ),
    )
    .returning({ id: o.id })
    .all()
    .map((r) => r.id);
}
