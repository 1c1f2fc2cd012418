/**
 * Percentages as the handling reports print them: one decimal (91.8%), an exact 100% as "100%".
 * Everything works in tenths of a percent computed from the two counts with integer arithmetic,
 * so no floating-point drift can move a figure; the rule itself is written down once, in
 * definitions.ts (ROUNDING), and implemented only here.
 */

/** A rate: numerator ÷ denominator, with the rounded figure the report prints. */
export interface Rate {
  numerator: number;
  denominator: number;
  /** Tenths of a percent as printed (918 = 91.8%); null when the denominator is 0. */
  tenths: number | null;
  /** The printed figure as a number (91.8), null when there is nothing to divide by. */
  percent: number | null;
  /** The printed figure: "91.8%", "100%", or "—" when the denominator is 0. */
  text: string;
}

/** One part of a whole: its count and its share of the whole, printed like a rate. */
export interface Share {
  count: number;
  of: number;
  tenths: number | null;
  percent: number | null;
  text: string;
}

/**
 * Half-up rounding of 1000·n/d to whole tenths of a percent, except that a fraction that is not
 * exactly 1 never prints as 100% (at most 99.9%) and one that is not exactly 0 never prints as
 * 0.0% (at least 0.1%).
 */
export function tenthsOf(numerator: number, denominator: number): number | null {
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || numerator < 0 || denominator < 0) {
    throw new Error(`tenthsOf: counts must be non-negative integers, got ${numerator}/${denominator}`);
  }
  if (denominator === 0) return null;
  if (numerator > denominator) throw new Error(`tenthsOf: ${numerator} is more than its whole ${denominator}`);
  if (numerator === denominator) return 1000;
  if (numerator === 0) return 0;
  // floor((1000n/d) + 1/2) = floor((2000n + d) / 2d): exact for any realistic count.
  const t = Math.floor((2000 * numerator + denominator) / (2 * denominator));
  return Math.min(999, Math.max(1, t));
}

export function formatTenths(tenths: number | null): string {
  if (tenths === null) return '—';
  if (tenths === 1000) return '100%';
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

export function rate(numerator: number, denominator: number): Rate {
  const tenths = tenthsOf(numerator, denominator);
  return { numerator, denominator, tenths, percent: tenths === null ? null : tenths / 10, text: formatTenths(tenths) };
}

function share(count: number, of: number, tenths: number | null): Share {
  return { count, of, tenths, percent: tenths === null ? null : tenths / 10, text: formatTenths(tenths) };
}

/** Shares rounded each on its own: they may not sum to exactly 100.0%. */
export function independentShares(counts: readonly number[], whole: number = sum(counts)): Share[] {
  return counts.map((c) => share(c, whole, tenthsOf(c, whole)));
}

/**
 * Shares of one whole that sum to exactly 100.0%: every part but the largest (the first of the
 * largest, on a tie) is rounded on its own, and the largest is 100% minus the others. This is the
 * Chongqing 2024 report's convention (1178 of 1284 = 91.74% printed 91.8% beside 1.2% and 7.0%).
 * If the adjustment would move the largest part by more than the others' rounding can explain,
 * which only capped tiny parts can cause, every part keeps its own rounding instead.
 */
export function wholeShares(counts: readonly number[]): Share[] {
  const whole = sum(counts);
  const own = counts.map((c) => tenthsOf(c, whole));
  if (whole === 0 || counts.length === 0) return counts.map((c, i) => share(c, whole, own[i] ?? null));
  let largest = 0;
  counts.forEach((c, i) => {
    if (c > counts[largest]!) largest = i;
  });
  const others = own.reduce<number>((acc, t, i) => (i === largest ? acc : acc + (t ?? 0)), 0);
  const residual = 1000 - others;
  const ownLargest = own[largest]!;
  const adjusted = residual >= 0 && Math.abs(residual - ownLargest) <= counts.length - 1 ? residual : ownLargest;
  return counts.map((c, i) => share(c, whole, i === largest ? adjusted : own[i]!));
}

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
