/**
 * The outbox table: rows are added inside the transaction of the change that causes them, and
 * the worker claims, completes, reschedules or fails them. Per suggestion the rows go out in the
 * order they were written (the group must exist before its first card).
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import type { Db } from '../../runtimes/node/open-database.ts';
import * as schema from './schema.ts';
import type { DbOrTx } from './aggregate-store.ts';
import type { OutboxPayload } from './outbox-payload.ts';

export type OutboxRow = typeof schema.outbox.$inferSelect & { payload: OutboxPayload };

export function enqueue(tx: DbOrTx, suggestionId: string | null, payload: OutboxPayload, now: Date): string {
  const id = newId('ob');
  const at = now.toISOString();
  tx.insert(schema.outbox).values({ id, suggestionId, kind: payload.kind, payload, nextAttemptAt: at, createdAt: at }).run();
  return id;
}

/**
 * {@link enqueue} as a statement prepared once, for writers of thousands of rows in one
 * transaction (the reminder sweep), where building the query each time would cost more than the
 * insert. It runs in whatever transaction the connection is in.
 */
export function preparedEnqueue(client: Db['$client']): (suggestionId: string | null, payload: OutboxPayload, now: Date) => string {
  const insert = client.prepare("insert into outbox (id, suggestion_id, kind, payload, status, attempts, next_attempt_at, created_at) values (?, ?, ?, ?, 'pending', 0, ?, ?)");
  return (suggestionId, payload, now) => {
    const id = newId('ob');
    const at = now.toISOString();
    insert.run(id, suggestionId, payload.kind, JSON.stringify(payload), at, at);
    return id;
  };
}

/**
 * The rows to try now: for each suggestion only its oldest pending row (and only if it is due),
 * so a row waiting for a retry holds back the rows written after it.
 */
export function dueRows(db: DbOrTx, now: Date, limit: number): OutboxRow[] {
  const heads = db
    .select({ seq: sql<number>`min(${schema.outbox.seq})`.as('seq') })
    .from(schema.outbox)
    .where(eq(schema.outbox.status, 'pending'))
    .groupBy(sql`coalesce(${schema.outbox.suggestionId}, ${schema.outbox.id})`);
  return db
    .select()
    .from(schema.outbox)
    .where(and(inArray(schema.outbox.seq, heads), lte(schema.outbox.nextAttemptAt, now.toISOString())))
    .orderBy(asc(schema.outbox.seq))
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
      .run().changes === 1
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
