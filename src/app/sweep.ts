/**
 * The reminder sweep (SPEC §4): for a moment `now`, every deadline that is near, due or past gets
 * the reminder its level calls for, through the outbox:
 *
 * | level        | when (D = due date)                                | to                         |
 * |--------------|-----------------------------------------------------|----------------------------|
 * | notice       | the first working day on or after D − 7 days        | the liaisons (the deputies for their evaluation) |
 * | warning      | 1 working day before D, and on D                     | liaisons and the unit head |
 * | overdue      | every working day after D                            | liaisons and head          |
 * | escalation   | 3 working days overdue: Lark urgent (加急, in-app), and the item in the supervisors' group |
 * | escalation2  | 10 working days overdue: urgent SMS where the policy enables it, and a 督办通知 card to the supervisors' group |
 *
 * Each reminder is keyed by (subject, deadline, level, day) in `reminders_sent`, written in the
 * same transaction as its outbox rows: two sweeps, concurrent sweeps or a sweep after a crash
 * send it once. Only the deadline index is read (`due_on` ≤ today + notice days), so the cost
 * follows the number of deadlines due, not the number stored. Nothing is sent on a non-working
 * day unless the policy says so. A deadline leaves the index the moment what it waits for happens.
 */
import { and, eq, gte, inArray, lte } from 'drizzle-orm';
import type { WorkingDayCalendar } from '../core/calendar/working-day-calendar.ts';
import type { Bilingual, CardModel, CardSuggestion, Light } from '../adapters/cards/card-model.ts';
import { localDate } from '../core/clock.ts';
import { addCalendarDays, calendarDaysBetween } from '../core/deadlines/deadline-rule.ts';
import { newId } from '../core/ids.ts';
import { DEADLINE_KINDS, DEADLINE_LABELS, type DeadlineKind, type Policy } from '../core/deadlines/policy.ts';
import { isObligation, lightOfDue, worseLight } from '../core/deadlines/deadlines.ts';
import type { OutboxPayload } from '../adapters/sqlite/outbox-payload.ts';
import { preparedEnqueue } from '../adapters/sqlite/outbox-store.ts';
import type { Db } from '../runtimes/node/open-database.ts';
import * as schema from '../adapters/sqlite/schema.ts';

export type ReminderLevel = 'notice' | 'warning' | 'overdue' | 'escalation' | 'escalation2';

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
  why: Bilingual;
}

export interface SweepResult {
  now: string;
  today: string;
  workingDay: boolean;
  reminders: PlannedReminder[];
  /** Suggestions whose status-board light changes (the board is updated in place). */
  lights: Array<{ suggestionId: string; from: string | null; to: Light }>;
  dryRun: boolean;
}

export interface SweepDeps {
  db: Db;
  calendar: WorkingDayCalendar;
  policy: Policy;
  timeZone: string;
  supervisorChatId?: string | undefined;
}


const TODO: Record<DeadlineKind, Bilingual> = {
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

interface Due {
  level: ReminderLevel;
  day: string;
}

/** The levels a deadline calls for today, each with the day it belongs to. */
export function levelsDue(
  deadline: { kind: DeadlineKind; fromOn: string; dueOn: string },
  today: string,
  calendar: WorkingDayCalendar,
  policy: Policy,
): { levels: Due[]; workingDaysOverdue: number } {
  const d = deadline.dueOn;
  const levels: Due[] = [];
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

export function sweep(deps: SweepDeps, options: { now: Date; dryRun: boolean }): SweepResult {
  const { db, calendar, policy } = deps;
  const today = localDate(options.now, deps.timeZone);
  const result: SweepResult = { now: options.now.toISOString(), today, workingDay: calendar.isWorkingDay(today), reminders: [], lights: [], dryRun: options.dryRun };
  if (!result.workingDay && !policy.reminders.onRestDays) return result;

  // Far enough for the notices, and for the 1-working-day-before warning when a holiday makes
  // that working day more than the notice period before the deadline.
  const noticeHorizon = addCalendarDays(today, policy.reminders.noticeDaysBefore);
  const warningHorizon = calendar.addWorkingDays(today, 1);
  const horizon = warningHorizon > noticeHorizon ? warningHorizon : noticeHorizon;
  const deadlines = readDeadlinesInView(db, today, horizon);
  if (deadlines.length === 0) return result;

  const suggestionIds = [...new Set(deadlines.map((d) => d.suggestionId))];
  const suggestions = new Map<string, SuggestionFacts>();
  for (let i = 0; i < suggestionIds.length; i += 500) {
    for (const s of db.select(SUGGESTION_FACTS).from(schema.suggestions).where(inArray(schema.suggestions.id, suggestionIds.slice(i, i + 500))).all()) suggestions.set(s.id, s);
  }
  const members = new Map<string, { head: string[]; liaisons: string[] }>();
  const staffOf = (unitId: string) => {
    let m = members.get(unitId);
    if (!m) {
      const rows = db.select().from(schema.unitMembers).where(eq(schema.unitMembers.unitId, unitId)).all();
      m = { head: rows.filter((r) => r.role === 'head').map((r) => r.openId), liaisons: rows.filter((r) => r.role === 'liaison').map((r) => r.openId) };
      members.set(unitId, m);
    }
    return m;
  };
  // Prepared once: an evaluation deadline asks for its deputies at every level it is due.
  const deputyOpenIds = db.$client.prepare('select d.open_id as openId from suggestion_deputies sd join deputies d on d.id = sd.deputy_id where sd.suggestion_id = ?');
  const deputiesOf = (suggestionId: string) => (deputyOpenIds.all(suggestionId) as Array<{ openId: string }>).map((d) => d.openId);

  // Which reminders are due today, and which of them were already sent.
  const candidates: PlannedReminder[] = [];
  for (const d of deadlines) {
    const s = suggestions.get(d.suggestionId);
    if (!s || s.status === 'withdrawn') continue;
    const kind = d.kind as DeadlineKind;
    const { levels, workingDaysOverdue } = levelsDue({ kind, fromOn: d.fromOn, dueOn: d.dueOn }, today, calendar, policy);
    for (const { level, day } of levels) {
      const staff = staffOf(d.unitId);
      const recipients = kind === 'evaluation' ? deputiesOf(s.id) : level === 'notice' ? staff.liaisons : [...staff.liaisons, ...staff.head];
      const urgent =
        level === 'escalation'
          ? { channel: 'app' as const, openIds: [...staff.liaisons, ...staff.head] }
          : level === 'escalation2' && policy.reminders.urgentSms
            ? { channel: 'sms' as const, openIds: [...staff.liaisons, ...staff.head] }
            : undefined;
      const daysLeft = calendarDaysBetween(today, d.dueOn);
      candidates.push({
        key: `${d.subjectId}|${kind}|${d.dueOn}|${level}|${day}`,
        suggestionId: s.id,
        number: s.number,
        title: s.title,
        unitId: d.unitId,
        kind,
        subjectId: d.subjectId,
        dueOn: d.dueOn,
        level,
        day,
        daysLeft,
        workingDaysOverdue,
        recipients: [...new Set(recipients)],
        urgent,
        toSupervisors: level === 'escalation' || level === 'escalation2',
        why: explain(kind, level, d.dueOn, daysLeft, workingDaysOverdue),
      });
    }
  }
  const sent = new Set<string>();
  for (let i = 0; i < candidates.length; i += 500) {
    const keys = candidates.slice(i, i + 500).map((c) => c.key);
    for (const r of db.select({ key: schema.remindersSent.key }).from(schema.remindersSent).where(inArray(schema.remindersSent.key, keys)).all()) sent.add(r.key);
  }
  result.reminders = candidates.filter((c) => !sent.has(c.key));

  // The board's light for every suggestion with a deadline in view, by the board's own rule
  // (`lightOf`): time alone only turns blue to yellow and yellow to red; every change of state
  // records the light its refreshed board shows (src/store/deadline-index.ts).
  const byLight = new Map<string, Light>();
  for (const d of deadlines) {
    if (!isObligation({ kind: d.kind as DeadlineKind }) || d.dueOn > noticeHorizon) continue;
    byLight.set(d.suggestionId, worseLight(byLight.get(d.suggestionId) ?? 'blue', lightOfDue(d.dueOn, today, policy.reminders.noticeDaysBefore)));
  }
  for (const [suggestionId, light] of byLight) {
    const s = suggestions.get(suggestionId);
    if (s && s.status === 'open' && s.boardLight !== light) result.lights.push({ suggestionId, from: s.boardLight, to: light });
  }

  if (!options.dryRun) send(deps, result, options.now, new Map(deadlines.map((d) => [`${d.subjectId}|${d.kind}`, d])), suggestions);
  return result;
}

type DeadlineRow = typeof schema.openDeadlines.$inferSelect;

const SUGGESTION_FACTS = {
  id: schema.suggestions.id,
  session: schema.suggestions.session,
  number: schema.suggestions.number,
  title: schema.suggestions.title,
  category: schema.suggestions.category,
  kind: schema.suggestions.kind,
  timing: schema.suggestions.timing,
  classified: schema.suggestions.classified,
  key: schema.suggestions.key,
  keyLeader: schema.suggestions.keyLeader,
  assignedOn: schema.suggestions.assignedOn,
  status: schema.suggestions.status,
  version: schema.suggestions.version,
  boardLight: schema.suggestions.boardLight,
};
type SuggestionFacts = { [K in keyof typeof SUGGESTION_FACTS]: (typeof schema.suggestions.$inferSelect)[K] };

/**
 * The deadlines the sweep must look at: each kind's own indexed range. A unit's obligation stays
 * in view once due (overdue reminders every working day); a window or an evaluation only until it
 * passes — a lapsed one is never read again, however many there are.
 */
function readDeadlinesInView(db: Db, today: string, horizon: string): DeadlineRow[] {
  const out: DeadlineRow[] = [];
  for (const kind of [...DEADLINE_KINDS, 'commitment' as const]) {
    const inRange = isObligation({ kind })
      ? and(eq(schema.openDeadlines.kind, kind), lte(schema.openDeadlines.dueOn, horizon))
      : and(eq(schema.openDeadlines.kind, kind), gte(schema.openDeadlines.dueOn, today), lte(schema.openDeadlines.dueOn, horizon));
    out.push(...db.select().from(schema.openDeadlines).where(inRange).all());
  }
  return out;
}

function explain(kind: DeadlineKind, level: ReminderLevel, due: string, daysLeft: number, overdue: number): Bilingual {
  // "申请改办期限" already says 期限.
  const label = { zh_cn: DEADLINE_LABELS[kind].zh_cn.replace(/期限$/, ''), en_us: DEADLINE_LABELS[kind].en_us };
  const when =
    daysLeft > 0
      ? { zh: `还有 ${daysLeft} 天`, en: `${daysLeft} day${daysLeft === 1 ? '' : 's'} left` }
      : daysLeft === 0
        ? { zh: '今天到期', en: 'due today' }
        : { zh: `已逾期 ${overdue} 个工作日`, en: `${overdue} working day${overdue === 1 ? '' : 's'} overdue` };
  return {
    zh_cn: `【${LEVEL_LABEL[level].zh_cn}】${label.zh_cn}期限 ${due}，${when.zh}`,
    en_us: `[${LEVEL_LABEL[level].en_us}] ${label.en_us} due ${due}: ${when.en}`,
  };
}

/**
 * Writes every reminder of the sweep, its key first: one transaction, so all or nothing. A sweep
 * may write thousands of rows, so the statements are prepared once and the rows the sweep already
 * read are reused (measured in bench/sweep.bench.ts).
 */
function send(deps: SweepDeps, result: SweepResult, now: Date, deadlines: Map<string, DeadlineRow>, suggestions: Map<string, SuggestionFacts>): void {
  const { db } = deps;
  const client = db.$client;
  const at = now.toISOString();
  const claimedKeys = new Set<string>();
  const claimedLights = new Set<string>();
  const claimKey = client.prepare(
    'insert into reminders_sent (key, suggestion_id, subject_id, kind, due_on, level, day, sent_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing',
  );
  const insertCard = client.prepare('insert into card_messages (id, suggestion_id, kind, subject_id, created_at) values (?, ?, ?, ?, ?)');
  const enqueue = preparedEnqueue(client);
  const claimLight = client.prepare('update suggestions set board_light = ? where id = ? and board_light is ?');
  const boardsOf = client.prepare("select id from card_messages where kind = 'status_board' and subject_id = ?");
  const deputiesOf = client.prepare(
    'select d.name as name, sd.role as role from suggestion_deputies sd join deputies d on d.id = sd.deputy_id where sd.suggestion_id = ? order by sd.position',
  );
  const unitNames = new Map(db.select().from(schema.units).all().map((u) => [u.id, u.name]));
  const enqueueRow = (suggestionId: string, payload: OutboxPayload) => enqueue(suggestionId, payload, now);
  const postCard = (r: PlannedReminder, model: CardModel, chatId?: string) => {
    const cardMessageId = newId('cd');
    insertCard.run(cardMessageId, r.suggestionId, 'reminder', chatId ? `${r.key}|supervisors` : r.key, at);
    enqueueRow(r.suggestionId, { kind: 'send_card', cardMessageId, model, ...(chatId && { chatId }) });
    return cardMessageId;
  };
  const cardSuggestions = new Map<string, CardSuggestion>();
  const cardSuggestion = (suggestionId: string): CardSuggestion => {
    let cs = cardSuggestions.get(suggestionId);
    if (!cs) {
      const { boardLight: _light, ...facts } = suggestions.get(suggestionId)!;
      cs = { ...facts, body: '', deputies: deputiesOf.all(suggestionId) as CardSuggestion['deputies'] };
      cardSuggestions.set(suggestionId, cs);
    }
    return cs;
  };

  client
    .transaction(() => {
      const overdueCards = new Map<string, string>();
      for (const r of result.reminders) {
        if (claimKey.run(r.key, r.suggestionId, r.subjectId, r.kind, r.dueOn, r.level, r.day, at).changes === 0) continue; // a concurrent sweep sent it
        claimedKeys.add(r.key);
        const deadline = deadlines.get(`${r.subjectId}|${r.kind}`);
        const model: CardModel = {
          kind: 'reminder',
          suggestion: cardSuggestion(r.suggestionId),
          level: r.level,
          deadline: { label: DEADLINE_LABELS[r.kind], due: r.dueOn, daysLeft: r.daysLeft, workingDaysOverdue: r.workingDaysOverdue, explanation: (deadline?.explanation as Bilingual | undefined) ?? r.why },
          unitName: unitNames.get(r.unitId) ?? r.unitId,
          todo: TODO[r.kind],
          withProgressButton: isObligation(r) && r.kind !== 'commitment',
          assignmentId: deadline?.assignmentId ?? r.subjectId,
          mentions: r.recipients,
        };
        // Escalations ride on the day's overdue card (queued just before, in this loop); the
        // group sees one card a day, the supervisors' group sees the escalation.
        if (r.level === 'escalation' || r.level === 'escalation2') {
          const todays = overdueCards.get(`${r.subjectId}|${r.kind}`);
          if (r.urgent && todays) enqueueRow(r.suggestionId, { kind: 'urgent', cardMessageId: todays, openIds: r.urgent.openIds, channel: r.urgent.channel });
          if (deps.supervisorChatId) postCard(r, { ...model, mentions: [] }, deps.supervisorChatId);
          continue;
        }
        const cardMessageId = postCard(r, model);
        if (r.level === 'overdue') overdueCards.set(`${r.subjectId}|${r.kind}`, cardMessageId);
      }
      for (const light of result.lights) {
        // Claimed like a reminder: only the sweep that changes the stored light updates the board.
        if (claimLight.run(light.to, light.suggestionId, light.from).changes === 0) continue;
        claimedLights.add(light.suggestionId);
        for (const board of boardsOf.all(light.suggestionId) as Array<{ id: string }>) enqueueRow(light.suggestionId, { kind: 'patch_card', cardMessageId: board.id });
      }
    })
    .immediate();
  // What this sweep actually sent: a concurrent sweep may have sent some of what it planned.
  result.reminders = result.reminders.filter((r) => claimedKeys.has(r.key));
  result.lights = result.lights.filter((l) => claimedLights.has(l.suggestionId));
}
