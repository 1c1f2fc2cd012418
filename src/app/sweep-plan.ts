/**
 * What the reminder sweep (src/app/sweep.ts) reads and plans, apart from what it writes.
 *
 * `readDue` reads what may call for a reminder — the deadlines due within the notice period or
 * past, and with the policy's rhythm and follow-ups every open answer and commitment — a page at
 * a time, pausing between pages (issue 11: thousands of rows read at once held the event loop),
 * and groups it by suggestion: the sweep's slices take whole suggestions, so that a suggestion's
 * overdue card and the urgent on it, and its board's light, are written together.
 *
 * `planSuggestion` is the reminder ladder (src/core/deadlines/reminder-ladder.ts), the rhythm and
 * the follow-ups applied to one suggestion: the reminders it calls for today and its light.
 */
import type { SqliteDb } from '../adapters/sqlite/db.ts';
import { sweepStore, type IndexedDeadline, type PageMark, type SuggestionFacts } from '../adapters/sqlite/sweep-store.ts';
import type { WorkingDayCalendar } from '../core/calendar/working-day-calendar.ts';
import { localDate } from '../core/clock.ts';
import { addCalendarDays, calendarDaysBetween } from '../core/deadlines/deadline-rule.ts';
import { isObligation, lightOf, type Light } from '../core/deadlines/deadlines.ts';
import { followUpDue, followUpRecipients, type OpenCommitment } from '../core/deadlines/follow-up.ts';
import { DEADLINE_KINDS, type DeadlineKind, type Policy } from '../core/deadlines/policy.ts';
import { explainReminder, levelsDue, reminderKey, reminderRecipients, type UnitStaff } from '../core/deadlines/reminder-ladder.ts';
import { rhythmDue, rhythmRecipients } from '../core/deadlines/rhythm.ts';
import type { LeaderInCharge } from '../core/leaders.ts';
import { escalationPeople } from './sweep-escalations.ts';
import type { PlannedReminder } from './sweep.ts';

/** Rows per page: a page's read takes a few milliseconds (20–70 ms for 1,000 rows of a cold 700 MB file). */
const PAGE_ROWS = 250;

/** Everything of one suggestion the sweep looks at today. */
export interface DueOfSuggestion {
  /** Its deadlines in view: due within the notice period (or its warning day), or past for an obligation. */
  deadlines: IndexedDeadline[];
  /** Its open answers, which the rhythm (policy `rhythm`) follows however far their deadline. */
  rhythm: IndexedDeadline[];
  /** Its open commitments, which the follow-ups (policy `followUp`) ask about. */
  commitments: OpenCommitment[];
}

export interface SweepDay {
  today: string;
  workingDay: boolean;
  /** Reminders go out today (a working day, or the policy says rest days too). */
  remindToday: boolean;
  /** The notice period's end: a deadline up to here makes the board yellow. */
  noticeHorizon: string;
}

export function sweepDay(calendar: WorkingDayCalendar, policy: Policy, now: Date, timeZone: string): SweepDay {
  const today = localDate(now, timeZone);
  const workingDay = calendar.isWorkingDay(today);
  // Nobody is reminded on a rest day unless the policy says so; the board's light, which pings
  // nobody, follows the days all the same.
  return { today, workingDay, remindToday: workingDay || policy.reminders.onRestDays, noticeHorizon: addCalendarDays(today, policy.reminders.noticeDaysBefore) };
}

/** Reads what the sweep looks at today, page by page with `pause` between pages, by suggestion (in the order first met). */
export async function readDue(
  deps: { db: SqliteDb; calendar: WorkingDayCalendar; policy: Policy; timeZone: string },
  day: SweepDay,
  pause: () => Promise<void>,
): Promise<Map<string, DueOfSuggestion>> {
  const store = sweepStore(deps.db);
  const { calendar, policy } = deps;
  const bySuggestion = new Map<string, DueOfSuggestion>();
  const of = (suggestionId: string) => {
    let due = bySuggestion.get(suggestionId);
    if (!due) bySuggestion.set(suggestionId, (due = { deadlines: [], rhythm: [], commitments: [] }));
    return due;
  };
  const paged = async <T extends { mark: PageMark }>(page: (after: PageMark | undefined) => T[], take: (row: T) => void) => {
    for (let after: PageMark | undefined, rows: T[] = []; after === undefined || rows.length === PAGE_ROWS; ) {
      rows = page(after);
      rows.forEach(take);
      if (rows.length === 0) break;
      after = rows.at(-1)!.mark;
      await pause();
    }
  };
  const deadline = ({ mark: _mark, ...d }: IndexedDeadline & { mark: PageMark }): IndexedDeadline => d;

  // Far enough for the notices, and for the 1-working-day-before warning when a holiday makes
  // that working day more than the notice period before the deadline. A unit's obligation stays
  // in view once due (overdue reminders every working day); a window or an evaluation only until
  // it passes — a lapsed one is never read again, however many there are.
  const warningHorizon = calendar.addWorkingDays(day.today, 1);
  const horizon = warningHorizon > day.noticeHorizon ? warningHorizon : day.noticeHorizon;
  for (const kind of [...DEADLINE_KINDS, 'commitment' as const] satisfies DeadlineKind[]) {
    const range = isObligation({ kind }) ? { to: horizon } : { from: day.today, to: horizon };
    await paged((after) => store.deadlinesPage(kind, range, after, PAGE_ROWS), (d) => of(d.suggestionId).deadlines.push(deadline(d)));
  }
  // The rhythm follows every open answer, on working days only (whatever onRestDays says).
  if (policy.rhythm && day.workingDay) {
    await paged((after) => store.deadlinesPage('answer', {}, after, PAGE_ROWS), (d) => of(d.suggestionId).rhythm.push(deadline(d)));
  }
  // Follow-ups too are sent on working days only.
  if (policy.followUp && day.workingDay) {
    await paged(
      (after) => store.openCommitmentsPage(after, PAGE_ROWS),
      ({ mark: _mark, confirmedAt, ...c }) => of(c.suggestionId).commitments.push({ ...c, confirmedOn: localDate(new Date(confirmedAt), deps.timeZone) }),
    );
  }
  return bySuggestion;
}

/** What planning a suggestion needs besides its own rows, read once per slice or per sweep. */
export interface PlanContext {
  calendar: WorkingDayCalendar;
  policy: Policy;
  day: SweepDay;
  staff: (unitId: string) => UnitStaff;
  deputyOpenIds: (suggestionId: string) => string[];
  leaderOf: (s: SuggestionFacts) => LeaderInCharge | undefined;
  /** The suggestion's deadlines still in the index now, as `subject|kind|due` (read in the slice's transaction). */
  stillOpen: Set<string>;
}

const openKey = (d: { subjectId: string; kind: string; dueOn: string }) => `${d.subjectId}|${d.kind}|${d.dueOn}`;

/**
 * The reminders one suggestion calls for today (before any was found already sent), and its
 * board's light when the day changed it. A deadline read before the slice but gone from the
 * index since (signed, answered meanwhile) calls for nothing.
 */
export function planSuggestion(ctx: PlanContext, s: SuggestionFacts, due: DueOfSuggestion): { candidates: PlannedReminder[]; light?: { suggestionId: string; from: string | null; to: Light } } {
  const { calendar, policy, day } = ctx;
  const today = day.today;
  const deadlines = due.deadlines.filter((d) => ctx.stillOpen.has(openKey(d)));
  const candidates: PlannedReminder[] = [];
  if (day.remindToday && s.status !== 'withdrawn') {
    for (const d of deadlines) {
      const { levels, workingDaysOverdue } = levelsDue(d, today, calendar, policy);
      for (const { level, day: levelDay } of levels) {
        const daysLeft = calendarDaysBetween(today, d.dueOn);
        candidates.push({
          key: reminderKey({ ...d, level, day: levelDay }),
          suggestionId: s.id,
          number: s.number,
          title: s.title,
          unitId: d.unitId,
          kind: d.kind,
          subjectId: d.subjectId,
          dueOn: d.dueOn,
          level,
          day: levelDay,
          daysLeft,
          workingDaysOverdue,
          recipients: reminderRecipients(d.kind, level, ctx.staff(d.unitId), () => ctx.deputyOpenIds(s.id)),
          ...escalationPeople(level, ctx.staff(d.unitId), policy, ctx.leaderOf(s)),
          why: explainReminder(d.kind, level, d.dueOn, daysLeft, workingDaysOverdue),
        });
      }
    }
  }
  if (s.status === 'open') {
    for (const d of due.rhythm.filter((r) => ctx.stillOpen.has(openKey(r)))) {
      for (const r of rhythmDue(d, today, calendar, policy)) {
        candidates.push({
          key: r.key,
          suggestionId: s.id,
          number: s.number,
          title: s.title,
          unitId: d.unitId,
          kind: 'answer',
          subjectId: d.subjectId,
          dueOn: d.dueOn,
          level: r.level,
          day: r.day,
          daysLeft: calendarDaysBetween(today, d.dueOn),
          workingDaysOverdue: 0,
          recipients: rhythmRecipients(r.prompt, ctx.staff(d.unitId)),
          urgent: undefined,
          toSupervisors: false,
          why: r.why,
          rhythm: { prompt: r.prompt, todo: r.todo },
        });
      }
    }
  }
  for (const c of s.status === 'withdrawn' ? [] : due.commitments) {
    const f = followUpDue(c, today, calendar, policy);
    if (!f) continue;
    candidates.push({
      key: f.key,
      suggestionId: s.id,
      number: s.number,
      title: s.title,
      unitId: c.unitId,
      kind: 'commitment',
      subjectId: c.commitmentId,
      dueOn: c.dueOn,
      level: 'notice',
      day: f.day,
      daysLeft: calendarDaysBetween(today, c.dueOn),
      workingDaysOverdue: 0,
      recipients: followUpRecipients(ctx.staff(c.unitId)),
      urgent: undefined,
      toSupervisors: false,
      why: f.why,
      followUp: { commitmentId: c.commitmentId, content: c.content, todo: f.todo },
    });
  }

  // Time alone only turns a board blue to yellow and yellow to red; every change of state records
  // the light its refreshed board shows (src/adapters/sqlite/deadline-index.ts), so the sweep
  // updates only the boards whose light the day changed, by the board's own rule.
  const inView = deadlines.filter((d) => d.dueOn <= day.noticeHorizon);
  if (s.status !== 'open' || !inView.some(isObligation)) return { candidates };
  const light = lightOf(inView.map((d) => ({ kind: d.kind, due: d.dueOn })), today, policy.reminders.noticeDaysBefore);
  return s.boardLight === light ? { candidates } : { candidates, light: { suggestionId: s.id, from: s.boardLight, to: light } };
}
