/** The statistics of SPEC §10: compute them for a filter; every definition lives in definitions.ts. */
export { computeStats, UNCATEGORISED, type StatsOptions, type StatsInput } from './compute.ts';
export type { Stats, UnitRow, CategoryRow, OverdueItem, CommitmentCounts, GradeBreakdown, ClassBreakdown } from './figures.ts';
export { DEFINITIONS, ROUNDING, ROUNDING_ZH, SCOPE, definitionOf, definitionsMarkdown, type Definition, type DefinitionId } from './definitions.ts';
export { checkStatsFilters, statsFiltersSchema, describeFilters, FILTER_KEYS, type StatsFilters, type FilterCheck } from './filters.ts';
export { rate, tenthsOf, formatTenths, wholeShares, independentShares, type Rate, type Share } from './percent.ts';
