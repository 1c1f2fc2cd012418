/** `GET /healthz` (SPEC §7): the version, and whether the database answers. */
import { sql } from 'drizzle-orm';
import { nextYearCalendarNotice, type CalendarNotice } from '../core/calendar/year-end-notice.ts';
import { localDate } from '../core/clock.ts';
import type { AppContext } from './context.ts';

export interface Health {
  ok: boolean;
  version: string;
  db: 'ok' | 'error';
  /** Present from 1 November while next year's holiday schedule is not loaded: deadlines in it are approximate. */
  calendar?: { notice: CalendarNotice };
}

export function health(ctx: Pick<AppContext, 'db' | 'version' | 'clock' | 'calendar' | 'config'>): Health {
  let db: 'ok' | 'error' = 'ok';
  try {
    ctx.db.get(sql`select 1`);
  } catch {
    db = 'error';
  }
  const notice = nextYearCalendarNotice(ctx.calendar, localDate(ctx.clock(), ctx.config.timeZone));
  return { ok: db === 'ok', version: ctx.version, db, ...(notice && { calendar: { notice } }) };
}

/** How many migrations the database has had applied (`duban migrate` reports it). */
export function appliedMigrations(ctx: Pick<AppContext, 'db'>): number {
  return ctx.db.get<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`).n;
}
