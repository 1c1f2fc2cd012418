/** The statistics of SPEC §10 as of now: the selected suggestions read, then counted by the core. */
import { loadStatsAggregates, unitNames } from '../adapters/sqlite/stats-store.ts';
import { computeStats as statsOf, type StatsOptions } from '../core/stats/compute.ts';
import type { Stats } from '../core/stats/figures.ts';
import { checkStatsFilters, type FilterCheck, type StatsFilters } from '../core/stats/filters.ts';
import { readLeaders, unitExists } from '../adapters/sqlite/directory-store.ts';
import type { AppContext } from './context.ts';
import type { Config } from './config.ts';

export function computeStats(ctx: Pick<AppContext, 'db' | 'clock' | 'calendar' | 'policy'> & { config: Pick<Config, 'timeZone'> }, filters: StatsFilters = {}, options: StatsOptions = {}): Stats {
  const input = { aggregates: loadStatsAggregates(ctx.db, filters), unitNames: unitNames(ctx.db), leaders: readLeaders(ctx.db), policy: ctx.policy, calendar: ctx.calendar, timeZone: ctx.config.timeZone, now: ctx.clock() };
  return statsOf(input, filters, options);
}

/** Checks report filters against the directory (an unknown unit is named, not silently empty). */
export function checkFilters(ctx: Pick<AppContext, 'db'>, query: Record<string, unknown>): FilterCheck {
  return checkStatsFilters(query, (unitId) => unitExists(ctx.db, unitId));
}
