/**
 * The Node composition root: reads the configuration from the environment, opens (and migrates)
 * the SQLite file, and composes the application context. Settings that name files (DUBAN_POLICY,
 * DUBAN_CALENDAR_OVERRIDES) are read from disk, or taken as JSON when they hold JSON. The admin
 * API's reports run in a worker thread (report-thread.ts).
 */
import { readFileSync } from 'node:fs';
import { composeContext, loadRules, parseInlineJson, StartupError, type ReadJsonSetting } from '../../app/compose-context.ts';
import { readConfig } from '../../app/config.ts';
import type { AppContext } from '../../app/context.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import { createLogger } from './logger.ts';
import { withChaosKill } from './chaos-kill.ts';
import { openDatabase, type NodeDb } from './open-database.ts';
import { threadedReports } from './report-thread.ts';

export { StartupError };

/** The application context on Node, over a better-sqlite3 database the runtime may use directly. */
export interface NodeRuntime extends AppContext {
  db: NodeDb;
}

const readJsonFileOrInline: ReadJsonSetting = (value, what) => {
  if (value.trimStart().startsWith('{')) return parseInlineJson(value, what);
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (error) {
    throw new StartupError(`Cannot read the ${what} ${value}: ${(error as Error).message}`);
  }
  return parseInlineJson(text, `${what} ${value}`);
};

export function buildRuntime(env: Record<string, string | undefined> = process.env, clock: Clock = systemClock): NodeRuntime {
  const config = readConfig(env);
  const rules = loadRules(config, readJsonFileOrInline);
  const db = openDatabase(config.databasePath);
  try {
    const context = composeContext({ config, rules, db, clock, logger: withChaosKill(createLogger(config.logLevel), env) });
    // A report in a worker thread of its own, on its own connection to the file. A database in
    // memory belongs to its one connection, so its reports stay in-line (composeContext's).
    const reports =
      config.databasePath === ':memory:' ? context.reports : threadedReports({ databasePath: config.databasePath, policy: rules.policy, overrides: rules.overrides, timeZone: config.timeZone }, clock);
    return { ...context, db, reports };
  } catch (error) {
    db.$client.close();
    throw error;
  }
}
