/**
 * The holiday data runs out at the end of a year (SPEC §4): `chinese-days` is updated after the
 * State Council publishes next year's schedule, usually in November. From 1 November, while next
 * year is covered neither by the package nor by the override file, deadlines that fall in it use
 * the statutory fallback without make-up working days; operators are told so where they look
 * (GET /healthz, the startup log, the weekly digest), with what to do (docs/calendar.md).
 */
import type { Bilingual } from '../bilingual.ts';
import type { IsoDate, WorkingDayCalendar } from './working-day-calendar.ts';

export interface CalendarNotice extends Bilingual {
  /** The year whose schedule is missing. */
  year: number;
}

/** From this month on, next year's schedule is expected. */
const FROM_MONTH = 11;

export function nextYearCalendarNotice(calendar: Pick<WorkingDayCalendar, 'yearSource'>, today: IsoDate): CalendarNotice | undefined {
  const [year, month] = today.split('-').map(Number) as [number, number];
  const next = year + 1;
  if (month < FROM_MONTH || calendar.yearSource(next) !== 'statutory_fallback') return undefined;
  return {
    year: next,
    zh_cn: `${next} 年国务院放假安排尚未载入：${next} 年的期限暂按法定节假日计算，未计调休上班日。请按 docs/calendar.md 将放假通知录入覆盖文件（DUBAN_CALENDAR_OVERRIDES），或升级 chinese-days。`,
    en_us: `The State Council's ${next} holiday schedule is not loaded: deadlines in ${next} use the statutory holidays without make-up working days. Add the notice to the override file (DUBAN_CALENDAR_OVERRIDES) as docs/calendar.md shows, or upgrade chinese-days.`,
  };
}
