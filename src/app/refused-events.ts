/**
 * A correctly authenticated Lark event that does not fit the shape duban expects (a wrong type, an
 * id too long, a time out of range) is written down as refused — in the audit log, with the event
 * claimed so a redelivery is not written twice — and nothing from it is stored as data. The
 * transport answers Lark 2xx: the same bytes redelivered would be refused again.
 */
import { appendAudit } from '../adapters/sqlite/audit-store.ts';
import { claimEvent } from '../adapters/sqlite/event-store.ts';
import type { AppContext } from './context.ts';

export interface RefusedEvent {
  id: string;
  type: string;
  /** Who the event says acted, when that part could be read. */
  actor?: string | undefined;
  /** Why it was refused, for the audit row and the log. */
  reason: string;
}

/** True when this call recorded it; false for a redelivery of an event already recorded. */
export function recordRefusedEvent(ctx: Pick<AppContext, 'db' | 'clock'>, event: RefusedEvent): boolean {
  const now = ctx.clock();
  return ctx.db.transaction((tx) => {
    if (!claimEvent(tx, { id: event.id, type: event.type }, now)) return false;
    appendAudit(tx, [
      {
        at: now.toISOString(),
        actor: event.actor ?? 'lark',
        source: 'lark',
        action: 'lark_event',
        outcome: 'refused',
        subjectType: 'event',
        subjectId: event.id,
        message: '无法识别的飞书事件，已拒收',
        details: { code: 'invalid_event', type: event.type, en: `The event does not fit: ${event.reason}` },
      },
    ]);
    return true;
  });
}
