/**
 * The escalations of a sweep (SPEC §4): who an escalation reaches beyond the group's own card
 * (the unit urged, a key item's leader urged and named), and the day's escalations gathered on one
 * card in the supervisors' group (issue 11), built after the sweep's slices.
 */
import type { EscalatedItem, EscalationsModel } from '../adapters/cards/card-model.ts';
import { chatApplink, escalatedLineCost } from '../adapters/cards/kinds/escalations.ts';
import { packEscalations } from '../adapters/cards/render-card.ts';
import { readLeaders } from '../adapters/sqlite/directory-store.ts';
import { outboxWriter } from '../adapters/sqlite/outbox-writer.ts';
import { sweepStore, type EscalationToGather, type SuggestionFacts } from '../adapters/sqlite/sweep-store.ts';
import { localDate } from '../core/clock.ts';
import { addCalendarDays, calendarDaysBetween } from '../core/deadlines/deadline-rule.ts';
import { DEADLINE_LABELS, type Policy } from '../core/deadlines/policy.ts';
import { isEscalation, urgentOf, type ReminderLevel, type UnitStaff } from '../core/deadlines/reminder-ladder.ts';
import { leaderInCharge, type LeaderInCharge } from '../core/leaders.ts';
import type { PlannedReminder, SweepDeps } from './sweep.ts';

// One collator each, made once: `localeCompare` with a locale builds a collator on every call,
// which made sorting a few thousand escalated items cost hundreds of milliseconds.
const BY_NAME = new Intl.Collator('zh-CN');
const BY_NUMBER = new Intl.Collator('zh-CN', { numeric: true });
const BY_DEFAULT = new Intl.Collator();

/** Suggestions read per statement while gathering: each read a few milliseconds. */
const READ_CHUNK = 500;

/** A concurrent sweep listing some of the same escalations first: the gathering of what is left starts again, this many times at most. */
const ATTEMPTS = 3;

class ListedElsewhere extends Error {}

/**
 * The supervisors' group gets the day's escalations on one card (split only past Lark's limits),
 * by unit, each item linking to its group — not a card per item. The card is built from what the
 * database says was escalated today and not yet listed (`reminders_sent.gathered_at`), after the
 * sweep's slices: a sweep cut short between slices and run again lists all of the day's
 * escalations on one card, and a second sweep the same day lists only what it escalated itself,
 * which is usually nothing. Reading and building pause between chunks; each card is posted with
 * its items marked listed in a transaction of its own (thousands of escalations make hundreds of
 * cards), so a crash leaves the rest for the next sweep, and no escalation is listed twice.
 */
export async function gatherEscalations(deps: SweepDeps, chatId: string, today: string, now: Date, pause: () => Promise<void>): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { units, keys } = await gatheredToday(deps, today, pause);
    if (keys.length === 0) return;
    // Each line's bytes measured a chunk at a time (thousands of lines at once held the loop), then packed.
    const costs = new Map<EscalatedItem, number>();
    const items = units.flatMap((u) => u.items);
    for (let i = 0; i < items.length; i += READ_CHUNK) {
      for (const item of items.slice(i, i + READ_CHUNK)) costs.set(item, escalatedLineCost(item));
      await pause();
    }
    const cards = packEscalations(today, units, (item) => costs.get(item) ?? escalatedLineCost(item));
    const keyOf = new Map(units.flatMap((u) => u.items).map((item, i) => [item, keys[i]!]));
    try {
      // A card a transaction (thousands of escalations make hundreds of cards), each with its
      // items marked listed: whatever a crash interrupts, every escalation is on one card.
      for (const card of cards) {
        postCard(deps, chatId, card, card.units.flatMap((u) => u.items.map((item) => keyOf.get(item)!)), today, now);
        await pause();
      }
      return;
    } catch (error) {
      if (!(error instanceof ListedElsewhere)) throw error;
    }
  }
}

/** Posts one of the day's cards and marks its items listed, or neither (ListedElsewhere when a concurrent sweep listed one first). */
function postCard(deps: SweepDeps, chatId: string, card: EscalationsModel, keys: string[], today: string, now: Date): void {
  deps.db.transaction(
    () => {
      const at = now.toISOString();
      if (sweepStore(deps.db).markGathered(keys, at) !== keys.length) throw new ListedElsewhere();
      outboxWriter(deps.db).postCard({ suggestionId: null, kind: 'escalations', subjectId: `escalations|${today}|${at}|${card.part}/${card.parts}`, chatId, model: card }, now);
    },
    { behavior: 'immediate' },
  );
}

/** Today's escalations not yet listed, as the card lists them: by unit, each unit's by number. */
async function gatheredToday(deps: SweepDeps, today: string, pause: () => Promise<void>): Promise<{ units: EscalationsModel['units']; keys: string[] }> {
  const store = sweepStore(deps.db);
  // Claimed today in the configured time zone: a range wide enough for any zone, then the local day.
  const from = `${addCalendarDays(today, -1)}T00:00:00.000Z`;
  const to = `${addCalendarDays(today, 2)}T00:00:00.000Z`;
  const rows: EscalationToGather[] = [];
  for (let page = store.escalationsToGather(from, to, undefined, READ_CHUNK); page.length > 0; ) {
    rows.push(...page.filter((r) => localDate(new Date(r.sentAt), deps.timeZone) === today));
    await pause();
    page = page.length < READ_CHUNK ? [] : store.escalationsToGather(from, to, page.at(-1), READ_CHUNK);
  }
  if (rows.length === 0) return { units: [], keys: [] };
  const ids = [...new Set(rows.map((r) => r.suggestionId))];
  const facts = new Map<string, SuggestionFacts>();
  const chats = new Map<string, string>();
  for (let i = 0; i < ids.length; i += READ_CHUNK) {
    await pause();
    const chunk = ids.slice(i, i + READ_CHUNK);
    store.suggestionFacts(chunk).forEach((f, id) => facts.set(id, f));
    store.chatsOf(chunk).forEach((c, id) => chats.set(id, c));
  }
  const leaders = readLeaders(deps.db);
  const unitNames = store.unitNames();
  const byUnit = new Map<string, Array<EscalatedItem & { key: string }>>();
  for (const [n, r] of rows.entries()) {
    if (n > 0 && n % READ_CHUNK === 0) await pause();
    const s = facts.get(r.suggestionId);
    if (!s) continue;
    const leader = s.key ? leaderInCharge(s.keyLeader, leaders) : undefined;
    const chat = chats.get(r.suggestionId);
    const unitName = r.unitId ? (unitNames.get(r.unitId) ?? r.unitId) : '';
    const item: EscalatedItem & { key: string } = {
      key: r.key,
      number: s.number,
      title: s.title,
      classified: s.classified,
      level: r.level,
      deadlineKind: r.kind,
      deadline: DEADLINE_LABELS[r.kind],
      due: r.dueOn,
      day: r.day,
      daysLeft: calendarDaysBetween(today, r.dueOn),
      // As the reminder ladder counts them (levelsDue).
      workingDaysOverdue: deps.calendar.workingDaysBetween(r.dueOn, today),
      groupLink: chat ? chatApplink(chat, deps.larkBaseUrl) : null,
      leader: leader ? { label: leader.label, openId: leader.openId } : null,
    };
    const list = byUnit.get(unitName);
    if (list) list.push(item);
    else byUnit.set(unitName, [item]);
  }
  // Sorted a unit at a time, pausing after every few thousand items: thousands of collator
  // comparisons at once held the loop.
  const units: Array<{ unitName: string; items: Array<EscalatedItem & { key: string }> }> = [];
  let sorted = 0;
  for (const [unitName, items] of [...byUnit].sort(([a], [b]) => BY_NAME.compare(a, b))) {
    if (sorted >= READ_CHUNK) {
      await pause();
      sorted = 0;
    }
    units.push({ unitName, items: items.sort((a, b) => BY_NUMBER.compare(a.number, b.number) || BY_DEFAULT.compare(a.key, b.key)) });
    sorted += items.length;
  }
  return {
    units: units.map((u) => ({ unitName: u.unitName, items: u.items.map(({ key: _key, ...item }) => item) })),
    keys: units.flatMap((u) => u.items.map((i) => i.key)),
  };
}

/**
 * Who an escalation reaches beyond the group's card: the supervisors' group, the unit's liaisons
 * and head urged (加急), and for a key-supervised suggestion its leader, urged too when the leader
 * is a Lark user (the leader is a member of the group, SPEC §1) and named on the supervisors' card.
 */
export function escalationPeople(
  level: ReminderLevel,
  staff: UnitStaff,
  policy: Policy,
  leader: LeaderInCharge | undefined,
): Pick<PlannedReminder, 'urgent' | 'toSupervisors' | 'leader'> {
  const urgent = urgentOf(level, staff, policy);
  if (!isEscalation(level) || !leader) return { urgent, toSupervisors: isEscalation(level) };
  return {
    urgent: urgent && leader.openId ? { ...urgent, openIds: [...new Set([...urgent.openIds, leader.openId])] } : urgent,
    toSupervisors: true,
    leader: { label: leader.label, openId: leader.openId },
  };
}
