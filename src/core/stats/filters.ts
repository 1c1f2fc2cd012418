/**
 * The filters of the statistics (SPEC §7 `GET /api/stats`, `duban report`): one zod schema for
 * the query string and the command-line options, so both accept and refuse the same values.
 */
import { z } from 'zod';
import { isIsoDate } from '../lifecycle/index.ts';
import type { SuggestionKind, SuggestionTiming } from '../model.ts';
import { describeIssues } from '../zod-issues.ts';

export interface StatsFilters {
  session?: string;
  kind?: SuggestionKind;
  timing?: SuggestionTiming;
  /** A unit id: every figure becomes that unit's own. */
  unit?: string;
  category?: string;
  /** Assignment date (交办日期) from, inclusive, YYYY-MM-DD. */
  from?: string;
  /** Assignment date (交办日期) to, inclusive, YYYY-MM-DD. */
  to?: string;
}

export const FILTER_KEYS = ['session', 'kind', 'timing', 'unit', 'category', 'from', 'to'] as const;

const KIND_NAMES: Record<string, SuggestionKind> = { suggestion: 'suggestion', motion: 'motion', proposal: 'proposal', 建议: 'suggestion', 议案: 'motion', 提案: 'proposal' };
const TIMING_NAMES: Record<string, SuggestionTiming> = { session: 'session', interim: 'interim', 大会: 'session', 闭会: 'interim' };

const text = z.string().trim().min(1, 'must not be empty');
const date = z
  .string()
  .trim()
  .refine(isIsoDate, { message: 'must be a date YYYY-MM-DD' });
const oneOf = <T extends string>(names: Record<string, T>, what: string) =>
  z
    .string()
    .trim()
    .refine((v) => v in names, { message: `must be one of ${Object.keys(names).join(', ')} (${what})` })
    .transform((v) => names[v]!);

export const statsFiltersSchema = z
  .object({
    session: text.optional(),
    kind: oneOf(KIND_NAMES, 'kind').optional(),
    timing: oneOf(TIMING_NAMES, 'timing').optional(),
    unit: text.optional(),
    category: text.optional(),
    from: date.optional(),
    to: date.optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'from must not be after to', path: ['from'] });

export type FilterCheck = { ok: true; filters: StatsFilters } | { ok: false; problems: string[] };

/**
 * Validates raw filter values (strings from a query string or command-line options; undefined
 * means not given). `unitExists` refuses an unknown unit rather than reporting zeros for a typo.
 */
export function checkStatsFilters(raw: Record<string, unknown>, unitExists: (unitId: string) => boolean): FilterCheck {
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = statsFiltersSchema.safeParse(given);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error) };
  const filters: StatsFilters = {};
  for (const key of FILTER_KEYS) {
    const value = parsed.data[key];
    if (value !== undefined) (filters as Record<string, string>)[key] = value;
  }
  if (filters.unit !== undefined && !unitExists(filters.unit)) return { ok: false, problems: [`unit: unknown unit ${filters.unit}`] };
  return { ok: true, filters };
}

const KIND_ZH: Record<SuggestionKind, string> = { suggestion: '建议', motion: '议案', proposal: '提案' };
const TIMING_ZH: Record<SuggestionTiming, string> = { session: '大会期间', interim: '闭会期间' };

/** The filters in Chinese, for the report's 统计范围 line. */
export function describeFilters(filters: StatsFilters, unitName: (unitId: string) => string): string[] {
  const out: string[] = [];
  if (filters.session) out.push(`届次：${filters.session}`);
  if (filters.kind) out.push(`类型：${KIND_ZH[filters.kind]}`);
  if (filters.timing) out.push(`提出时间：${TIMING_ZH[filters.timing]}`);
  if (filters.unit) out.push(`承办单位：${unitName(filters.unit)}`);
  if (filters.category) out.push(`类别：${filters.category}`);
  if (filters.from || filters.to) out.push(`交办日期：${filters.from ?? '不限'} 至 ${filters.to ?? '不限'}`);
  return out;
}

export { KIND_ZH, TIMING_ZH };
