// The official Chinese working-day calendar: weekends, public holidays and make-up working days
// (调休上班) as published each year by the State Council, from the chinese-days package data,
// with a local override file on top and a statutory-holiday fallback for unpublished years.
//
// Dates are plain 'YYYY-MM-DD' strings; internally they become integer day numbers (days since
// 1970-01-01), so no time zone is involved anywhere. A sweep calls this hundreds of thousands of
// times, so each year is compiled once (lazily) into typed arrays with a prefix sum of working
// days, and the hot paths do no allocation.
import { z } from 'zod';
import officialData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { statutoryHolidays } from './statutory-holidays.ts';

export type IsoDate = string; // 'YYYY-MM-DD'
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';
export type DaySource = 'official' | 'statutory_fallback' | 'override';
export interface DayInfo {
  date: IsoDate;
  working: boolean;
  kind: DayKind;
  /** Chinese name of the holiday, or of the holiday a make-up working day belongs to. */
  name?: string;
  /** English name beside `name`, when known (official data and fallback; not overrides). */
  nameEn?: string;
  source: DaySource;
}
export interface CalendarOverrides {
  days: Record<IsoDate, { working: boolean; name?: string }>;
  /**
   * Years whose whole official schedule (every holiday and make-up working day of the State
   * Council's notice) the file gives: deadlines in them are then exact, not a fallback.
   */
  covers?: number[];
}
export interface WorkingDayCalendar {
  dayInfo(date: IsoDate): DayInfo;
  isWorkingDay(date: IsoDate): boolean;
  /**
   * Where that year's schedule comes from: 'official' when the State Council's schedule is in the
   * package data, 'override' when the override file gives it whole (`covers`), else
   * 'statutory_fallback' (the statutory holidays, without make-up working days).
   */
  yearSource(year: number): 'official' | 'override' | 'statutory_fallback';
  /** The n-th working day after `date` (date itself not counted); n >= 1. n = 0 returns date. Negative n counts backwards. */
  addWorkingDays(date: IsoDate, n: number): IsoDate;
  /** Working days in (from, to]; negative when to < from (then counts working days in (to, from], negated). */
  workingDaysBetween(from: IsoDate, to: IsoDate): number;
  /** The first working day on or after date. */
  nextWorkingDayOnOrAfter(date: IsoDate): IsoDate;
}

// ---------------------------------------------------------------------------------------------
// Day numbers

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// The lunar tables behind the statutory fallback cover these years; nothing here needs more.
const MIN_YEAR = 1901;
const MAX_YEAR = 2099;

/** Days since 1970-01-01 for a valid 'YYYY-MM-DD' date in 1901..2099; throws naming the value otherwise. */
export function toDayNumber(date: IsoDate): number {
  const m = typeof date === 'string' ? ISO_DATE.exec(date) : null;
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) {
      return Date.UTC(year, month - 1, day) / MS_PER_DAY;
    }
  }
  throw new Error(`Invalid date "${String(date)}": expected an existing calendar date YYYY-MM-DD in ${MIN_YEAR}..${MAX_YEAR}`);
}

/** The 'YYYY-MM-DD' date of a day number. */
export function fromDayNumber(dayNumber: number): IsoDate {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function firstDayOfYear(year: number): number {
  return Date.UTC(year, 0, 1) / MS_PER_DAY;
}

function yearOfDayNumber(dayNumber: number): number {
  let year = 1970 + Math.floor(dayNumber / 365.2425);
  while (dayNumber < firstDayOfYear(year)) year--;
  while (dayNumber >= firstDayOfYear(year + 1)) year++;
  return year;
}

// ---------------------------------------------------------------------------------------------
// Official data, grouped by year once at load

interface NamedDay {
  name: string;
  nameEn: string;
}
interface OfficialYear {
  holidays: Map<IsoDate, NamedDay>;
  makeupWorkdays: Map<IsoDate, NamedDay>;
}

const officialByYear: Map<number, OfficialYear> = groupOfficialData(
  officialData as { holidays: Record<string, string>; workdays: Record<string, string> },
);

function groupOfficialData(data: { holidays: Record<string, string>; workdays: Record<string, string> }) {
  const byYear = new Map<number, OfficialYear>();
  const yearOf = (date: string): OfficialYear => {
    const year = Number(date.slice(0, 4));
    let entry = byYear.get(year);
    if (!entry) byYear.set(year, (entry = { holidays: new Map(), makeupWorkdays: new Map() }));
    return entry;
  };
  // Values look like "National Day,国庆节,3" (English, Chinese, length of the holiday).
  const named = (value: string): NamedDay => {
    const [nameEn = '', name = ''] = value.split(',');
    return { name, nameEn };
  };
  for (const [date, value] of Object.entries(data.holidays)) yearOf(date).holidays.set(date, named(value));
  for (const [date, value] of Object.entries(data.workdays)) yearOf(date).makeupWorkdays.set(date, named(value));
  // A year counts as published only if it has holidays; a stray make-up day dated in a later
  // year (never seen so far) must not make that whole year look official.
  for (const [year, entry] of byYear) if (entry.holidays.size === 0) byYear.delete(year);
  return byYear;
}

// ---------------------------------------------------------------------------------------------
// Per-year compiled tables

const KIND_CODES: readonly DayKind[] = ['workday', 'weekend', 'holiday', 'makeup_workday'];
const WORKDAY = 0;
const WEEKEND = 1;
const HOLIDAY = 2;
const MAKEUP_WORKDAY = 3;

interface YearTable {
  year: number;
  source: 'official' | 'statutory_fallback';
  firstDay: number;
  length: number;
  /** index into KIND_CODES, per day of year */
  kind: Uint8Array;
  /** 1 when working, per day of year */
  working: Uint8Array;
  /** 1 when the day comes from the override file */
  overridden: Uint8Array;
  /** cumulative[i] = working days among days 0..i-1 of the year; cumulative[length] = the year's total */
  cumulative: Uint16Array;
  names: Map<number, NamedDay>;
}

function buildYearTable(year: number, overrides: Map<number, { working: boolean; name?: string }>): YearTable {
  const firstDay = firstDayOfYear(year);
  const length = firstDayOfYear(year + 1) - firstDay;
  const kind = new Uint8Array(length);
  const working = new Uint8Array(length);
  const overridden = new Uint8Array(length);
  const names = new Map<number, NamedDay>();

  for (let i = 0; i < length; i++) kind[i] = isWeekendDay(firstDay + i) ? WEEKEND : WORKDAY;

  const mark = (date: IsoDate, dayKind: number, named: NamedDay) => {
    const i = toDayNumber(date) - firstDay;
    kind[i] = dayKind;
    names.set(i, named);
  };
  const official = officialByYear.get(year);
  if (official) {
    for (const [date, named] of official.holidays) mark(date, HOLIDAY, named);
    for (const [date, named] of official.makeupWorkdays) mark(date, MAKEUP_WORKDAY, named);
  } else {
    for (const holiday of statutoryHolidays(year)) mark(holiday.date, HOLIDAY, { name: holiday.name, nameEn: holiday.nameEn });
  }

  for (let i = 0; i < length; i++) working[i] = kind[i] === WORKDAY || kind[i] === MAKEUP_WORKDAY ? 1 : 0;

  for (const [dayNumber, override] of overrides) {
    const i = dayNumber - firstDay;
    if (i < 0 || i >= length) continue;
    const isWeekend = isWeekendDay(dayNumber);
    overridden[i] = 1;
    working[i] = override.working ? 1 : 0;
    // A working Saturday/Sunday is a make-up day; a day off is a (local) holiday unless it is an
    // unnamed Saturday/Sunday, which stays a plain weekend.
    kind[i] = override.working ? (isWeekend ? MAKEUP_WORKDAY : WORKDAY) : isWeekend && !override.name ? WEEKEND : HOLIDAY;
    if (override.name !== undefined) names.set(i, { name: override.name, nameEn: '' });
    else names.delete(i);
  }

  const cumulative = new Uint16Array(length + 1);
  for (let i = 0; i < length; i++) cumulative[i + 1] = cumulative[i]! + working[i]!;

  return { year, source: official ? 'official' : 'statutory_fallback', firstDay, length, kind, working, overridden, cumulative, names };
}

function isWeekendDay(dayNumber: number): boolean {
  const weekday = (((dayNumber + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday === 0 || weekday === 6;
}

// ---------------------------------------------------------------------------------------------
// The calendar

export function createWorkingDayCalendar(options: { overrides?: CalendarOverrides } = {}): WorkingDayCalendar {
  const covered = new Set(options.overrides?.covers ?? []);
  const overrides = new Map<number, { working: boolean; name?: string }>();
  for (const [date, override] of Object.entries(options.overrides?.days ?? {})) {
    overrides.set(toDayNumber(date), override);
  }

  const tables = new Map<number, YearTable>();
  let last: YearTable | undefined; // consecutive calls nearly always hit the same year

  function tableOfYear(year: number): YearTable {
    let table = tables.get(year);
    if (!table) {
      if (year < MIN_YEAR || year > MAX_YEAR) {
        throw new Error(`Date out of the supported range ${MIN_YEAR}..${MAX_YEAR} (year ${year})`);
      }
      table = buildYearTable(year, overrides);
      tables.set(year, table);
    }
    return table;
  }

  function tableOf(dayNumber: number): YearTable {
    if (last && dayNumber >= last.firstDay && dayNumber < last.firstDay + last.length) return last;
    last = tableOfYear(yearOfDayNumber(dayNumber));
    return last;
  }

  function isWorking(dayNumber: number): boolean {
    const table = tableOf(dayNumber);
    return table.working[dayNumber - table.firstDay] === 1;
  }

  /** Working days from the first day of the table's year up to and including dayNumber. */
  function workingUpTo(table: YearTable, dayNumber: number): number {
    return table.cumulative[dayNumber - table.firstDay + 1]!;
  }

  /** Working days in (a, b] for a <= b. */
  function countWorking(a: number, b: number): number {
    const ta = tableOf(a);
    const tb = tableOf(b);
    if (ta === tb) return workingUpTo(tb, b) - workingUpTo(ta, a);
    let count = ta.cumulative[ta.length]! - workingUpTo(ta, a);
    for (let year = ta.year + 1; year < tb.year; year++) {
      const t = tableOfYear(year);
      count += t.cumulative[t.length]!;
    }
    last = tb;
    return count + workingUpTo(tb, b);
  }

  return {
    dayInfo(date) {
      const dayNumber = toDayNumber(date);
      const table = tableOf(dayNumber);
      const i = dayNumber - table.firstDay;
      const info: DayInfo = {
        date,
        working: table.working[i] === 1,
        kind: KIND_CODES[table.kind[i]!]!,
        source: table.overridden[i] === 1 ? 'override' : table.source,
      };
      const named = table.names.get(i);
      if (named) {
        info.name = named.name;
        if (named.nameEn) info.nameEn = named.nameEn;
      }
      return info;
    },

    isWorkingDay(date) {
      return isWorking(toDayNumber(date));
    },

    yearSource(year) {
      return officialByYear.has(year) ? 'official' : covered.has(year) ? 'override' : 'statutory_fallback';
    },

    addWorkingDays(date, n) {
      if (!Number.isInteger(n)) throw new Error(`addWorkingDays: n must be an integer, got ${n}`);
      let dayNumber = toDayNumber(date);
      const step = n < 0 ? -1 : 1;
      for (let remaining = Math.abs(n); remaining > 0; ) {
        dayNumber += step;
        if (isWorking(dayNumber)) remaining--;
      }
      return n === 0 ? date : fromDayNumber(dayNumber);
    },

    workingDaysBetween(from, to) {
      const a = toDayNumber(from);
      const b = toDayNumber(to);
      return a <= b ? countWorking(a, b) : -countWorking(b, a);
    },

    nextWorkingDayOnOrAfter(date) {
      const start = toDayNumber(date);
      let dayNumber = start;
      while (!isWorking(dayNumber)) dayNumber++;
      return dayNumber === start ? date : fromDayNumber(dayNumber);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The local override file (calendar/overrides.json)

const overrideDaySchema = z.strictObject({
  working: z.boolean(),
  name: z.string().min(1).optional(),
});
const overridesSchema = z.strictObject({
  days: z.record(z.string(), overrideDaySchema),
  covers: z.array(z.number().int().min(MIN_YEAR).max(MAX_YEAR)).optional(),
});

/** Validates a parsed override file; throws an Error naming the bad date or field. */
export function loadCalendarOverrides(json: unknown): CalendarOverrides {
  const parsed = overridesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)';
      return `${path}: ${issue.message}`;
    });
    throw new Error(`Invalid calendar overrides: ${problems.join('; ')}`);
  }
  for (const date of Object.keys(parsed.data.days)) {
    try {
      toDayNumber(date);
    } catch (error) {
      throw new Error(`Invalid calendar overrides: days.${date}: ${(error as Error).message}`);
    }
  }
  const days: CalendarOverrides['days'] = {};
  for (const [date, day] of Object.entries(parsed.data.days)) {
    days[date] = day.name === undefined ? { working: day.working } : { working: day.working, name: day.name };
  }
  return { days, ...(parsed.data.covers && { covers: parsed.data.covers }) };
}
