/**
 * What the use cases need, built once by a runtime's composition root (src/runtimes/node for
 * Node, src/runtimes/workers for a tenant's Durable Object): the database, the clock, the calendar
 * and policy, the configuration and the logger. Nothing below the runtimes reads the environment.
 */
import type { WorkingDayCalendar } from '../core/calendar/working-day-calendar.ts';
import type { Config } from './config.ts';
import type { Clock } from '../core/clock.ts';
import type { Policy } from '../core/deadlines/policy.ts';
import type { DeadlineContext } from '../core/deadlines/deadlines.ts';
import type { SqliteDb } from '../adapters/sqlite/db.ts';
import type { Logger } from '../adapters/logger.ts';
import type { ReportService } from './report-jobs.ts';

export interface AppContext {
  db: SqliteDb;
  config: Config;
  clock: Clock;
  calendar: WorkingDayCalendar;
  policy: Policy;
  logger: Logger;
  version: string;
  /** The reports and exports of the admin API: in a worker thread on Node, in-line elsewhere (report-jobs.ts). */
  reports: ReportService;
}

export const deadlineContext = (ctx: Pick<AppContext, 'policy' | 'calendar' | 'config'>): DeadlineContext => ({
  policy: ctx.policy,
  calendar: ctx.calendar,
  timeZone: ctx.config.timeZone,
});
