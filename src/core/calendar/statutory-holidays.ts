// Statutory public holidays (全体公民放假的节日) fixed by 《全国年节及纪念日放假办法》 as revised by
// the State Council in November 2024, effective 2025-01-01 (article 2: 13 days in all).
//
// Used only for years whose official holiday schedule (国务院办公厅关于部分节假日安排的通知) is not
// yet in the chinese-days data. The official schedule always contains these days, but usually
// extends them into longer breaks with make-up working days (调休), which nobody can predict.
import chineseDays from 'chinese-days';
import type { IsoDate } from './working-day-calendar.ts';

export interface StatutoryHoliday {
  date: IsoDate;
  /** Chinese name, as the chinese-days data names the same holiday (e.g. '国庆节', '中秋'). */
  name: string;
  /** English name, as the chinese-days data names it. */
  nameEn: string;
}

// The lunar tables of chinese-days cover lunar years 1900..2100.
const MIN_YEAR = 1901;
const MAX_YEAR = 2099;

const MS_PER_DAY = 86_400_000;

/** The statutory public holidays of a Gregorian year, in date order (13 days). */
export function statutoryHolidays(year: number): StatutoryHoliday[] {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`statutoryHolidays: year ${year} is outside ${MIN_YEAR}..${MAX_YEAR}`);
  }
  const springFestival = lunarToSolar(year, 1, 1);
  const days: StatutoryHoliday[] = [
    { date: isoDate(year, 1, 1), name: '元旦', nameEn: "New Year's Day" },
    // 春节: 除夕 (the last day of the lunar year, the 29th or the 30th of the 12th month,
    // so computed as the day before lunar new year) and the first three days of the new year.
    { date: addDays(springFestival, -1), name: '春节', nameEn: 'Spring Festival' },
    { date: springFestival, name: '春节', nameEn: 'Spring Festival' },
    { date: addDays(springFestival, 1), name: '春节', nameEn: 'Spring Festival' },
    { date: addDays(springFestival, 2), name: '春节', nameEn: 'Spring Festival' },
    { date: qingming(year), name: '清明', nameEn: 'Tomb-sweeping Day' },
    { date: isoDate(year, 5, 1), name: '劳动节', nameEn: 'Labour Day' },
    { date: isoDate(year, 5, 2), name: '劳动节', nameEn: 'Labour Day' },
    { date: lunarToSolar(year, 5, 5), name: '端午', nameEn: 'Dragon Boat Festival' },
    { date: lunarToSolar(year, 8, 15), name: '中秋', nameEn: 'Mid-autumn Festival' },
    { date: isoDate(year, 10, 1), name: '国庆节', nameEn: 'National Day' },
    { date: isoDate(year, 10, 2), name: '国庆节', nameEn: 'National Day' },
    { date: isoDate(year, 10, 3), name: '国庆节', nameEn: 'National Day' },
  ];
  return days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * Gregorian date of a (non-leap) lunar month/day in lunar year `lunarYear`.
 *
 * chinese-days reads the components of its argument with local-time getters, and does its
 * day arithmetic and formatting in local time too. Passing a local-time Date (rather than a
 * 'YYYY-MM-DD' string, which it parses as UTC) keeps the whole computation in one frame, so
 * the answer does not depend on the machine's time zone.
 */
function lunarToSolar(lunarYear: number, month: number, day: number): IsoDate {
  return chineseDays.getSolarDateFromLunar(new Date(lunarYear, month - 1, day)).date;
}

/**
 * The Qingming solar term (清明) day, always April 4, 5 or 6.
 *
 * chinese-days builds the date as UTC midnight but formats it with local-time getters, so west
 * of UTC it reports the previous day. Undo that skew here (measured on the same instant the
 * library uses) instead of trusting the process time zone.
 */
function qingming(year: number): IsoDate {
  const reported = chineseDays.getSolarTermDate(year, 4, 'pure_brightness');
  const reportedDay = Number(reported.slice(8, 10));
  const probe = new Date(Date.UTC(year, 3, reportedDay + 1));
  const skew = probe.getUTCDate() - probe.getDate(); // 0 at or east of UTC, 1 west of it
  const date = addDays(reported, skew);
  if (!/^\d{4}-04-0[456]$/.test(date)) {
    throw new Error(`chinese-days returned an implausible Qingming date for ${year}: ${reported}`);
  }
  return date;
}

function isoDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function addDays(date: IsoDate, days: number): IsoDate {
  const ms = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return new Date(ms + days * MS_PER_DAY).toISOString().slice(0, 10);
}
