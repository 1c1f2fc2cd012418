/**
 * The reminder sweep (SPEC §4): for a moment `now`, every deadline that is near, due or past gets
 * the reminders the ladder (src/core/deadlines/reminder-ladder.ts) calls for, through the outbox.
 *
 * Each reminder is keyed by (subject, deadline, level, day) in `reminders_sent`, written in the
 * same transaction as its outbox rows: two sweeps, concurrent sweeps or a sweep after a crash
 * send it once. Only the deadline index is read (`due_on` ≤ today + notice days), so the cost
 * follows the number of deadlines due, not the number stored. No reminder is sent on a non-working
 * day unless the policy says so; the status board's light is brought up to date every day. A
 * deadline leaves the index the moment what it waits for happens.
 *
 * The sweep also keeps the cards people still need alive in Lark (src/app/living-cards.ts), every
 * day, rest days included.
 */
import type { CardModel, CardSuggestion } from '../adapters/cards/card-model.ts';
import { escalationPeople, postEscalations } from './sweep-escalations.ts';
import type { AppContext } from './context.ts';
import { refreshLivingCards, type LivingCardsResult } from './living-cards.ts';
import { sendPersonalDigests, type PersonalDigest } from './personal-lists.ts';
import type { SqliteDb } from '../adapters/sqlite/db.ts';
import { outboxWriter } from '../adapters/sqlite/outbox-writer.ts';
import { readLeaders } from '../adapters/sqlite/directory-store.ts';
import { leaderInCharge } from '../core/leaders.ts';
import { sweepStore, type IndexedDeadline, type SuggestionFacts } from '../adapters/sqlite/sweep-store.ts';
import type { Bilingual } from '../core/bilingual.ts';
import type { WorkingDayCalendar } from '../core/calendar/working-day-calendar.ts';
import { localDate } from '../core/clock.ts';
import { addCalendarDays, calendarDaysBetween } from '../core/deadlines/deadline-rule.ts';
import { isObligation, lightOf, type Light } from '../core/deadlines/deadlines.ts';
import { DEADLINE_LABELS, type DeadlineKind, type Policy } from '../core/deadlines/policy.ts';
import {
  explainReminder,
  levelsDue,
  REMINDER_TODO,
  reminderKey,
  reminderRecipients,
  type ReminderLevel,
} from '../core/deadlines/reminder-ladder.ts';
import { followUpDue, followUpRecipients } from '../core/deadlines/follow-up.ts';
import { rhythmDue, rhythmRecipients, type RhythmPrompt } from '../core/deadlines/rhythm.ts';

export type { ReminderLevel };

export interface PlannedReminder {
  key: string;
  suggestionId: string;
  number: string;
  title: string;
  unitId: string;
  kind: DeadlineKind;
  subjectId: string;
  dueOn: string;
  level: ReminderLevel;
  /** The day this reminder belongs to (for escalations: the day they fell due). */
  day: string;
  /** Calendar days until the deadline; negative when past. */
  daysLeft: number;
  workingDaysOverdue: number;
  /** Who is @-mentioned in the group. */
  recipients: string[];
  /** Lark urgent (加急) to these people, on the day's reminder card. */
  urgent?: { channel: 'app' | 'sms'; openIds: string[] } | undefined;
  /** A card in the supervisors' group too. */
  toSupervisors: boolean;
  /** The leader in charge of a key-supervised suggestion, @-mentioned and urged with its escalations (SPEC §4). */
  leader?: { label: string; openId: string | null } | undefined;
  why: Bilingual;
  /** A prompt of the handling rhythm (policy `rhythm`), not a rung of the reminder ladder. */
  rhythm?: { prompt: RhythmPrompt; todo: Bilingual } | undefined;
  /** A 承诺进展 follow-up (policy `followUp`), not a rung of the reminder ladder. */
  followUp?: { commitmentId: string; content: string; todo: Bilingual } | undefined;
}

export interface SweepResult {
  now: string;
  today: string;
  workingDay: boolean;
  reminders: PlannedReminder[];
  /** Suggestions whose status-board light changes (the board is updated in place). */
  lights: Array<{ suggestionId: string; from: string | null; to: Light }>;
  /** Cards re-posted before Lark's 14 days run out (src/app/living-cards.ts). */
  cards: LivingCardsResult;
  /** The weekly 我的待办 sent to each person (policy `personalDigest`, src/app/personal-lists.ts). */
  personalDigests: PersonalDigest[];
  dryRun: boolean;
}

export interface SweepDeps {
  db: SqliteDb;
  calendar: WorkingDayCalendar;
  policy: Policy;
  timeZone: string;
  supervisorChatId?: string | undefined;
  /**
   * Called once the sweep's write transaction is open, before its first write: the moment a crash
   * must leave nothing behind (test/chaos.test.ts kills the process when it is logged).
   */
  onTransactionOpen?: () => void;
  /** Where the links to groups point, on the escalations card and in the personal digest (LARK_BASE_URL: Feishu or Lark). */
  larkBaseUrl?: string | undefined;
}

export function sweep(deps: SweepDeps, options: { now: Date; dryRun: boolean }): SweepResult {
  const reminders = remind(deps, options);
  // Cards still needed are re-posted every day, rest days included: the refresh is no reminder.
  const cards = refreshLivingCards(deps, options);
  return { ...reminders, cards, personalDigests: sendPersonalDigests({ ...deps, larkBaseUrl: deps.larkBaseUrl ?? 'https://open.feishu.cn' }, options) };
}

type Reminders = Omit<SweepResult, 'cards' | 'personalDigests'>;

function remind(deps: SweepDeps, options: { now: Date; dryRun: boolean }): Reminders {
  const { calendar, policy } = deps;
  const store = sweepStore(deps.db);
  const today = localDate(options.now, deps.timeZone);
  const result: Reminders = { now: options.now.toISOString(), today, workingDay: calendar.isWorkingDay(today), reminders: [], lights: [], dryRun: options.dryRun };
  // Nobody is reminded on a rest day unless the policy says so; the board's light, which pings
  // nobody, follows the days all the same.
  const remindToday = result.workingDay || policy.reminders.onRestDays;

  // Far enough for the notices, and for the 1-working-day-before warning when a holiday makes
  // that working day more than the notice period before the deadline.
  const noticeHorizon = addCalendarDays(today, policy.reminders.noticeDaysBefore);
  const warningHorizon = calendar.addWorkingDays(today, 1);
  const deadlines = store.deadlinesInView(today, warningHorizon > noticeHorizon ? warningHorizon : noticeHorizon);
  // The rhythm follows every open answer, on working days only (whatever onRestDays says).
  const rhythmDeadlines = policy.rhythm && result.workingDay ? store.openAnswerDeadlines() : [];
  // Follow-ups too are sent on working days only.
  const openCommitments = policy.followUp && result.workingDay ? store.openCommitments().map((c) => ({ ...c, confirmedOn: localDate(new Date(c.confirmedAt), deps.timeZone) })) : [];
  if (deadlines.length === 0 && rhythmDeadlines.length === 0 && openCommitments.length === 0) return result;
  const suggestions = store.suggestionFacts([...new Set([...deadlines, ...rhythmDeadlines, ...openCommitments].map((d) => d.suggestionId))]);

  const staff = memoize(store.unitStaff);
  const leaders = readLeaders(deps.db);
  const leaderOf = (s: SuggestionFacts) => (s.key ? (leaderInCharge(s.keyLeader, leaders) ?? undefined) : undefined);
  const deputyOpenIds = (suggestionId: string) => store.deputies(suggestionId).map((d) => d.openId);
  const candidates: PlannedReminder[] = [];
  for (const d of remindToday ? deadlines : []) {
    const s = suggestions.get(d.suggestionId);
    if (!s || s.status === 'withdrawn') continue;
    const { levels, workingDaysOverdue } = levelsDue(d, today, calendar, policy);
    for (const { level, day } of levels) {
      const daysLeft = calendarDaysBetween(today, d.dueOn);
      candidates.push({
        key: reminderKey({ ...d, level, day }),
        suggestionId: s.id,
        number: s.number,
        title: s.title,
        unitId: d.unitId,
        kind: d.kind,
        subjectId: d.subjectId,
        dueOn: d.dueOn,
        level,
        day,
        daysLeft,
        workingDaysOverdue,
        recipients: reminderRecipients(d.kind, level, staff(d.unitId), () => deputyOpenIds(s.id)),
        ...escalationPeople(level, staff(d.unitId), policy, leaderOf(s)),
        why: explainReminder(d.kind, level, d.dueOn, daysLeft, workingDaysOverdue),
      });
    }
  }
  for (const d of rhythmDeadlines) {
    const s = suggestions.get(d.suggestionId);
    if (!s || s.status !== 'open') continue;
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
        recipients: rhythmRecipients(r.prompt, staff(d.unitId)),
        urgent: undefined,
        toSupervisors: false,
        why: r.why,
        rhythm: { prompt: r.prompt, todo: r.todo },
      });
    }
  }
  for (const c of openCommitments) {
    const s = suggestions.get(c.suggestionId);
    const f = s && s.status !== 'withdrawn' ? followUpDue(c, today, calendar, policy) : undefined;
    if (!s || !f) continue;
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
      recipients: followUpRecipients(staff(c.unitId)),
      urgent: undefined,
      toSupervisors: false,
      why: f.why,
      followUp: { commitmentId: c.commitmentId, content: c.content, todo: f.todo },
    });
  }
  const sent = store.alreadySent(candidates.map((c) => c.key));
  result.reminders = candidates.filter((c) => !sent.has(c.key));

  // Time alone only turns a board blue to yellow and yellow to red; every change of state records
  // the light its refreshed board shows (src/adapters/sqlite/deadline-index.ts), so the sweep
  // updates only the boards whose light the day changed, by the board's own rule.
  const inViewBySuggestion = groupBy(
    deadlines.filter((d) => d.dueOn <= noticeHorizon),
    (d) => d.suggestionId,
  );
  for (const [suggestionId, rows] of inViewBySuggestion) {
    const s = suggestions.get(suggestionId);
    const light = lightOf(rows.map((d) => ({ kind: d.kind, due: d.dueOn })), today, policy.reminders.noticeDaysBefore);
    if (s && s.status === 'open' && rows.some(isObligation) && s.boardLight !== light) result.lights.push({ suggestionId, from: s.boardLight, to: light });
  }

  if (!options.dryRun) send(deps, result, options.now, deadlines, suggestions);
  return result;
}

/**
 * Writes every reminder of the sweep, its key first: one transaction, so all or nothing. What
 * the sweep already read is reused for the cards (measured in bench/sweep.bench.ts).
 */
function send(deps: SweepDeps, result: Reminders, now: Date, deadlines: IndexedDeadline[], suggestions: Map<string, SuggestionFacts>): void {
  const store = sweepStore(deps.db);
  const outbox = outboxWriter(deps.db);
  const at = now.toISOString();
  const bySubject = new Map(deadlines.map((d) => [`${d.subjectId}|${d.kind}`, d]));
  const unitNames = store.unitNames();
  const leaders = readLeaders(deps.db);
  const claimedKeys = new Set<string>();
  const claimedLights = new Set<string>();

  deps.db.transaction(
    () => {
      deps.onTransactionOpen?.();
      // What the cards and updates need, read at once for all (a statement per suggestion cost more than its rows).
      const deputies = store.deputiesOf([...new Set(result.reminders.map((r) => r.suggestionId))]);
      const boards = store.statusBoardsOf(result.lights.map((l) => l.suggestionId));
      const cardSuggestion = memoize((suggestionId: string): CardSuggestion => {
        const { boardLight: _light, ...facts } = suggestions.get(suggestionId)!;
        const keyLeader = leaderInCharge(facts.keyLeader, leaders)?.label ?? null;
        return { ...facts, keyLeader, body: '', deputies: (deputies.get(suggestionId) ?? []).map(({ name, role }) => ({ name, role })) };
      });
      const overdueCards = new Map<string, string>();
      const escalated: Array<{ reminder: PlannedReminder; model: Extract<CardModel, { kind: 'reminder' }> }> = [];
      for (const r of result.reminders) {
        if (!store.claimReminder(r, at)) continue; // a concurrent sweep sent it
        claimedKeys.add(r.key);
        const deadline = bySubject.get(`${r.subjectId}|${r.kind}`);
        const model: CardModel = {
          kind: 'reminder',
          suggestion: cardSuggestion(r.suggestionId),
          level: r.level,
          deadline: { label: DEADLINE_LABELS[r.kind], due: r.dueOn, daysLeft: r.daysLeft, workingDaysOverdue: r.workingDaysOverdue, explanation: r.rhythm || r.followUp ? r.why : (deadline?.explanation ?? r.why) },
          unitName: unitNames.get(r.unitId) ?? r.unitId,
          todo: r.rhythm?.todo ?? r.followUp?.todo ?? REMINDER_TODO[r.kind],
          withProgressButton: isObligation(r) && r.kind !== 'commitment',
          assignmentId: deadline?.assignmentId ?? r.subjectId,
          mentions: r.recipients,
          followUp: r.followUp && { commitmentId: r.followUp.commitmentId, content: r.followUp.content },
        };
        // Escalations ride on the day's overdue card (queued just before, in this loop); the
        // group sees one card a day, the supervisors' group the day's escalations gathered.
        if (r.toSupervisors) {
          const todays = overdueCards.get(`${r.subjectId}|${r.kind}`);
          if (r.urgent && todays) outbox.enqueue(r.suggestionId, { kind: 'urgent', cardMessageId: todays, openIds: r.urgent.openIds, channel: r.urgent.channel }, now);
          escalated.push({ reminder: r, model });
          continue;
        }
        const cardMessageId = outbox.postCard({ suggestionId: r.suggestionId, kind: 'reminder', subjectId: r.key, model }, now);
        if (r.level === 'overdue') overdueCards.set(`${r.subjectId}|${r.kind}`, cardMessageId);
      }
      if (deps.supervisorChatId) postEscalations(deps, deps.supervisorChatId, escalated, result.today, now);
      for (const light of result.lights) {
        if (!store.claimBoardLight(light.suggestionId, light.from, light.to)) continue;
        claimedLights.add(light.suggestionId);
        for (const board of boards.get(light.suggestionId) ?? []) outbox.enqueue(light.suggestionId, { kind: 'patch_card', cardMessageId: board }, now);
      }
    },
    { behavior: 'immediate' },
  );
  // What this sweep actually sent: a concurrent sweep may have sent some of what it planned.
  result.reminders = result.reminders.filter((r) => claimedKeys.has(r.key));
  result.lights = result.lights.filter((l) => claimedLights.has(l.suggestionId));
}

function memoize<T>(f: (key: string) => T): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    if (!seen.has(key)) seen.set(key, f(key));
    return seen.get(key)!;
  };
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}

/** One sweep of the application's database at `now`, logged. */
export function runSweep(ctx: AppContext, options: { now: Date; dryRun: boolean }): SweepResult {
  const result = sweep(
    {
      db: ctx.db,
      calendar: ctx.calendar,
      policy: ctx.policy,
      timeZone: ctx.config.timeZone,
      supervisorChatId: ctx.config.supervisorChatId,
      larkBaseUrl: ctx.config.lark.baseUrl,
      onTransactionOpen: () => ctx.logger.debug({ reminders: 'planned' }, 'sweep transaction open'),
    },
    options,
  );
  ctx.logger.info({ today: result.today, workingDay: result.workingDay, reminders: result.reminders.length, lights: result.lights.length, cardsRefreshed: result.cards.refreshed.length, personalDigests: result.personalDigests.length, dryRun: result.dryRun }, 'reminder sweep');
  return result;
}
