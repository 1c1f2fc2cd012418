/**
 * The weekly digest (SPEC §4) for the supervisors' group: counts by state, the overdue list by
 * unit with working days overdue, the key-supervised items with their leaders, this month's
 * commitments, and open items by unit and light.
 * Read from the deadline index and two small aggregate queries, not from every suggestion.
 */
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { DigestKeyItem, DigestModel, Light } from '../adapters/cards/card-model.ts';
import { readLeaders } from '../adapters/sqlite/directory-store.ts';
import { leaderInCharge } from '../core/leaders.ts';
import { nextYearCalendarNotice } from '../core/calendar/year-end-notice.ts';
import { localDate } from '../core/clock.ts';
import { addCalendarDays } from '../core/deadlines/deadline-rule.ts';
import { isObligation, lightOf } from '../core/deadlines/deadlines.ts';
import { ASSIGNMENT_STATES, FINISHED_STATES, STATE_LABELS } from '../core/model.ts';
import { DEADLINE_LABELS, type DeadlineKind } from '../core/deadlines/policy.ts';
import * as schema from '../adapters/sqlite/schema.ts';
import { outboxWriter } from '../adapters/sqlite/outbox-writer.ts';
import type { AppContext } from './context.ts';


export function buildDigest(ctx: Pick<AppContext, 'db' | 'calendar' | 'policy' | 'config'>, now: Date): DigestModel {
  const { db, calendar } = ctx;
  const today = localDate(now, ctx.config.timeZone);
  const units = new Map(db.select().from(schema.units).all().map((u) => [u.id, u.name]));

  const statusCounts = db.select({ status: schema.suggestions.status, n: sql<number>`count(*)` }).from(schema.suggestions).groupBy(schema.suggestions.status).all();
  const count = (status: string) => statusCounts.find((r) => r.status === status)?.n ?? 0;
  const stateCounts = db.select({ state: schema.assignments.state, n: sql<number>`count(*)` }).from(schema.assignments).groupBy(schema.assignments.state).all();
  const byState = ASSIGNMENT_STATES.filter((st) => st !== 'withdrawn')
    .map((st) => ({ label: STATE_LABELS[st], count: stateCounts.find((r) => r.state === st)?.n ?? 0 }))
    .filter((x) => x.count > 0);

  const overdueRows = db
    .select({ d: schema.openDeadlines, number: schema.suggestions.number, title: schema.suggestions.title })
    .from(schema.openDeadlines)
    .innerJoin(schema.suggestions, eq(schema.suggestions.id, schema.openDeadlines.suggestionId))
    .where(and(sql`${schema.openDeadlines.dueOn} < ${today}`, eq(schema.suggestions.status, 'open')))
    .all()
    .filter((r) => isObligation(r.d));
  const byUnit = new Map<string, DigestModel['overdueByUnit'][number]>();
  for (const r of overdueRows) {
    const unitName = units.get(r.d.unitId) ?? r.d.unitId;
    const entry = byUnit.get(unitName) ?? { unitName, items: [] };
    entry.items.push({ number: r.number, title: r.title, deadline: DEADLINE_LABELS[r.d.kind], workingDaysOverdue: calendar.workingDaysBetween(r.d.dueOn, today) });
    byUnit.set(unitName, entry);
  }
  const overdueByUnit = [...byUnit.values()]
    .map((u) => ({ ...u, items: u.items.sort((a, b) => b.workingDaysOverdue - a.workingDaysOverdue) }))
    .sort((a, b) => b.items.length - a.items.length || a.unitName.localeCompare(b.unitName));

  const monthStart = `${today.slice(0, 7)}-01`;
  const monthEnd = `${today.slice(0, 7)}-31`;
  const commitmentsDueThisMonth = db
    .select({ c: schema.commitments, number: schema.suggestions.number, unitId: schema.assignments.unitId })
    .from(schema.commitments)
    .innerJoin(schema.suggestions, eq(schema.suggestions.id, schema.commitments.suggestionId))
    .innerJoin(schema.assignments, eq(schema.assignments.id, schema.commitments.assignmentId))
    .where(and(gte(schema.commitments.dueOn, monthStart), lte(schema.commitments.dueOn, monthEnd), sql`${schema.commitments.state} in ('proposed', 'confirmed', 'done_claimed')`))
    .orderBy(schema.commitments.dueOn)
    .all()
    .map((r) => ({ number: r.number, unitName: units.get(r.unitId) ?? r.unitId, content: r.c.content, dueOn: r.c.dueOn, overdue: r.c.dueOn < today && r.c.state !== 'done_claimed' }));

  // Open assignments by unit and light: red with an overdue obligation, yellow with one due within the notice days.
  const limit = addCalendarDays(today, ctx.policy.reminders.noticeDaysBefore);
  const inView = new Map<string, Array<{ kind: DeadlineKind; due: string }>>();
  for (const d of db.select().from(schema.openDeadlines).where(lte(schema.openDeadlines.dueOn, limit)).all()) {
    inView.set(d.assignmentId, [...(inView.get(d.assignmentId) ?? []), { kind: d.kind, due: d.dueOn }]);
  }
  const lightOfAssignment = (id: string): Light => lightOf(inView.get(id) ?? [], today, ctx.policy.reminders.noticeDaysBefore);
  const chartCounts = new Map<string, number>();
  const open = db
    .select({ id: schema.assignments.id, unitId: schema.assignments.unitId, state: schema.assignments.state })
    .from(schema.assignments)
    .innerJoin(schema.suggestions, eq(schema.suggestions.id, schema.assignments.suggestionId))
    .where(eq(schema.suggestions.status, 'open'))
    .all()
    .filter((a) => !FINISHED_STATES.has(a.state) && a.state !== 'opinion_submitted');
  for (const a of open) {
    const key = `${units.get(a.unitId) ?? a.unitId}\u0000${lightOfAssignment(a.id)}`;
    chartCounts.set(key, (chartCounts.get(key) ?? 0) + 1);
  }
  const chart = [...chartCounts].map(([key, count]) => {
    const [unitName, light] = key.split('\u0000') as [string, Light];
    return { unitName, light, count };
  });

  const notice = nextYearCalendarNotice(calendar, today);
  const interimByUnit = isFirstDigestOfMonth(today) ? interimSection(ctx, units) : undefined;
  const keyItems = keySection(ctx, units, today);
  return { kind: 'digest', today, ...(notice && { notices: [notice] }), suggestions: { open: count('open'), closed: count('closed'), withdrawn: count('withdrawn') }, byState, overdueByUnit, keyItems, commitmentsDueThisMonth, chart, ...(interimByUnit && { interimByUnit }) };
}

/** The digest is weekly; the interim section is monthly: it rides on the digest of the month's first seven days. */
const isFirstDigestOfMonth = (today: string): boolean => Number(today.slice(8, 10)) <= 7;

/** Open 闭会 (interim) assignments of open suggestions, by unit, each with its next open deadline. */
function interimSection(ctx: Pick<AppContext, 'db'>, units: Map<string, string>): NonNullable<DigestModel['interimByUnit']> {
  const { db } = ctx;
  const open = db
    .select({ id: schema.assignments.id, unitId: schema.assignments.unitId, state: schema.assignments.state, number: schema.suggestions.number, title: schema.suggestions.title, classified: schema.suggestions.classified })
    .from(schema.assignments)
    .innerJoin(schema.suggestions, eq(schema.suggestions.id, schema.assignments.suggestionId))
    .where(and(eq(schema.suggestions.status, 'open'), eq(schema.suggestions.timing, 'interim')))
    .all()
    .filter((a) => !FINISHED_STATES.has(a.state) && a.state !== 'opinion_submitted');
  const next = new Map<string, { kind: DeadlineKind; dueOn: string }>();
  if (open.length) {
    const ids = new Set(open.map((a) => a.id));
    for (const d of db.select().from(schema.openDeadlines).innerJoin(schema.suggestions, eq(schema.suggestions.id, schema.openDeadlines.suggestionId)).where(eq(schema.suggestions.timing, 'interim')).all()) {
      const row = d.open_deadlines;
      if (!ids.has(row.assignmentId) || row.kind === 'reassign_window') continue; // a window is no obligation
      const seen = next.get(row.assignmentId);
      if (!seen || row.dueOn < seen.dueOn) next.set(row.assignmentId, { kind: row.kind, dueOn: row.dueOn });
    }
  }
  const byUnit = new Map<string, NonNullable<DigestModel['interimByUnit']>[number]>();
  for (const a of open) {
    const unitName = units.get(a.unitId) ?? a.unitId;
    const entry = byUnit.get(unitName) ?? { unitName, items: [] };
    const n = next.get(a.id);
    entry.items.push({ number: a.number, title: a.title, classified: a.classified, next: n ? { deadline: DEADLINE_LABELS[n.kind], dueOn: n.dueOn } : null });
    byUnit.set(unitName, entry);
  }
  return [...byUnit.values()]
    .map((u) => ({ ...u, items: u.items.sort((x, y) => (x.next?.dueOn ?? '9999').localeCompare(y.next?.dueOn ?? '9999') || x.number.localeCompare(y.number)) }))
    .sort((x, y) => y.items.length - x.items.length || x.unitName.localeCompare(y.unitName));
}

/** Open key-supervised suggestions (重点督办), the overdue first, each with its leader, units, light and next deadline. */
function keySection(ctx: Pick<AppContext, 'db' | 'policy'>, units: Map<string, string>, today: string): DigestKeyItem[] {
  const { db } = ctx;
  const key = and(eq(schema.suggestions.status, 'open'), eq(schema.suggestions.key, true));
  const rows = db.select({ id: schema.suggestions.id, number: schema.suggestions.number, title: schema.suggestions.title, keyLeader: schema.suggestions.keyLeader }).from(schema.suggestions).where(key).all();
  if (rows.length === 0) return [];
  const leaders = readLeaders(db);
  const handlers = new Map<string, string[]>();
  for (const a of db.select({ suggestionId: schema.assignments.suggestionId, unitId: schema.assignments.unitId, role: schema.assignments.role, state: schema.assignments.state }).from(schema.assignments).innerJoin(schema.suggestions, eq(schema.suggestions.id, schema.assignments.suggestionId)).where(key).all()) {
    if (a.role === 'co' || a.state === 'withdrawn') continue;
    handlers.set(a.suggestionId, [...(handlers.get(a.suggestionId) ?? []), units.get(a.unitId) ?? a.unitId]);
  }
  const deadlines = new Map<string, Array<{ kind: DeadlineKind; dueOn: string }>>();
  for (const { d } of db.select({ d: schema.openDeadlines }).from(schema.openDeadlines).innerJoin(schema.suggestions, eq(schema.suggestions.id, schema.openDeadlines.suggestionId)).where(key).all()) {
    if (!isObligation(d)) continue;
    deadlines.set(d.suggestionId, [...(deadlines.get(d.suggestionId) ?? []), { kind: d.kind, dueOn: d.dueOn }]);
  }
  return rows
    .map((r): DigestKeyItem => {
      const open = (deadlines.get(r.id) ?? []).sort((x, y) => x.dueOn.localeCompare(y.dueOn));
      const leader = leaderInCharge(r.keyLeader, leaders);
      return {
        number: r.number,
        title: r.title,
        leader: leader && { label: leader.label, openId: leader.openId },
        units: handlers.get(r.id) ?? [],
        light: lightOf(open.map((d) => ({ kind: d.kind, due: d.dueOn })), today, ctx.policy.reminders.noticeDaysBefore),
        overdue: open.filter((d) => d.dueOn < today).length,
        next: open[0] ? { deadline: DEADLINE_LABELS[open[0].kind], dueOn: open[0].dueOn } : null,
      };
    })
    .sort((x, y) => y.overdue - x.overdue || x.number.localeCompare(y.number, 'zh-CN', { numeric: true }));
}

/** Queues the digest card to the supervisors' group; without DUBAN_SUPERVISOR_CHAT_ID there is nowhere to send it. */
export function sendDigest(ctx: AppContext, now: Date): DigestModel | undefined {
  const chatId = ctx.config.supervisorChatId;
  if (!chatId) {
    ctx.logger.warn('weekly digest skipped: DUBAN_SUPERVISOR_CHAT_ID is not set');
    return undefined;
  }
  const model = buildDigest(ctx, now);
  const outbox = outboxWriter(ctx.db);
  ctx.db.transaction(() => outbox.postCard({ suggestionId: null, kind: 'digest', subjectId: `digest|${model.today}`, chatId, model }, now));
  ctx.logger.info({ today: model.today, overdueUnits: model.overdueByUnit.length }, 'weekly digest queued');
  return model;
}
