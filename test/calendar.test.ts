// The working-day calendar and deadline arithmetic, against the real chinese-days data.
// Every expected date below was checked against node_modules/chinese-days/dist/chinese-days.json:
//   2025 国庆+中秋: holidays 2025-10-01..08, make-up workdays 2025-09-28 (Sun) and 2025-10-11 (Sat);
//   2026 元旦: holidays 2026-01-01..03, make-up workday 2026-01-04 (Sun);
//   2026 春节: holidays 2026-02-15..23, make-up workdays 2026-02-14 (Sat) and 2026-02-28 (Sat);
//   2026 劳动节: holidays 2026-05-01..05, make-up workday 2026-05-09 (Sat).
// 2027 is not in the data, so it exercises the statutory fallback.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statutoryHolidays } from '../src/core/calendar/statutory-holidays.ts';
import {
  createWorkingDayCalendar,
  loadCalendarOverrides,
  type DayKind,
  type DaySource,
} from '../src/core/calendar/working-day-calendar.ts';
import { addCalendarMonths, computeDeadline, type DeadlineRule } from '../src/core/deadlines/deadline-rule.ts';

const calendar = createWorkingDayCalendar();

describe('official days', () => {
  const table: Array<{ date: string; working: boolean; kind: DayKind; name?: string }> = [
    // 2025 National Day + Mid-Autumn
    { date: '2025-09-27', working: false, kind: 'weekend' }, // plain Saturday
    { date: '2025-09-28', working: true, kind: 'makeup_workday', name: '国庆节' }, // Sunday
    { date: '2025-09-30', working: true, kind: 'workday' },
    { date: '2025-10-01', working: false, kind: 'holiday', name: '国庆节' },
    { date: '2025-10-02', working: false, kind: 'holiday' },
    { date: '2025-10-03', working: false, kind: 'holiday' },
    { date: '2025-10-04', working: false, kind: 'holiday' },
    { date: '2025-10-05', working: false, kind: 'holiday' },
    { date: '2025-10-06', working: false, kind: 'holiday', name: '中秋' },
    { date: '2025-10-07', working: false, kind: 'holiday' },
    { date: '2025-10-08', working: false, kind: 'holiday' },
    { date: '2025-10-09', working: true, kind: 'workday' },
    { date: '2025-10-10', working: true, kind: 'workday' },
    { date: '2025-10-11', working: true, kind: 'makeup_workday', name: '国庆节' }, // Saturday
    { date: '2025-10-12', working: false, kind: 'weekend' }, // Sunday
    // 2026 Spring Festival
    { date: '2026-02-13', working: true, kind: 'workday' },
    { date: '2026-02-14', working: true, kind: 'makeup_workday', name: '春节' }, // Saturday
    ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) => ({
      date: `2026-02-${d}`,
      working: false,
      kind: 'holiday' as const,
      name: '春节',
    })),
    { date: '2026-02-24', working: true, kind: 'workday' },
    { date: '2026-02-27', working: true, kind: 'workday' },
    { date: '2026-02-28', working: true, kind: 'makeup_workday', name: '春节' }, // Saturday
    { date: '2026-03-01', working: false, kind: 'weekend' },
    // 2026 New Year: a Sunday make-up day right after the holiday
    { date: '2026-01-01', working: false, kind: 'holiday', name: '元旦' },
    { date: '2026-01-04', working: true, kind: 'makeup_workday', name: '元旦' },
  ];

  it.each(table)('$date is $kind', ({ date, working, kind, name }) => {
    const info = calendar.dayInfo(date);
    expect(info).toMatchObject({ date, working, kind, source: 'official' });
    if (name) expect(info.name).toBe(name);
    expect(calendar.isWorkingDay(date)).toBe(working);
  });

  it('knows which years are published', () => {
    expect(calendar.yearSource(2025)).toBe('official');
    expect(calendar.yearSource(2026)).toBe('official');
    expect(calendar.yearSource(2027)).toBe('statutory_fallback');
  });
});

describe('addWorkingDays', () => {
  it.each([
    { from: '2025-09-30', n: 1, expected: '2025-10-09' }, // over the whole 8-day break
    { from: '2025-09-26', n: 1, expected: '2025-09-28' }, // Friday → make-up Sunday
    { from: '2025-09-26', n: 2, expected: '2025-09-29' },
    { from: '2025-10-10', n: 1, expected: '2025-10-11' }, // Friday → make-up Saturday
    { from: '2025-10-11', n: 1, expected: '2025-10-13' }, // Saturday → Monday, Sunday skipped
    { from: '2026-02-13', n: 1, expected: '2026-02-14' },
    { from: '2026-02-14', n: 1, expected: '2026-02-24' },
    // 2026-02-10 (Tue) + 20: 02-11, 12, 13, 14 (make-up Sat) = 4; 15..23 off; 02-24..27 = 8;
    // 02-28 (make-up Sat) = 9; 03-02..06 = 14; 03-09..13 = 19; 03-16 (Mon) = 20.
    { from: '2026-02-10', n: 20, expected: '2026-03-16' },
    { from: '2025-12-31', n: 1, expected: '2026-01-04' }, // across the year and 元旦, onto a make-up Sunday
    { from: '2026-12-31', n: 1, expected: '2027-01-04' }, // fallback 2027: 01-01 holiday, then the weekend
    { from: '2025-10-01', n: 0, expected: '2025-10-01' }, // n = 0 returns the date itself, even a holiday
    { from: '2025-10-09', n: -1, expected: '2025-09-30' }, // backwards
    { from: '2026-02-24', n: -2, expected: '2026-02-13' },
  ])('$from + $n working days = $expected', ({ from, n, expected }) => {
    expect(calendar.addWorkingDays(from, n)).toBe(expected);
  });

  it('rejects a non-integer count', () => {
    expect(() => calendar.addWorkingDays('2026-01-05', 1.5)).toThrow(/1\.5/);
  });
});

describe('workingDaysBetween', () => {
  it.each([
    { from: '2025-09-30', to: '2025-10-09', expected: 1 },
    // 09-28, 09-29, 09-30, 10-09, 10-10, 10-11
    { from: '2025-09-26', to: '2025-10-12', expected: 6 },
    { from: '2025-10-12', to: '2025-09-26', expected: -6 },
    { from: '2025-10-09', to: '2025-10-09', expected: 0 },
    // 02-14, 02-24, 02-25, 02-26, 02-27, 02-28
    { from: '2026-02-13', to: '2026-03-01', expected: 6 },
    // 2026-01-04 (make-up Sunday), 2026-01-05
    { from: '2025-12-31', to: '2026-01-05', expected: 2 },
    { from: '2026-02-10', to: '2026-03-16', expected: 20 },
  ])('($from, $to] has $expected working days', ({ from, to, expected }) => {
    expect(calendar.workingDaysBetween(from, to)).toBe(expected);
  });

  it('agrees with a day-by-day count over several years, and inverts addWorkingDays', () => {
    const days: string[] = [];
    for (let t = Date.UTC(2024, 11, 20); t <= Date.UTC(2027, 11, 31); t += 86_400_000) {
      days.push(new Date(t).toISOString().slice(0, 10));
    }
    const from = days[0]!;
    let naive = 0;
    for (const day of days.slice(1)) {
      if (calendar.isWorkingDay(day)) naive++;
      expect(calendar.workingDaysBetween(from, day)).toBe(naive);
    }
    for (let i = 0; i < days.length - 200; i += 17) {
      for (const n of [1, 5, 20, 130]) {
        const due = calendar.addWorkingDays(days[i]!, n);
        expect(calendar.workingDaysBetween(days[i]!, due)).toBe(n);
        expect(calendar.isWorkingDay(due)).toBe(true);
      }
    }
  });
});

describe('nextWorkingDayOnOrAfter', () => {
  it.each([
    { date: '2025-10-01', expected: '2025-10-09' },
    { date: '2025-09-28', expected: '2025-09-28' },
    { date: '2025-10-12', expected: '2025-10-13' },
    { date: '2026-02-15', expected: '2026-02-24' },
  ])('$date → $expected', ({ date, expected }) => {
    expect(calendar.nextWorkingDayOnOrAfter(date)).toBe(expected);
  });
});

describe('addCalendarMonths', () => {
  it.each([
    { date: '2026-11-30', months: 3, expected: '2027-02-28' },
    { date: '2026-01-31', months: 1, expected: '2026-02-28' },
    { date: '2024-01-31', months: 1, expected: '2024-02-29' },
    { date: '2024-02-29', months: 12, expected: '2025-02-28' },
    { date: '2026-05-31', months: 6, expected: '2026-11-30' },
    { date: '2025-12-15', months: 1, expected: '2026-01-15' },
    { date: '2026-03-31', months: -1, expected: '2026-02-28' },
    { date: '2026-02-10', months: 0, expected: '2026-02-10' },
  ])('$date + $months months = $expected', ({ date, months, expected }) => {
    expect(addCalendarMonths(date, months)).toBe(expected);
  });
});

describe('computeDeadline', () => {
  it('rolls a 3-month period ending on a Sunday to Monday, and explains it', () => {
    const result = computeDeadline({ months: 3 }, '2026-02-10', calendar);
    expect(result).toEqual({
      due: '2026-05-11',
      explanation: {
        zh_cn: '自 2026-02-10 起 3 个月，届满日 2026-05-10 为休息日，顺延至 2026-05-11',
        en_us: '3 months from 2026-02-10; 2026-05-10 is a rest day, so the deadline moves to 2026-05-11',
      },
      usesFallbackCalendar: false,
    });
  });

  it.each<{ rule: DeadlineRule; from: string; due: string; rolledFrom?: string }>([
    // raw end 2025-10-01 is 国庆节 → first working day after the break
    { rule: { months: 3 }, from: '2025-07-01', due: '2025-10-09', rolledFrom: '2025-10-01' },
    { rule: { months: 3 }, from: '2025-07-05', due: '2025-10-09', rolledFrom: '2025-10-05' },
    // raw end 2026-02-17 is 春节
    { rule: { months: 3 }, from: '2025-11-17', due: '2026-02-24', rolledFrom: '2026-02-17' },
    // clamped to 2026-02-28, a make-up Saturday: a working day, so no roll
    { rule: { months: 3 }, from: '2025-11-30', due: '2026-02-28' },
    { rule: { months: 1 }, from: '2026-01-31', due: '2026-02-28' },
    { rule: { months: 2 }, from: '2026-02-28', due: '2026-04-28' },
    // clamped to 2026-04-30 (Thu), no roll
    { rule: { months: 1 }, from: '2026-03-31', due: '2026-04-30' },
    { rule: { workingDays: 2 }, from: '2026-02-12', due: '2026-02-14' },
    { rule: { workingDays: 2 }, from: '2025-09-29', due: '2025-10-09' },
    { rule: { workingDays: 20 }, from: '2026-02-10', due: '2026-03-16' },
    // 2025-09-21 + 10 days = 2025-10-01 (holiday)
    { rule: { days: 10 }, from: '2025-09-21', due: '2025-10-09', rolledFrom: '2025-10-01' },
    // 2026-01-19 + 30 days = 2026-02-18 (春节)
    { rule: { days: 30 }, from: '2026-01-19', due: '2026-02-24', rolledFrom: '2026-02-18' },
    { rule: { days: 7 }, from: '2026-03-02', due: '2026-03-09' },
    // 2026-05-02 + 7 days = 2026-05-09, a make-up Saturday: working, no roll
    { rule: { days: 7 }, from: '2026-05-02', due: '2026-05-09' },
  ])('$rule from $from is due $due', ({ rule, from, due, rolledFrom }) => {
    const result = computeDeadline(rule, from, calendar);
    expect(result.due).toBe(due);
    expect(result.usesFallbackCalendar).toBe(false);
    expect(result.explanation.zh_cn).toContain(`自 ${from} 起`);
    expect(result.explanation.en_us).toContain(`from ${from}`);
    if (rolledFrom) {
      expect(result.explanation.zh_cn).toContain(`届满日 ${rolledFrom} 为节假日`);
      expect(result.explanation.zh_cn).toContain(`顺延至 ${due}`);
      expect(result.explanation.en_us).toContain(`${rolledFrom} is a holiday`);
      expect(result.explanation.en_us).toContain(`moves to ${due}`);
    } else {
      expect(result.explanation.zh_cn).not.toContain('顺延');
    }
  });

  it('names the holiday it rolled over', () => {
    const result = computeDeadline({ months: 3 }, '2025-07-01', calendar);
    expect(result.explanation.zh_cn).toBe('自 2025-07-01 起 3 个月，届满日 2025-10-01 为节假日（国庆节），顺延至 2025-10-09');
    expect(result.explanation.en_us).toBe(
      '3 months from 2025-07-01; 2025-10-01 is a holiday (National Day), so the deadline moves to 2025-10-09',
    );
  });

  it('flags and explains a deadline computed with the statutory fallback', () => {
    // 2026-11-30 + 3 months → 2027-02-28 (Sunday) → 2027-03-01
    const result = computeDeadline({ months: 3 }, '2026-11-30', calendar);
    expect(result.due).toBe('2027-03-01');
    expect(result.usesFallbackCalendar).toBe(true);
    expect(result.explanation.zh_cn).toContain('2027 年放假安排尚未公布，按法定节假日推算，未计调休');
    expect(result.explanation.en_us).toContain('the official 2027 holiday schedule is not yet published');
    expect(result.explanation.en_us).toContain('without make-up working days');

    // 2026-12-28 + 5 working days: 12-29, 12-30, 12-31, (2027-01-01 元旦, 02-03 weekend) 01-04, 01-05
    const working = computeDeadline({ workingDays: 5 }, '2026-12-28', calendar);
    expect(working.due).toBe('2027-01-05');
    expect(working.usesFallbackCalendar).toBe(true);

    // 2027-01-05 + 1 month = 2027-02-05 = 除夕 (fallback) → 2027-02-09
    const lunar = computeDeadline({ months: 1 }, '2027-01-05', calendar);
    expect(lunar.due).toBe('2027-02-09');
    expect(lunar.explanation.zh_cn).toContain('届满日 2027-02-05 为节假日（春节），顺延至 2027-02-09');
  });

  it('keeps the fallback flag off when everything stays in published years', () => {
    const result = computeDeadline({ months: 3 }, '2026-09-30', calendar); // → 2026-12-30
    expect(result.due).toBe('2026-12-30');
    expect(result.usesFallbackCalendar).toBe(false);
    expect(result.explanation.zh_cn).not.toContain('尚未公布');
    expect(result.explanation.en_us).not.toContain('not yet published');
  });

  it('rejects bad input', () => {
    expect(() => computeDeadline({ months: 1 }, '2026-13-01', calendar)).toThrow(/2026-13-01/);
    expect(() => computeDeadline({ days: -1 }, '2026-03-01', calendar)).toThrow(/days/);
    expect(() => computeDeadline({ workingDays: 2.5 }, '2026-03-01', calendar)).toThrow(/workingDays/);
  });
});

describe('statutory fallback (2027)', () => {
  it('lists the 13 statutory holidays of the 2024 revision', () => {
    expect(statutoryHolidays(2027).map((h) => `${h.date} ${h.name}`)).toEqual([
      '2027-01-01 元旦',
      // lunar new year 2027 is 02-06, so 除夕 is 02-05
      '2027-02-05 春节',
      '2027-02-06 春节',
      '2027-02-07 春节',
      '2027-02-08 春节',
      '2027-04-05 清明',
      '2027-05-01 劳动节',
      '2027-05-02 劳动节',
      '2027-06-09 端午',
      '2027-09-15 中秋',
      '2027-10-01 国庆节',
      '2027-10-02 国庆节',
      '2027-10-03 国庆节',
    ]);
  });

  const table: Array<{ date: string; working: boolean; kind: DayKind; name?: string }> = [
    { date: '2027-01-01', working: false, kind: 'holiday', name: '元旦' },
    { date: '2027-02-04', working: true, kind: 'workday' }, // Thursday
    { date: '2027-02-05', working: false, kind: 'holiday', name: '春节' }, // 除夕, Friday
    { date: '2027-02-06', working: false, kind: 'holiday', name: '春节' },
    { date: '2027-02-07', working: false, kind: 'holiday', name: '春节' },
    { date: '2027-02-08', working: false, kind: 'holiday', name: '春节' }, // Monday
    { date: '2027-02-09', working: true, kind: 'workday' },
    { date: '2027-02-20', working: false, kind: 'weekend' }, // no make-up day can be known
    { date: '2027-04-05', working: false, kind: 'holiday', name: '清明' },
    { date: '2027-04-06', working: true, kind: 'workday' },
    { date: '2027-05-01', working: false, kind: 'holiday', name: '劳动节' },
    { date: '2027-05-02', working: false, kind: 'holiday', name: '劳动节' },
    { date: '2027-05-03', working: true, kind: 'workday' },
    { date: '2027-06-09', working: false, kind: 'holiday', name: '端午' },
    { date: '2027-09-15', working: false, kind: 'holiday', name: '中秋' },
    { date: '2027-10-01', working: false, kind: 'holiday', name: '国庆节' },
    { date: '2027-10-02', working: false, kind: 'holiday', name: '国庆节' },
    { date: '2027-10-03', working: false, kind: 'holiday', name: '国庆节' },
    { date: '2027-10-04', working: true, kind: 'workday' },
  ];
  it.each(table)('$date is $kind', ({ date, working, kind, name }) => {
    const info = calendar.dayInfo(date);
    expect(info).toMatchObject({ date, working, kind, source: 'statutory_fallback' });
    if (name) expect(info.name).toBe(name);
  });

  it('reproduces the official data in the years the data covers', () => {
    // The 2024 rules are in force from 2025: all 13 days must be days off in the official schedule.
    for (const year of [2025, 2026]) {
      for (const { date } of statutoryHolidays(year)) expect(calendar.isWorkingDay(date), date).toBe(false);
    }
    // Before 2025 除夕 and May 2 were not statutory, but the lunar and solar-term days were
    // (since 2008): this checks the lunar conversion against 17 years of published schedules.
    for (let year = 2008; year <= 2024; year++) {
      for (const { date, name } of statutoryHolidays(year)) {
        if (['春节', '清明', '端午', '中秋'].includes(name) && !isDayBeforeSpringFestival(year, date)) {
          expect(calendar.isWorkingDay(date), `${date} ${name}`).toBe(false);
        }
      }
    }
  });

  it('does not depend on the machine time zone', () => {
    const expected = [2027, 2030, 2033, 2050].map((year) => statutoryHolidays(year));
    const original = process.env.TZ;
    try {
      for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = tz;
        expect([2027, 2030, 2033, 2050].map((year) => statutoryHolidays(year)), tz).toEqual(expected);
      }
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});

function isDayBeforeSpringFestival(year: number, date: string): boolean {
  const springFestival = statutoryHolidays(year).filter((h) => h.name === '春节')[1]!.date;
  return date < springFestival;
}

describe('overrides', () => {
  const overridden = createWorkingDayCalendar({
    overrides: {
      days: {
        '2025-10-09': { working: false, name: '本地假日' }, // a local holiday on an official workday
        '2025-10-01': { working: true }, // a day off turned into a working day
        '2027-02-20': { working: true, name: '春节调休' }, // an early-published make-up Saturday
        '2027-02-09': { working: false, name: '春节' }, // an early-published extra day off
      },
    },
  });

  it.each<{ date: string; working: boolean; kind: DayKind; source: DaySource; name?: string }>([
    { date: '2025-10-09', working: false, kind: 'holiday', source: 'override', name: '本地假日' },
    { date: '2025-10-01', working: true, kind: 'workday', source: 'override' },
    { date: '2027-02-20', working: true, kind: 'makeup_workday', source: 'override', name: '春节调休' },
    { date: '2027-02-09', working: false, kind: 'holiday', source: 'override', name: '春节' },
    { date: '2025-10-10', working: true, kind: 'workday', source: 'official' },
    { date: '2027-02-10', working: true, kind: 'workday', source: 'statutory_fallback' },
  ])('$date → $source', ({ date, working, kind, source, name }) => {
    const info = overridden.dayInfo(date);
    expect(info).toMatchObject({ date, working, kind, source });
    expect(info.name).toBe(name);
  });

  it('changes the arithmetic, and leaves the default calendar alone', () => {
    expect(overridden.addWorkingDays('2025-09-30', 1)).toBe('2025-10-01');
    expect(overridden.addWorkingDays('2025-10-01', 1)).toBe('2025-10-10');
    expect(overridden.workingDaysBetween('2025-09-30', '2025-10-10')).toBe(2); // 10-01, 10-10
    expect(overridden.nextWorkingDayOnOrAfter('2027-02-05')).toBe('2027-02-10');
    expect(calendar.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
  });

  it('rejects an override with an invalid date', () => {
    expect(() => createWorkingDayCalendar({ overrides: { days: { '2026-02-30': { working: true } } } })).toThrow(
      /2026-02-30/,
    );
  });
});

describe('loadCalendarOverrides', () => {
  it('accepts the shipped file', () => {
    const json: unknown = JSON.parse(readFileSync(new URL('../src/core/calendar/overrides.json', import.meta.url), 'utf8'));
    expect(loadCalendarOverrides(json)).toEqual({ days: {} });
  });

  it('accepts a valid file', () => {
    expect(
      loadCalendarOverrides({ days: { '2027-02-20': { working: true, name: '调休' }, '2027-02-09': { working: false } } }),
    ).toEqual({ days: { '2027-02-20': { working: true, name: '调休' }, '2027-02-09': { working: false } } });
  });

  it.each([
    { json: { days: { '2026-02-30': { working: true } } }, message: /2026-02-30/ },
    { json: { days: { '2026-3-1': { working: true } } }, message: /2026-3-1/ },
    { json: { days: { '2026-03-01': { working: 'yes' } } }, message: /2026-03-01\.working/ },
    { json: { days: { '2026-03-01': {} } }, message: /2026-03-01\.working/ },
    { json: { days: { '2026-03-01': { working: true, nmae: 'x' } } }, message: /nmae/ },
    { json: { holidays: {} }, message: /days/ },
    { json: null, message: /overrides/ },
  ])('rejects $json', ({ json, message }) => {
    expect(() => loadCalendarOverrides(json)).toThrow(message);
  });
});

describe('invalid dates', () => {
  it.each(['2026-02-30', 'abc', '2026-2-3', '2026-13-01', '', '2025-02-29'])('%j throws naming the value', (date) => {
    const named = new RegExp(`"${date}"`);
    expect(() => calendar.dayInfo(date)).toThrow(named);
    expect(() => calendar.isWorkingDay(date)).toThrow(named);
    expect(() => calendar.addWorkingDays(date, 1)).toThrow(named);
    expect(() => calendar.workingDaysBetween('2026-01-05', date)).toThrow(named);
    expect(() => calendar.nextWorkingDayOnOrAfter(date)).toThrow(named);
    expect(() => addCalendarMonths(date, 1)).toThrow(named);
  });
});
