/**
 * The handling rhythm (SPEC §4, policy `rhythm`; the Chongqing units' "1171" practice): while a
 * unit's answer is open, a weekly progress prompt, the internal draft date, and a daily warning
 * on each day of the answer's last week that the reminder ladder leaves quiet. Pure: the sweep
 * reads the open answer deadlines and sends what this file plans.
 *
 * | prompt  | when (A = assignment, D = answer due)                                   | to |
 * |---------|--------------------------------------------------------------------------|----|
 * | weekly  | the first working day of each week after A, before D − 7 days            | the liaisons, with 报告进展 |
 * | draft   | the first working day on or after A + `draftDays` (once, before D)       | liaisons and head |
 * | daily   | each working day from D − 7 days to D − 1 working day on which the ladder sends neither its notice nor its warning | liaisons and head |
 *
 * Each is keyed by (assignment, answer due date, prompt, day) and so sent once; only on working
 * days; never once the answer is approved, since the approved answer's deadline leaves the index.
 */
import type { Bilingual } from '../bilingual.ts';
import type { IsoDate, WorkingDayCalendar } from '../calendar/working-day-calendar.ts';
import { addCalendarDays, calendarDaysBetween } from './deadline-rule.ts';
import type { Policy } from './policy.ts';
import type { ReminderLevel, UnitStaff } from './reminder-ladder.ts';

export type RhythmPrompt = 'weekly' | 'draft' | 'daily';

export interface PlannedRhythm {
  prompt: RhythmPrompt;
  /** The day it belongs to: the week's Monday, the draft date, or today. */
  day: IsoDate;
  /** How the card looks: a notice (blue) or a warning (yellow). */
  level: Extract<ReminderLevel, 'notice' | 'warning'>;
  key: string;
  why: Bilingual;
  todo: Bilingual;
}

const mondayOf = (day: IsoDate): IsoDate => {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addCalendarDays(day, -((weekday + 6) % 7));
};

export const rhythmKey = (assignmentId: string, dueOn: IsoDate, prompt: RhythmPrompt, day: IsoDate): string => `${assignmentId}|answer|${dueOn}|rhythm_${prompt}|${day}`;

/** The rhythm prompts an open answer deadline calls for on `today` (a working day), before the key check. */
export function rhythmDue(deadline: { assignmentId: string; fromOn: IsoDate; dueOn: IsoDate }, today: IsoDate, calendar: WorkingDayCalendar, policy: Policy): PlannedRhythm[] {
  const rhythm = policy.rhythm;
  if (!rhythm || !calendar.isWorkingDay(today) || today <= deadline.fromOn || today >= deadline.dueOn) return [];
  const { assignmentId, fromOn, dueOn } = deadline;
  const daysLeft = calendarDaysBetween(today, dueOn);
  const lastWeek = addCalendarDays(dueOn, -policy.reminders.noticeDaysBefore);
  const out: PlannedRhythm[] = [];
  const plan = (prompt: RhythmPrompt, day: IsoDate, level: PlannedRhythm['level'], why: Bilingual, todo: Bilingual) => out.push({ prompt, day, level, key: rhythmKey(assignmentId, dueOn, prompt, day), why, todo });

  if (rhythm.weeklyPrompt && today < lastWeek) {
    const monday = mondayOf(today);
    if (calendar.nextWorkingDayOnOrAfter(monday) === today) {
      plan('weekly', monday, 'notice', { zh_cn: `【每周进展】答复期限 ${dueOn}，还有 ${daysLeft} 天`, en_us: `[weekly progress] answer due ${dueOn}: ${daysLeft} days left` }, { zh_cn: '请报告本周办理进展', en_us: "Please report this week's progress" });
    }
  }
  if (rhythm.draftDays !== null) {
    const draftOn = addCalendarDays(fromOn, rhythm.draftDays);
    if (today >= calendar.nextWorkingDayOnOrAfter(draftOn)) {
      plan('draft', draftOn, 'notice', { zh_cn: `【内部初稿】答复初稿应于 ${draftOn} 报负责人审核，答复期限 ${dueOn}`, en_us: `[internal draft] the draft answer was due to the head on ${draftOn}; answer due ${dueOn}` }, { zh_cn: '请将答复初稿报单位负责人审核', en_us: 'Please submit the draft answer to the unit head' });
    }
  }
  if (rhythm.lastWeekDailies && today >= lastWeek) {
    // The ladder's own days: its notice (first working day of the last week) and its warnings (1 working day before, and on D).
    const ladderNotice = calendar.nextWorkingDayOnOrAfter(lastWeek);
    const dayBefore = calendar.addWorkingDays(dueOn, -1);
    if (today !== ladderNotice && today < dayBefore) {
      plan('daily', today, 'warning', { zh_cn: `【最后一周】答复期限 ${dueOn}，还有 ${daysLeft} 天`, en_us: `[last week] answer due ${dueOn}: ${daysLeft} days left` }, { zh_cn: '答复期限临近，请抓紧办理、按时答复', en_us: 'The answer is due soon: please finish it in time' });
    }
  }
  return out;
}

/** Who each prompt @-mentions: the weekly one the liaisons, the others liaisons and the head. */
export function rhythmRecipients(prompt: RhythmPrompt, staff: UnitStaff): string[] {
  return [...new Set(prompt === 'weekly' ? staff.liaisons : [...staff.liaisons, ...staff.head])];
}
