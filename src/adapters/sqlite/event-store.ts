/**
 * Lark delivers an event again when it is not acknowledged in time (15 s, 5 min, 1 h, 6 h).
 * Claiming its id in the same transaction as its effect makes the second delivery a no-op.
 */
import * as schema from './schema.ts';
import type { DbOrTx } from './aggregate-store.ts';

export class DuplicateEvent extends Error {
  constructor(readonly eventId: string) {
    super(`event ${eventId} was already handled`);
    this.name = 'DuplicateEvent';
  }
}

/** True when this call claimed the event; false when it had been handled before. */
export function claimEvent(tx: DbOrTx, event: { id: string; type: string }, now: Date): boolean {
  const result = tx
    .insert(schema.processedEvents)
    .values({ eventId: event.id, eventType: event.type, receivedAt: now.toISOString() })
    .onConflictDoNothing()
    .run();
  return result.changes === 1;
}
