/**
 * The escalations of a sweep (SPEC §4): who an escalation reaches beyond the group's own card
 * (the unit urged, a key item's leader urged and named), and the day's escalations gathered on one
 * card in the supervisors' group (issue 11). Called by the sweep inside its transaction.
 */
import type { CardModel, EscalatedItem } from '../adapters/cards/card-model.ts';
import { chatApplink } from '../adapters/cards/kinds/escalations.ts';
import { packEscalations } from '../adapters/cards/render-card.ts';
import { outboxWriter } from '../adapters/sqlite/outbox-writer.ts';
import { sweepStore } from '../adapters/sqlite/sweep-store.ts';
import { DEADLINE_LABELS, type Policy } from '../core/deadlines/policy.ts';
import { isEscalation, urgentOf, type ReminderLevel, type UnitStaff } from '../core/deadlines/reminder-ladder.ts';
import type { LeaderInCharge } from '../core/leaders.ts';
import type { PlannedReminder, SweepDeps } from './sweep.ts';

// One collator each, made once: `localeCompare` with a locale builds a collator on every call,
// which made sorting a few thousand escalated items cost hundreds of milliseconds.
const BY_NAME = new Intl.Collator('zh-CN');
const BY_NUMBER = new Intl.Collator('zh-CN', { numeric: true });
const BY_DEFAULT = new Intl.Collator();

/**
 * The supervisors' group gets the day's escalations on one card (split only past Lark's limits),
 * by unit, each item linking to its group — not a card per item. Keyed by the sweep's moment: a
 * later sweep the same day posts only what it escalated itself, which is usually nothing.
 */
export function postEscalations(
  deps: SweepDeps,
  chatId: string,
  escalated: Array<{ reminder: PlannedReminder; model: Extract<CardModel, { kind: 'reminder' }> }>,
  today: string,
  now: Date,
): void {
  if (escalated.length === 0) return;
  const chats = sweepStore(deps.db).chatsOf([...new Set(escalated.map((e) => e.reminder.suggestionId))]);
  const byUnit = new Map<string, typeof escalated>();
  for (const e of escalated) {
    const list = byUnit.get(e.model.unitName);
    if (list) list.push(e);
    else byUnit.set(e.model.unitName, [e]);
  }
  const units = [...byUnit]
    .sort(([a], [b]) => BY_NAME.compare(a, b))
    .map(([unitName, items]) => ({
      unitName,
      items: items
        .sort((a, b) => BY_NUMBER.compare(a.reminder.number, b.reminder.number) || BY_DEFAULT.compare(a.reminder.key, b.reminder.key))
        .map(({ reminder: r, model }): EscalatedItem => {
          const chat = chats.get(r.suggestionId);
          return {
            number: r.number,
            title: r.title,
            classified: model.suggestion.classified,
            level: r.level === 'escalation2' ? 'escalation2' : 'escalation',
            deadlineKind: r.kind,
            deadline: DEADLINE_LABELS[r.kind],
            due: r.dueOn,
            day: r.day,
            daysLeft: r.daysLeft,
            workingDaysOverdue: r.workingDaysOverdue,
            groupLink: chat ? chatApplink(chat, deps.larkBaseUrl) : null,
            leader: r.leader ?? null,
          };
        }),
    }));
  const outbox = outboxWriter(deps.db);
  const at = now.toISOString();
  for (const card of packEscalations(today, units)) {
    outbox.postCard({ suggestionId: null, kind: 'escalations', subjectId: `escalations|${today}|${at}|${card.part}/${card.parts}`, chatId, model: card }, now);
  }
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
