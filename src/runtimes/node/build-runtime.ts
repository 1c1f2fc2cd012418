/**
 * The Node composition root: reads the configuration, opens (and migrates) the SQLite file,
 * loads the policy and the calendar overrides. A bad file stops the program with its name.
 */
import { readFileSync } from 'node:fs';
import { createWorkingDayCalendar, loadCalendarOverrides } from '../../core/calendar/working-day-calendar.ts';
import { readConfig, type Config } from '../../app/config.ts';
import { localDate, systemClock, type Clock } from '../../core/clock.ts';
import { BUILT_IN_POLICIES, defaultPolicy, parsePolicy, type Policy } from '../../core/deadlines/policy.ts';
import { openDatabase } from './open-database.ts';
import { createLogger } from '../../app/logger.ts';
import type { Runtime } from '../../app/runtime.ts';
import { VERSION } from '../../app/version.ts';
import { ensureDeadlineIndex } from '../../adapters/sqlite/deadline-index.ts';
import chineseDaysPackage from 'chinese-days/package.json' with { type: 'json' };

/** The holiday data's version: a new one may carry next year's official schedule. */
const CHINESE_DAYS_VERSION = chineseDaysPackage.version;

const BUILT_IN_OVERRIDES = new URL('../../core/calendar/overrides.json', import.meta.url);

export class StartupError extends Error {}

function readJsonFile(path: string | URL, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new StartupError(`Cannot read the ${what} ${String(path)}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StartupError(`The ${what} ${String(path)} is not valid JSON: ${(error as Error).message}`);
  }
}

/** DUBAN_POLICY: a built-in profile's name (default, chongqing, shanghai, beijing) or a JSON file. */
export function loadPolicy(config: Config): Policy {
  if (!config.policyPath) return defaultPolicy;
  const builtIn = BUILT_IN_POLICIES[config.policyPath];
  if (builtIn) return builtIn;
  try {
    return parsePolicy(readJsonFile(config.policyPath, 'policy file (DUBAN_POLICY)'), config.policyPath);
  } catch (error) {
    throw new StartupError(`DUBAN_POLICY: ${(error as Error).message}`);
  }
}

export function buildRuntime(env: Record<string, string | undefined> = process.env, clock: Clock = systemClock): Runtime {
  const config = readConfig(env);
  const policy = loadPolicy(config);
  const overridesPath = config.calendarOverridesPath ?? BUILT_IN_OVERRIDES;
  let overrides;
  try {
    overrides = loadCalendarOverrides(readJsonFile(overridesPath, 'calendar overrides file'));
  } catch (error) {
    throw new StartupError(`DUBAN_CALENDAR_OVERRIDES: ${(error as Error).message}`);
  }
  const calendar = createWorkingDayCalendar({ overrides });
  const db = openDatabase(config.databasePath);
  ensureDeadlineIndex(db, { policy, calendar, timeZone: config.timeZone }, JSON.stringify(overrides) + CHINESE_DAYS_VERSION, localDate(clock(), config.timeZone));
  const logger = createLogger(config.logLevel);
  return { db, config, clock, calendar, policy, logger, version: VERSION };
}
