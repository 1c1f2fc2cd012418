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
 * The sweep runs in slices (issue 11: one transaction over 3,000 due items held a server's event
 * loop for 1.5 s, past Lark's 3 s for a webhook waiting behind it): the first read a page at a
 * time, then whole suggestions a slice at a time, each slice its own write transaction, with a
 * pause between them (src/app/long-work.ts in a server). A reminder's promise is per reminder, so
 * committing slice by slice keeps it: a crash leaves whole slices, and the next sweep sends the
 * rest once. The supervisors' day card is built after the slices from what the database says
 * was escalated (src/app/sweep-escalations.ts).
 *
 * The sweep also keeps the cards people still need alive in Lark (src/app/living-cards.ts), every
 * day, rest days included.
 */
import type { CardModel, CardSuggestion } from '../adapters/cards/card-model.ts';
import { outboxWriter } from '../adapters/sqlite/outbox-writer.ts';
import { readLeaders } from '../adapters/sqlite/directory-store.ts';
import type { SqliteDb } from '../adapters/sqlite/db.ts';
import { sweepStore } from '../adapters/sqlite/sweep-store.ts';
import type { Bilingual } from '../core/bilingual.ts';
import type { WorkingDayCalendar } from '../core/calendar/working-day-calendar.ts';
import { isObligation, type Light } from '../core/deadlines/deadlines.ts';
import { DEADLINE_LABELS, type DeadlineKind, type Policy } from '../core/deadlines/policy.ts';
import { REMINDER_TODO, type ReminderLevel } from '../core/deadlines/reminder-ladder.ts';
import type { RhythmPrompt } from '../core/deadlines/rhythm.ts';
import { leaderInCharge } from '../core/leaders.ts';
import type { AppContext } from './context.ts';
import { yieldToEventLoop } from './import/import-suggestions.ts';
import { refreshLivingCards, type LivingCardsResult } from './living-cards.ts';
import { sendPersonalDigests, type PersonalDigest } from './personal-lists.ts';
import { gatherEscalations } from './sweep-escalations.ts';
import { nextSliceSize } from './long-work.ts';
import { planSuggestion, readDue, sweepDay, type DueOfSuggestion, type PlanContext } from './sweep-plan.ts';

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
   * Called once each slice's write transaction is open, before its first write, with the slice's
   * number (1, 2, …): the moment a crash must leave nothing of the slice behind
   * (test/chaos.test.ts kills the process when it is logged).
   */
  onTransactionOpen?: (slice: number) => void;
  /**
   * Called inside each slice's transaction once everything of it is written, before its commit,
   * and once it has committed, with what it sent: the log tells how far a sweep cut short came
   * (and the chaos suite kills the process at the first).
   */
  onSliceWritten?: (slice: number, sent: { reminders: number; lights: number }) => void;
  onSliceCommitted?: (slice: number, sent: { reminders: number; lights: number }) => void;
  /** Where the links to groups point, on the escalations card and in the personal digest (LARK_BASE_URL: Feishu or Lark). */
  larkBaseUrl?: string | undefined;
}

/**
 * How a sweep shares the event loop (issue 11). Each slice takes whole suggestions, as many as
 * about `sliceMs` of work (counted from what a suggestion took in the slices before), in a write
 * transaction of its own; `pause` runs between slices and between the pages of the first read.
 * A server passes long-work.ts's pacing (10 ms slices, a 10 ms pause that grows when the loop is
 * late); the default runs slices back to back, only letting what waits on the loop through.
 */
export interface SweepPacing {
  sliceMs?: number;
  pause?: () => Promise<void>;
  /** A fixed number of suggestions per slice instead of a time (tests: a crash between slices). */
  sliceSuggestions?: number;
}

export interface SweepOptions extends SweepPacing {
  now: Date;
  dryRun: boolean;
}

/** The first slice's suggestions, before the sweep has measured what one costs here. */
const FIRST_SLICE_SUGGESTIONS = 10;
/** The most suggestions of one slice, whatever one costs. */
const MAX_SLICE_SUGGESTIONS = 500;

export async function sweep(deps: SweepDeps, options: SweepOptions): Promise<SweepResult> {
  const pause = options.pause ?? yieldToEventLoop;
  const reminders = await remind(deps, options, pause);
  // The supervisors' day card, from what the database says was escalated today: after the
  // slices, so a sweep cut short and run again lists everything, once.
  if (!options.dryRun && deps.supervisorChatId) await gatherEscalations(deps, deps.supervisorChatId, reminders.today, options.now, pause);
  // Cards still needed are re-posted every day, rest days included: the refresh is no reminder.
  const cards = refreshLivingCards(deps, options);
  await pause();
  const personalDigests = sendPersonalDigests({ ...deps, larkBaseUrl: deps.larkBaseUrl ?? 'https://open.feishu.cn' }, options);
  return { ...reminders, cards, personalDigests };
}

type Reminders = Omit<SweepResult, 'cards' | 'personalDigests'>;

async function remind(deps: SweepDeps, options: SweepOptions, pause: () => Promise<void>): Promise<Reminders> {
  const day = sweepDay(deps.calendar, deps.policy, options.now, deps.timeZone);
  const result: Reminders = { now: options.now.toISOString(), today: day.today, workingDay: day.workingDay, reminders: [], lights: [], dryRun: options.dryRun };
  const due = await readDue(deps, day, pause);
  const suggestionIds = [...due.keys()];
  if (suggestionIds.length === 0) return result;

  const store = sweepStore(deps.db);
  const staff = memoize(store.unitStaff);
  const leaders = readLeaders(deps.db);
  const unitNames = store.unitNames();
  const plan: Omit<PlanContext, 'stillOpen'> = {
    calendar: deps.calendar,
    policy: deps.policy,
    day,
    staff,
    deputyOpenIds: (suggestionId) => store.deputies(suggestionId).map((d) => d.openId),
    leaderOf: (s) => (s.key ? (leaderInCharge(s.keyLeader, leaders) ?? undefined) : undefined),
  };
  const sliceMs = options.sliceMs ?? SWEEP_SLICE_MS;
  let count = options.sliceSuggestions ?? FIRST_SLICE_SUGGESTIONS;
  for (let next = 0, slice = 1; next < suggestionIds.length; slice++) {
    const ids = suggestionIds.slice(next, next + count);
    const began = performance.now();
    const run = () => {
      const written = sweepSlice(deps, { plan, due, ids, leaders, unitNames, now: options.now, dryRun: options.dryRun });
      result.reminders.push(...written.reminders);
      result.lights.push(...written.lights);
      return performance.now();
    };
    const sentBefore = { reminders: result.reminders.length, lights: result.lights.length };
    const sent = () => ({ reminders: result.reminders.length - sentBefore.reminders, lights: result.lights.length - sentBefore.lights });
    const ended = options.dryRun
      ? run()
      : deps.db.transaction(
          () => {
            deps.onTransactionOpen?.(slice);
            const written = run();
            deps.onSliceWritten?.(slice, sent());
            return written;
          },
          { behavior: 'immediate' },
        );
    if (!options.dryRun) deps.onSliceCommitted?.(slice, sent());
    next += ids.length;
    // The next slice's size from what a suggestion took in this one (its commit not counted, as
    // in the import: it is mostly the checkpoint, which counting would make every slice pay).
    if (options.sliceSuggestions === undefined) {
      count = nextSliceSize(count, ended - began, ids.length, sliceMs, MAX_SLICE_SUGGESTIONS);
    }
    if (next < suggestionIds.length) await pause();
  }
  return result;
}

/**
 * One slice: plans the reminders and lights of these suggestions from what the database says now
 * (inside the slice's transaction), and writes each reminder with its key, card and urgent, and
 * each light change with its board updates. All or nothing: a crash inside a slice leaves the
 * slices before it whole and nothing of this one. What the sweep already read is reused for the
 * cards (measured in bench/sweep.bench.ts).
 */
function sweepSlice(
  deps: SweepDeps,
  slice: {
    plan: Omit<PlanContext, 'stillOpen'>;
    due: Map<string, DueOfSuggestion>;
    ids: string[];
    leaders: ReturnType<typeof readLeaders>;
    unitNames: Map<string, string>;
    now: Date;
    dryRun: boolean;
  },
): Pick<Reminders, 'reminders' | 'lights'> {
  const store = sweepStore(deps.db);
  const suggestions = store.suggestionFacts(slice.ids);
  const ctx: PlanContext = { ...slice.plan, stillOpen: store.stillOpen(slice.ids) };
  const candidates: PlannedReminder[] = [];
  const lights: Reminders['lights'] = [];
  for (const id of slice.ids) {
    const s = suggestions.get(id);
    if (!s) continue;
    const planned = planSuggestion(ctx, s, slice.due.get(id)!);
    candidates.push(...planned.candidates);
    if (planned.light) lights.push(planned.light);
  }
  const sent = store.alreadySent(candidates.map((c) => c.key));
  const reminders = candidates.filter((c) => !sent.has(c.key));
  if (slice.dryRun) return { reminders, lights };

  const outbox = outboxWriter(deps.db);
  const { now } = slice;
  const at = now.toISOString();
  const bySubject = new Map(slice.ids.flatMap((id) => slice.due.get(id)!.deadlines.map((d) => [`${d.subjectId}|${d.kind}`, d] as const)));
  // What the cards and updates need, read at once for the slice (a statement per suggestion cost more than its rows).
  const deputies = store.deputiesOf([...new Set(reminders.map((r) => r.suggestionId))]);
  const boards = store.statusBoardsOf(lights.map((l) => l.suggestionId));
  const cardSuggestion = memoize((suggestionId: string): CardSuggestion => {
    const { boardLight: _light, ...facts } = suggestions.get(suggestionId)!;
    const keyLeader = leaderInCharge(facts.keyLeader, slice.leaders)?.label ?? null;
    return { ...facts, keyLeader, body: '', deputies: (deputies.get(suggestionId) ?? []).map(({ name, role }) => ({ name, role })) };
  });
  const overdueCards = new Map<string, string>();
  const claimed: PlannedReminder[] = [];
  for (const r of reminders) {
    if (!store.claimReminder(r, at)) continue; // a concurrent sweep sent it
    claimed.push(r);
    // Escalations ride on the day's overdue card (queued just before, in this loop: a
    // suggestion's reminders are in one slice); the group sees one card a day, the supervisors'
    // group the day's escalations gathered after the slices (sweep-escalations.ts).
    if (r.toSupervisors) {
      const todays = overdueCards.get(`${r.subjectId}|${r.kind}`);
      if (r.urgent && todays) outbox.enqueue(r.suggestionId, { kind: 'urgent', cardMessageId: todays, openIds: r.urgent.openIds, channel: r.urgent.channel }, now);
      continue;
    }
    const deadline = bySubject.get(`${r.subjectId}|${r.kind}`);
    const model: CardModel = {
      kind: 'reminder',
      suggestion: cardSuggestion(r.suggestionId),
      level: r.level,
      deadline: { label: DEADLINE_LABELS[r.kind], due: r.dueOn, daysLeft: r.daysLeft, workingDaysOverdue: r.workingDaysOverdue, explanation: r.rhythm || r.followUp ? r.why : (deadline?.explanation ?? r.why) },
      unitName: slice.unitNames.get(r.unitId) ?? r.unitId,
      todo: r.rhythm?.todo ?? r.followUp?.todo ?? REMINDER_TODO[r.kind],
      withProgressButton: isObligation(r) && r.kind !== 'commitment',
      assignmentId: deadline?.assignmentId ?? r.subjectId,
      mentions: r.recipients,
      followUp: r.followUp && { commitmentId: r.followUp.commitmentId, content: r.followUp.content },
    };
    const cardMessageId = outbox.postCard({ suggestionId: r.suggestionId, kind: 'reminder', subjectId: r.key, model }, now);
    if (r.level === 'overdue') overdueCards.set(`${r.subjectId}|${r.kind}`, cardMessageId);
  }
  const changed: Reminders['lights'] = [];
  for (const light of lights) {
    if (!store.claimBoardLight(light.suggestionId, light.from, light.to)) continue;
    changed.push(light);
    for (const board of boards.get(light.suggestionId) ?? []) outbox.enqueue(light.suggestionId, { kind: 'patch_card', cardMessageId: board }, now);
  }
  // What this slice actually sent: a concurrent sweep may have sent some of what it planned.
  return { reminders: claimed, lights: changed };
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

/** How long a slice of a sweep outside a server (the CLI, a script) runs: as an import's. */
export const SWEEP_SLICE_MS = 20;

/** One sweep of the application's database at `now`, logged; `pacing` as the caller shares its event loop. */
export async function runSweep(ctx: AppContext, options: { now: Date; dryRun: boolean }, pacing: SweepPacing = {}): Promise<SweepResult> {
  const result = await sweep(
    {
      db: ctx.db,
      calendar: ctx.calendar,
      policy: ctx.policy,
      timeZone: ctx.config.timeZone,
      supervisorChatId: ctx.config.supervisorChatId,
      larkBaseUrl: ctx.config.lark.baseUrl,
      onTransactionOpen: (slice) => ctx.logger.debug({ slice }, 'sweep transaction open'),
      onSliceWritten: (slice, sent) => ctx.logger.debug({ slice, ...sent }, 'sweep slice written'),
      onSliceCommitted: (slice, sent) => ctx.logger.debug({ slice, ...sent }, 'sweep slice committed'),
    },
    { ...options, ...pacing },
  );
  ctx.logger.info({ today: result.today, workingDay: result.workingDay, reminders: result.reminders.length, lights: result.lights.length, cardsRefreshed: result.cards.refreshed.length, personalDigests: result.personalDigests.length, dryRun: result.dryRun }, 'reminder sweep');
  return result;
}
