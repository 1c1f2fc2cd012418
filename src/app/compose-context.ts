/**
 * Assembles the application context from what a runtime opened (the configuration, the database,
 * the clock, the logger) — the part of composing duban that both runtimes share: the policy named
 * by DUBAN_POLICY, the working-day calendar with its overrides, and a deadline index that follows
 * them. A bad setting stops the program with a message naming it.
 */
import chineseDaysPackage from 'chinese-days/package.json' with { type: 'json' };
import type { Logger } from '../adapters/logger.ts';
import type { SqliteDb } from '../adapters/sqlite/db.ts';
import { ensureDeadlineIndex } from '../adapters/sqlite/deadline-index.ts';
import builtInOverrides from '../core/calendar/overrides.json' with { type: 'json' };
import { createWorkingDayCalendar, loadCalendarOverrides, type CalendarOverrides } from '../core/calendar/working-day-calendar.ts';
import { nextYearCalendarNotice } from '../core/calendar/year-end-notice.ts';
import { localDate, type Clock } from '../core/clock.ts';
import { BUILT_IN_POLICIES, defaultPolicy, parsePolicy, type Policy } from '../core/deadlines/policy.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { VERSION } from './version.ts';
import { inlineReports } from './report-jobs.ts';

/** A setting the operator must fix: the message names it. */
export class StartupError extends Error {}

/**
 * Reads a JSON document a setting points at. On Node the setting is a file path; a Worker has no
 * files, so there (and anywhere) the setting may hold the JSON itself.
 */
export type ReadJsonSetting = (value: string, what: string) => unknown;

export const parseInlineJson: ReadJsonSetting = (value, what) => {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new StartupError(`The ${what} is not valid JSON: ${(error as Error).message}`);
  }
};

/** DUBAN_POLICY: a built-in profile's name (default, chongqing, shanghai, beijing, chengdu, wuchang) or a policy document. */
export function resolvePolicy(setting: string | undefined, readJson: ReadJsonSetting): Policy {
  if (!setting) return defaultPolicy;
  const builtIn = BUILT_IN_POLICIES[setting];
  if (builtIn) return builtIn;
  try {
    return parsePolicy(readJson(setting, 'policy file (DUBAN_POLICY)'), setting.trimStart().startsWith('{') ? 'DUBAN_POLICY' : setting);
  } catch (error) {
    throw new StartupError(`DUBAN_POLICY: ${(error as Error).message}`);
  }
}

/** The deadline rules the settings name: checked before anything is opened, so a bad file changes nothing. */
export interface Rules {
  policy: Policy;
  overrides: CalendarOverrides;
}

export function loadRules(config: Config, readJson: ReadJsonSetting): Rules {
  const policy = resolvePolicy(config.policyPath, readJson);
  try {
    return { policy, overrides: loadCalendarOverrides(config.calendarOverridesPath ? readJson(config.calendarOverridesPath, 'calendar overrides file') : builtInOverrides) };
  } catch (error) {
    throw new StartupError(`DUBAN_CALENDAR_OVERRIDES: ${(error as Error).message}`);
  }
}

export function composeContext(parts: { config: Config; rules: Rules; db: SqliteDb; clock: Clock; logger: Logger }): AppContext {
  const { config, db, clock, logger } = parts;
  const { policy, overrides } = parts.rules;
  const calendar = createWorkingDayCalendar({ overrides });
  // The holiday data's version is part of the index's fingerprint: a new one may carry next year's schedule.
  const today = localDate(clock(), config.timeZone);
  ensureDeadlineIndex(db, { policy, calendar, timeZone: config.timeZone }, JSON.stringify(overrides) + chineseDaysPackage.version, today);
  const notice = nextYearCalendarNotice(calendar, today);
  if (notice) logger.warn({ year: notice.year, notice: notice.en_us }, 'holiday schedule missing for next year');
  const context = { db, config, clock, calendar, policy, logger, version: VERSION };
  // In-line by default; the Node runtime hands file databases' reports to a worker thread.
  return { ...context, reports: inlineReports(context) };
}
