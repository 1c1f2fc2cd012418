/**
 * `GET /healthz` (SPEC §7): the version, whether the database answers, and how Lark's events
 * arrive — by webhook, or over the long connection with its state and since when (SPEC §6).
 * The connection's state does not change `ok`: the SDK reconnects by itself, and restarting
 * duban would not bring Lark back sooner.
 */
import { sql } from 'drizzle-orm';
import { nextYearCalendarNotice, type CalendarNotice } from '../core/calendar/year-end-notice.ts';
import { localDate } from '../core/clock.ts';
import type { AppContext } from './context.ts';

export type LongConnectionState = 'connected' | 'connecting' | 'disconnected';

export interface LongConnectionStatus {
  mode: 'websocket';
  connection: LongConnectionState;
  /** When the connection entered this state (ISO 8601). */
  since: string;
  /** Why it is disconnected for good, when it is (e.g. the app secret was refused). */
  error?: string;
}

export type LarkEventsStatus = { mode: 'webhook' } | LongConnectionStatus;

export interface Health {
  ok: boolean;
  version: string;
  db: 'ok' | 'error';
  lark: LarkEventsStatus;
  /** Present from 1 November while next year's holiday schedule is not loaded: deadlines in it are approximate. */
  calendar?: { notice: CalendarNotice };
}

export const WEBHOOK_EVENTS: LarkEventsStatus = { mode: 'webhook' };

export function health(ctx: Pick<AppContext, 'db' | 'version' | 'clock' | 'calendar' | 'config'>, lark: LarkEventsStatus = WEBHOOK_EVENTS): Health {
  let db: 'ok' | 'error' = 'ok';
  try {
    ctx.db.get(sql`select 1`);
  } catch {
    db = 'error';
  }
  const notice = nextYearCalendarNotice(ctx.calendar, localDate(ctx.clock(), ctx.config.timeZone));
  return { ok: db === 'ok', version: ctx.version, db, lark, ...(notice && { calendar: { notice } }) };
}

/** How many migrations the database has had applied (`duban migrate` reports it). */
export function appliedMigrations(ctx: Pick<AppContext, 'db'>): number {
  return ctx.db.get<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`).n;
}
