// Deadline arithmetic, following the Civil Code (民法典):
// - art. 201: a period counted in years/months/days starts on the day after the starting event;
// - art. 202: a period in months ends on the corresponding day of the final month, or on that
//   month's last day when there is no corresponding day;
// - art. 203: when the last day is a statutory holiday or rest day, the period ends on the day
//   after the holiday ends, i.e. the first working day after it.
// Periods in working days (the local regulations' "N 个工作日") simply count working days.
import {
  daysInMonth,
  fromDayNumber,
  toDayNumber,
  type IsoDate,
  type WorkingDayCalendar,
} from '../calendar/working-day-calendar.ts';

export type DeadlineRule = { workingDays: number } | { months: number } | { days: number };

export interface ComputedDeadline {
  due: IsoDate;
  explanation: { zh_cn: string; en_us: string };
  /** True when a year in from..due has no official schedule yet (statutory holidays only, no 调休). */
  usesFallbackCalendar: boolean;
}

export function computeDeadline(rule: DeadlineRule, from: IsoDate, calendar: WorkingDayCalendar): ComputedDeadline {
  toDayNumber(from); // validates `from`, naming it when bad
  let due: IsoDate;
  let zh: string;
  let en: string;

  if ('workingDays' in rule) {
    const n = checkCount(rule.workingDays, 'workingDays');
    due = calendar.addWorkingDays(from, n);
    zh = `自 ${from} 起 ${n} 个工作日（当日不计），截止 ${due}`;
    en = `${n} working ${plural(n, 'day')} from ${from} (that day not counted): due ${due}`;
  } else {
    let periodZh: string;
    let periodEn: string;
    let end: IsoDate;
    if ('months' in rule) {
      const n = checkCount(rule.months, 'months');
      end = addCalendarMonths(from, n);
      periodZh = `${n} 个月`;
      periodEn = `${n} ${plural(n, 'month')}`;
    } else {
      const n = checkCount(rule.days, 'days');
      end = fromDayNumber(toDayNumber(from) + n);
      periodZh = `${n} 日`;
      periodEn = `${n} ${plural(n, 'day')}`;
    }
    due = calendar.nextWorkingDayOnOrAfter(end);
    if (due === end) {
      zh = `自 ${from} 起 ${periodZh}，届满日 ${end}`;
      en = `${periodEn} from ${from}: due ${end}`;
    } else {
      const info = calendar.dayInfo(end);
      // "节假日", not "法定节假日": an official break also contains days off that are not statutory.
      const restZh = info.kind === 'holiday' ? `节假日${info.name ? `（${info.name}）` : ''}` : '休息日';
      const restEn =
        info.kind === 'holiday' ? `a holiday${info.nameEn || info.name ? ` (${info.nameEn || info.name})` : ''}` : 'a rest day';
      zh = `自 ${from} 起 ${periodZh}，届满日 ${end} 为${restZh}，顺延至 ${due}`;
      en = `${periodEn} from ${from}; ${end} is ${restEn}, so the deadline moves to ${due}`;
    }
  }

  const fallbackYears: number[] = [];
  const [firstYear, lastYear] = [Number(from.slice(0, 4)), Number(due.slice(0, 4))].sort((a, b) => a - b) as [number, number];
  for (let year = firstYear; year <= lastYear; year++) {
    if (calendar.yearSource(year) === 'statutory_fallback') fallbackYears.push(year);
  }
  if (fallbackYears.length > 0) {
    zh += `（${fallbackYears.join('、')} 年放假安排尚未公布，按法定节假日推算，未计调休）`;
    en += ` (the official ${joinEnglish(fallbackYears.map(String))} holiday schedule${fallbackYears.length > 1 ? 's are' : ' is'} not yet published; computed from the statutory holidays, without make-up working days)`;
  }

  return { due, explanation: { zh_cn: zh, en_us: en }, usesFallbackCalendar: fallbackYears.length > 0 };
}

/** date + n calendar days (n may be negative). */
export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function calendarDaysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** date + months, clamped to the end of the target month: 2026-11-30 + 3 → 2027-02-28. */
export function addCalendarMonths(date: IsoDate, months: number): IsoDate {
  toDayNumber(date); // validates, naming the value when bad
  if (!Number.isInteger(months)) throw new Error(`addCalendarMonths: months must be an integer, got ${months}`);
  const monthIndex = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  const day = Math.min(Number(date.slice(8, 10)), daysInMonth(year, month));
  const result = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  toDayNumber(result); // keeps the result inside the supported range
  return result;
}

function checkCount(n: number, field: string): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`Deadline rule: ${field} must be a non-negative integer, got ${n}`);
  return n;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function joinEnglish(items: string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
