/**
 * Percentages as the handling reports print them: one decimal (91.8%) or, where the policy's
 * `report.percentDecimals` says so, two (91.87%); an exact 100% as "100%". Everything works in
 * whole units of the printed precision (tenths or hundredths of a percent) computed from the two
 * counts with integer arithmetic, so no floating-point drift can move a figure; the rule itself is
 * written down once, in definitions.ts (ROUNDING), and implemented only here.
 */

/** How a locality prints percentages (policy `report`, SPEC §10). */
export interface PercentStyle {
  /** 1 (Chongqing: 91.8%) or 2 (Wuchang, Chengdu: 91.87%; trailing zeros dropped, 91.3%). */
  decimals: 1 | 2;
  /** Breakdowns of one whole (A/B/C/D, the grades) forced to add up to exactly 100% (Chongqing). */
  sharesSumTo100: boolean;
}

/** The default and the Chongqing 2024 convention. */
export const ONE_DECIMAL_SUMMING: PercentStyle = { decimals: 1, sharesSumTo100: true };

/** A rate: numerator ÷ denominator, with the rounded figure the report prints. */
export interface Rate {
  numerator: number;
  denominator: number;
  /** Tenths of a percent rounded to one decimal (918 = 91.8%); null when the denominator is 0. With one decimal, exactly the printed figure. */
  tenths: number | null;
  /** The printed figure in units of its precision: tenths (918) or hundredths (9187) of a percent. */
  units: number | null;
  /** The printed precision: 1 or 2 decimals. */
  decimals: 1 | 2;
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
  units: number | null;
  decimals: 1 | 2;
  percent: number | null;
  text: string;
}

/**
 * Half-up rounding of 1000·n/d to whole tenths of a percent, except that a fraction that is not
 * exactly 1 never prints as 100% (at most 99.9%) and one that is not exactly 0 never prints as
 * 0.0% (at least 0.1%).
 */
export function tenthsOf(numerator: number, denominator: number): number | null {
  return unitsOf(numerator, denominator, 1);
}

/** The same rule at either precision: units of 1/10 (decimals 1) or 1/100 (decimals 2) of a percent. */
export function unitsOf(numerator: number, denominator: number, decimals: 1 | 2): number | null {
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || numerator < 0 || denominator < 0) {
    throw new Error(`tenthsOf: counts must be non-negative integers, got ${numerator}/${denominator}`);
  }
  if (denominator === 0) return null;
  if (numerator > denominator) throw new Error(`tenthsOf: ${numerator} is more than its whole ${denominator}`);
  const whole = wholeUnits(decimals);
  if (numerator === denominator) return whole;
  if (numerator === 0) return 0;
  // floor((whole·n/d) + 1/2) = floor((2·whole·n + d) / 2d): exact for any realistic count.
  const t = Math.floor((2 * whole * numerator + denominator) / (2 * denominator));
  return Math.min(whole - 1, Math.max(1, t));
}

/** 100% in units of the precision: 1000 tenths or 10000 hundredths. */
export const wholeUnits = (decimals: 1 | 2): number => (decimals === 1 ? 1000 : 10000);

/**
 * The printed figure. One decimal always shows it (7.0%, the Chongqing print); two decimals drop
 * trailing zeros, as the Chengdu article prints 609 of 667 (91.30%) as "91.3%" and 69 of 670 as "10.3%".
 */
export function formatUnits(units: number | null, decimals: 1 | 2): string {
  if (units === null) return '—';
  if (decimals === 1) return formatTenths(units);
  if (units === 10000) return '100%';
  const fraction = String(units % 100).padStart(2, '0').replace(/0+$/, '');
  return `${Math.floor(units / 100)}${fraction ? `.${fraction}` : ''}%`;
}

export function formatTenths(tenths: number | null): string {
  if (tenths === null) return '—';
  if (tenths === 1000) return '100%';
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

export function rate(numerator: number, denominator: number, decimals: 1 | 2 = 1): Rate {
  const units = unitsOf(numerator, denominator, decimals);
  return { numerator, denominator, ...printed(units, decimals, tenthsOf(numerator, denominator)) };
}

/** The printed fields of a figure already rounded to `units`; `tenths` is its one-decimal form. */
export function printed(units: number | null, decimals: 1 | 2, tenths: number | null) {
  return {
    tenths: decimals === 1 ? units : tenths,
    units,
    decimals,
    percent: units === null ? null : units / (decimals === 1 ? 10 : 100),
    text: formatUnits(units, decimals),
  };
}

function share(count: number, of: number, units: number | null, decimals: 1 | 2): Share {
  return { count, of, ...printed(units, decimals, of === 0 ? null : tenthsOf(count, of)) };
}

/** Shares rounded each on its own (plain rounding): they may not sum to exactly 100%. */
export function independentShares(counts: readonly number[], whole: number = sum(counts), decimals: 1 | 2 = 1): Share[] {
  return counts.map((c) => share(c, whole, unitsOf(c, whole, decimals), decimals));
}

/** Shares of one whole as the style prints them: summing to 100% (Chongqing) or each rounded on its own. */
export function sharesOf(counts: readonly number[], style: PercentStyle): Share[] {
  return style.sharesSumTo100 ? wholeShares(counts, style.decimals) : independentShares(counts, sum(counts), style.decimals);
}

/**
 * Shares of one whole that sum to exactly 100.0%: every part but the largest (the first of the
 * largest, on a tie) is rounded on its own, and the largest is 100% minus the others. This is the
 * Chongqing 2024 report's convention (1178 of 1284 = 91.74% printed 91.8% beside 1.2% and 7.0%).
 * If the adjustment would move the largest part by more than the others' rounding can explain,
 * which only capped tiny parts can cause, every part keeps its own rounding instead.
 */
export function wholeShares(counts: readonly number[], decimals: 1 | 2 = 1): Share[] {
  const whole = sum(counts);
  const own = counts.map((c) => unitsOf(c, whole, decimals));
  if (whole === 0 || counts.length === 0) return counts.map((c, i) => share(c, whole, own[i] ?? null, decimals));
  let largest = 0;
  counts.forEach((c, i) => {
    if (c > counts[largest]!) largest = i;
  });
  const others = own.reduce<number>((acc, t, i) => (i === largest ? acc : acc + (t ?? 0)), 0);
  const residual = wholeUnits(decimals) - others;
  const ownLargest = own[largest]!;
  const adjusted = residual >= 0 && Math.abs(residual - ownLargest) <= counts.length - 1 ? residual : ownLargest;
  return counts.map((c, i) => share(c, whole, i === largest ? adjusted : own[i]!, decimals));
}

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
