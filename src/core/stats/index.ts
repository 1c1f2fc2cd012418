/** The statistics of SPEC §10: compute them for a filter; every definition lives in definitions.ts. */
export { computeStats, UNCATEGORISED, type Stats, type StatsOptions, type StatsInput, type UnitRow, type CategoryRow, type OverdueItem, type CommitmentCounts, type GradeBreakdown, type ClassBreakdown } from './compute.ts';
export { DEFINITIONS, ROUNDING, ROUNDING_ZH, SCOPE, definitionOf, definitionsMarkdown, type Definition, type DefinitionId } from './definitions.ts';
export { checkStatsFilters, statsFiltersSchema, describeFilters, FILTER_KEYS, type StatsFilters, type FilterCheck } from './filters.ts';
export { rate, tenthsOf, formatTenths, wholeShares, independentShares, type Rate, type Share } from './percent.ts';
