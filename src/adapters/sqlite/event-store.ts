/**
 * Lark delivers an event again when it is not acknowledged in time (15 s, 5 min, 1 h, 6 h).
 * Claiming its id in the same transaction as its effect makes the second delivery a no-op.
 */
import * as schema from './schema.ts';
import type { DbOrTx } from './db.ts';

/** True when this call claimed the event; false when it had been handled before. */
export function claimEvent(tx: DbOrTx, event: { id: string; type: string }, now: Date): boolean {
  const claimed = tx
    .insert(schema.processedEvents)
    .values({ eventId: event.id, eventType: event.type, receivedAt: now.toISOString() })
    .onConflictDoNothing()
    .returning({ eventId: schema.processedEvents.eventId })
    .all();
  return claimed.length === 1;
}
