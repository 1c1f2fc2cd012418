/**
 * The reminder ladder of SPEC §4: which reminders a deadline calls for on a given day, to whom,
 * and what they say. Pure: the sweep (src/app/sweep.ts) reads the deadlines due and writes what
 * this file plans.
 *
 * | level        | when (D = due date)                                  | to                          |
 * |--------------|------------------------------------------------------|-----------------------------|
 * | notice       | the first working day on or after D − 7 days         | the liaisons (the deputies, for their evaluation) |
 * | warning      | 1 working day before D, and on D                      | liaisons and the unit head  |
 * | overdue      | every working day after D                             | liaisons and head           |
 * | escalation   | 3 working days overdue: Lark urgent (加急, in-app), and the item in the supervisors' group |
 * | escalation2  | 10 working days overdue: urgent SMS where the policy enables it, and a 督办通知 card to the supervisors' group |
 *
 * Only a unit's obligations go past warning: the re-assignment window and the deputy's
 * evaluation get notices and warnings (nobody nags a deputy daily).
 */
import type { Bilingual } from '../bilingual.ts';
import type { IsoDate, WorkingDayCalendar } from '../calendar/working-day-calendar.ts';
import { addCalendarDays } from './deadline-rule.ts';
import { isObligation } from './deadlines.ts';
import { DEADLINE_LABELS, type DeadlineKind, type Policy } from './policy.ts';

export type ReminderLevel = 'notice' | 'warning' | 'overdue' | 'escalation' | 'escalation2';

export interface DueLevel {
  level: ReminderLevel;
  /** The day this reminder belongs to (for escalations: the day they fell due). */
  day: IsoDate;
}

/** The levels a deadline calls for today, each with the day it belongs to. */
export function levelsDue(
  deadline: { kind: DeadlineKind; fromOn: IsoDate; dueOn: IsoDate },
  today: IsoDate,
  calendar: WorkingDayCalendar,
  policy: Policy,
): { levels: DueLevel[]; workingDaysOverdue: number } {
  const d = deadline.dueOn;
  const levels: DueLevel[] = [];
  let workingDaysOverdue = 0;
  const dayBefore = calendar.addWorkingDays(d, -1);
  if (today < d) {
    const noticeDay = calendar.nextWorkingDayOnOrAfter(addCalendarDays(d, -policy.reminders.noticeDaysBefore));
    if (today >= dayBefore) levels.push({ level: 'warning', day: dayBefore });
    // A notice only for a deadline that already existed on its notice day and is not yet in the warning days.
    else if (today >= noticeDay && noticeDay >= deadline.fromOn && noticeDay < dayBefore) levels.push({ level: 'notice', day: noticeDay });
  } else if (today === d) {
    levels.push({ level: 'warning', day: d });
  } else if (isObligation(deadline)) {
    workingDaysOverdue = calendar.workingDaysBetween(d, today);
    if (workingDaysOverdue >= 1) levels.push({ level: 'overdue', day: today });
    const r = policy.reminders;
    if (workingDaysOverdue >= r.escalateAfterWorkingDays) levels.push({ level: 'escalation', day: calendar.addWorkingDays(d, r.escalateAfterWorkingDays) });
    if (workingDaysOverdue >= r.escalate2AfterWorkingDays) levels.push({ level: 'escalation2', day: calendar.addWorkingDays(d, r.escalate2AfterWorkingDays) });
  }
  return { levels, workingDaysOverdue };
}

/** Escalations go to the supervisors' group; the suggestion's own group sees one card a day. */
export const isEscalation = (level: ReminderLevel): boolean => level === 'escalation' || level === 'escalation2';

export interface UnitStaff {
  head: string[];
  liaisons: string[];
}

/** Who is @-mentioned in the group: the deputies for their evaluation, else the unit's staff. */
export function reminderRecipients(kind: DeadlineKind, level: ReminderLevel, staff: UnitStaff, deputies: () => string[]): string[] {
  const people = kind === 'evaluation' ? deputies() : level === 'notice' ? staff.liaisons : [...staff.liaisons, ...staff.head];
  return [...new Set(people)];
}

/** Lark urgent (加急) on the day's reminder card: in-app at the first escalation, by SMS at the second where the policy allows. */
export function urgentOf(level: ReminderLevel, staff: UnitStaff, policy: Policy): { channel: 'app' | 'sms'; openIds: string[] } | undefined {
  const openIds = [...new Set([...staff.liaisons, ...staff.head])];
  if (level === 'escalation') return { channel: 'app', openIds };
  if (level === 'escalation2' && policy.reminders.urgentSms) return { channel: 'sms', openIds };
  return undefined;
}

/** The one key of a reminder: (subject, deadline, level, day) is sent once, however often the sweep runs. */
export const reminderKey = (r: { subjectId: string; kind: DeadlineKind; dueOn: IsoDate; level: ReminderLevel; day: IsoDate }): string =>
  `${r.subjectId}|${r.kind}|${r.dueOn}|${r.level}|${r.day}`;

/** What the unit should do about each kind of deadline, said on its reminder card. */
export const REMINDER_TODO: Record<DeadlineKind, Bilingual> = {
  sign: { zh_cn: '请尽快签收', en_us: 'Please sign for it' },
  reassign_window: { zh_cn: '如需申请改办，请在期限内提出', en_us: 'Ask for re-assignment before the window closes, if needed' },
  first_contact: { zh_cn: '请尽快与代表联系并登记沟通', en_us: 'Please contact the deputy and record it' },
  co_opinion: { zh_cn: '请尽快向主办单位提交协办意见', en_us: 'Please submit the co-handler opinion' },
  answer: { zh_cn: '请按时提交答复并报负责人审核', en_us: 'Please submit the answer for approval in time' },
  evaluation: { zh_cn: '请代表对答复进行评价', en_us: 'Please evaluate the answer' },
  rehandle_answer: { zh_cn: '请尽快重新办理并答复', en_us: 'Please re-handle and answer again' },
  commitment: { zh_cn: '请按承诺完成并标记完成', en_us: 'Please complete the commitment and mark it done' },
};

const LEVEL_LABEL: Record<ReminderLevel, Bilingual> = {
  notice: { zh_cn: '提醒', en_us: 'notice' },
  warning: { zh_cn: '预警', en_us: 'warning' },
  overdue: { zh_cn: '逾期', en_us: 'overdue' },
  escalation: { zh_cn: '督办', en_us: 'escalation' },
  escalation2: { zh_cn: '督办通知', en_us: 'supervision notice' },
};

/** One line saying why a reminder is sent, e.g. 【逾期】答复期限 2026-05-11，已逾期 3 个工作日. */
export function explainReminder(kind: DeadlineKind, level: ReminderLevel, due: IsoDate, daysLeft: number, workingDaysOverdue: number): Bilingual {
  // "申请改办期限" already says 期限.
  const label = { zh_cn: DEADLINE_LABELS[kind].zh_cn.replace(/期限$/, ''), en_us: DEADLINE_LABELS[kind].en_us };
  const n = workingDaysOverdue;
  const when =
    daysLeft > 0
      ? { zh: `还有 ${daysLeft} 天`, en: `${daysLeft} day${daysLeft === 1 ? '' : 's'} left` }
      : daysLeft === 0
        ? { zh: '今天到期', en: 'due today' }
        : { zh: `已逾期 ${n} 个工作日`, en: `${n} working day${n === 1 ? '' : 's'} overdue` };
  return {
    zh_cn: `【${LEVEL_LABEL[level].zh_cn}】${label.zh_cn}期限 ${due}，${when.zh}`,
    en_us: `[${LEVEL_LABEL[level].en_us}] ${label.en_us} due ${due}: ${when.en}`,
  };
}
