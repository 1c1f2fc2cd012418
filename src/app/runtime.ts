/**
 * What every transport needs, built once per process by a composition root (src/node/*.ts for
 * Node): the database, the clock, the calendar and policy, the configuration and the logger.
 * Core code receives this; it never reads process.env itself.
 */
import type { WorkingDayCalendar } from '../core/calendar/working-day-calendar.ts';
import type { Config } from './config.ts';
import type { Clock } from '../core/clock.ts';
import type { Policy } from '../core/deadlines/policy.ts';
import type { DeadlineContext } from '../core/deadlines/deadlines.ts';
import type { Db } from '../runtimes/node/open-database.ts';
import type { Logger } from './logger.ts';

export interface Runtime {
  db: Db;
  config: Config;
  clock: Clock;
  calendar: WorkingDayCalendar;
  policy: Policy;
  logger: Logger;
  version: string;
}

export const deadlineContext = (runtime: Pick<Runtime, 'policy' | 'calendar' | 'config'>): DeadlineContext => ({
  policy: runtime.policy,
  calendar: runtime.calendar,
  timeZone: runtime.config.timeZone,
});
