/**
 * The publication as of now (SPEC §7): the public answers of non-classified suggestions that the
 * filters select, their approval instants turned into local dates.
 */
import { localDate } from '../core/clock.ts';
import type { StatsFilters } from '../core/stats/filters.ts';
import { loadPublication } from '../adapters/sqlite/publication-store.ts';
import type { Publication } from '../adapters/report/publication.ts';
import type { AppContext } from './context.ts';
import type { Config } from './config.ts';

export function buildPublication(ctx: Pick<AppContext, 'db' | 'clock'> & { config: Pick<Config, 'timeZone'> }, filters: StatsFilters = {}): Publication {
  const tz = ctx.config.timeZone;
  return {
    generatedOn: localDate(ctx.clock(), tz),
    items: loadPublication(ctx.db, filters).map((item) => ({
      ...item,
      answers: item.answers.map(({ approvedAt, ...a }) => ({ ...a, approvedOn: approvedAt ? localDate(new Date(approvedAt), tz) : null })),
    })),
  };
}
