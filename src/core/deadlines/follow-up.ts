/**
 * Commitment follow-up (SPEC §4, policy `followUp`; the Wuchang ledger cycle): every
 * `commitmentMonths` months after the deputy confirmed a commitment, while it stays open
 * (confirmed, not yet reported done), its unit gets a 承诺进展 card asking for a report. Pure: the
 * sweep reads the open commitments and sends what this file plans.
 *
 * The card belongs to the period's day (confirmation + k × months) and is sent on the first
 * working day on or after it, keyed by (commitment, period day) and so sent once. A sweep that
 * missed that day sends the latest period's card on its next working day, never a backlog. The
 * commitment's own due date keeps the reminder ladder, like any deadline.
 */
import type { Bilingual } from '../bilingual.ts';
import type { IsoDate, WorkingDayCalendar } from '../calendar/working-day-calendar.ts';
import { addCalendarMonths, calendarDaysBetween } from './deadline-rule.ts';
import type { Policy } from './policy.ts';
import type { UnitStaff } from './reminder-ladder.ts';

export interface OpenCommitment {
  commitmentId: string;
  suggestionId: string;
  assignmentId: string;
  unitId: string;
  content: string;
  dueOn: IsoDate;
  /** The local day the deputy confirmed it: the periods count from here. */
  confirmedOn: IsoDate;
}

export interface PlannedFollowUp {
  /** The period's day: confirmation + k × commitmentMonths. */
  day: IsoDate;
  period: number;
  key: string;
  why: Bilingual;
  todo: Bilingual;
}

export const followUpKey = (commitmentId: string, day: IsoDate): string => `${commitmentId}|commitment|follow_up|${day}`;

/** The follow-up an open commitment calls for on `today` (a working day), before the key check. */
export function followUpDue(c: OpenCommitment, today: IsoDate, calendar: WorkingDayCalendar, policy: Policy): PlannedFollowUp | undefined {
  const months = policy.followUp?.commitmentMonths;
  if (!months || !calendar.isWorkingDay(today)) return undefined;
  let period = 0;
  while (addCalendarMonths(c.confirmedOn, (period + 1) * months) <= today) period += 1;
  if (period === 0) return undefined;
  const day = addCalendarMonths(c.confirmedOn, period * months);
  if (today < calendar.nextWorkingDayOnOrAfter(day)) return undefined;
  const daysLeft = calendarDaysBetween(today, c.dueOn);
  const due = daysLeft >= 0 ? { zh: `还有 ${daysLeft} 天`, en: `${daysLeft} days left` } : { zh: `已逾期 ${-daysLeft} 天`, en: `${-daysLeft} days overdue` };
  return {
    day,
    period,
    key: followUpKey(c.commitmentId, day),
    why: { zh_cn: `【承诺进展】第 ${period} 次跟踪（每 ${months} 个月）：承诺于 ${c.dueOn} 前完成，${due.zh}`, en_us: `[commitment follow-up] round ${period} (every ${months} months): promised by ${c.dueOn}, ${due.en}` },
    todo: { zh_cn: '请报告承诺事项落实进展', en_us: 'Please report on the commitment' },
  };
}

/** A follow-up asks the unit: its liaisons and its head. */
export function followUpRecipients(staff: UnitStaff): string[] {
  return [...new Set([...staff.liaisons, ...staff.head])];
}
