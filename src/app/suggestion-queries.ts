/**
 * Read models for operators (SPEC §7): the suggestion list with its filters, and one suggestion
 * with everything recorded about it, its open deadlines and its timeline.
 */
import { and, asc, eq, gt, inArray, or, type SQL } from 'drizzle-orm';
import { Buffer } from 'node:buffer';
import { localDate } from '../core/clock.ts';
import { isOverdue, lightOf, openDeadlines, type Deadline, type Light } from '../core/deadlines/deadlines.ts';
import { DomainError } from '../core/errors.ts';
import { ASSIGNMENT_STATES, STATE_LABELS, type SuggestionAggregate } from '../core/model.ts';
import * as schema from '../adapters/sqlite/schema.ts';
import type { AppContext } from './context.ts';
import { loadAggregate } from '../adapters/sqlite/aggregate-store.ts';
import { auditOfSuggestion } from '../adapters/sqlite/audit-store.ts';
import { cardsOfSuggestion } from '../adapters/sqlite/card-store.ts';
import { matchingSuggestions } from '../adapters/sqlite/search-index.ts';
import { checkQuery } from './knowledge-base.ts';
import { readLeaders } from '../adapters/sqlite/directory-store.ts';
import { leaderInCharge, type Leader } from '../core/leaders.ts';
import { chatOfSuggestion, groupOfSuggestion } from '../adapters/sqlite/chat-store.ts';

export interface SuggestionFilters {
  status?: string;
  unit?: string;
  overdue?: boolean;
  /** Only key-supervised (重点督办) suggestions, or only the others. */
  key?: boolean;
  category?: string;
  session?: string;
  /** Words the knowledge base finds in it (every word; title, body, answers, notes). */
  q?: string;
}

const SUGGESTION_STATUSES = ['open', 'closed', 'withdrawn'] as const;
const isOneOf = <T extends string>(values: readonly T[], value: string): value is T => (values as readonly string[]).includes(value);
export const STATUS_FILTER_VALUES: readonly string[] = [...SUGGESTION_STATUSES, ...ASSIGNMENT_STATES];

type QueryRuntime = Pick<AppContext, 'db' | 'clock' | 'calendar' | 'policy' | 'config'>;

function deadlineView(ctx: QueryRuntime, agg: SuggestionAggregate) {
  const today = localDate(ctx.clock(), ctx.config.timeZone);
  const deadlines = openDeadlines(agg, { policy: ctx.policy, calendar: ctx.calendar, timeZone: ctx.config.timeZone });
  const light: Light = lightOf(deadlines, today, ctx.policy.reminders.noticeDaysBefore);
  return { today, deadlines, light, overdue: deadlines.some((d) => isOverdue(d, today)) };
}

/** The 督办领导 as the API shows it: the directory's leader the column names, or the column's text. */
function leaderJson(keyLeader: string | null, leaders: ReadonlyMap<string, Leader>) {
  const l = leaderInCharge(keyLeader, leaders);
  return l && { label: l.label, id: l.leader?.id ?? null, openId: l.openId };
}

function summary(ctx: QueryRuntime, agg: SuggestionAggregate, unitNames: Map<string, string>, leaders: ReadonlyMap<string, Leader>) {
  const { deadlines, light, overdue, today } = deadlineView(ctx, agg);
  const s = agg.suggestion;
  const next = deadlines.find((d) => d.kind !== 'reassign_window');
  return {
    id: s.id,
    session: s.session,
    number: s.number,
    title: s.title,
    kind: s.kind,
    timing: s.timing,
    category: s.category,
    status: s.status,
    key: s.key,
    leader: s.key ? leaderJson(s.keyLeader, leaders) : null,
    classified: s.classified,
    assignedOn: s.assignedOn,
    assignments: agg.assignments.map((a) => ({ id: a.id, unitId: a.unitId, unitName: unitNames.get(a.unitId) ?? a.unitId, role: a.role, state: a.state })),
    light,
    overdue,
    nextDeadline: next ? deadlineJson(next, today) : null,
  };
}

function deadlineJson(d: Deadline, today: string) {
  return {
    kind: d.kind,
    assignmentId: d.assignmentId,
    unitId: d.unitId,
    subjectId: d.subjectId,
    from: d.from,
    due: d.due,
    overdue: isOverdue(d, today),
    explanation: d.explanation,
    usesFallbackCalendar: d.usesFallbackCalendar,
  };
}

/** Every message posted in the suggestion's group, the bot's included (SPEC §7 timeline). */
function messagesOf(ctx: QueryRuntime, suggestionId: string) {
  return ctx.db
    .select()
    .from(schema.groupMessages)
    .where(eq(schema.groupMessages.suggestionId, suggestionId))
    .all()
    .map((m) => ({
      type: 'message' as const,
      at: m.sentAt,
      messageId: m.messageId,
      sender: m.senderOpenId,
      senderType: m.senderType,
      msgType: m.msgType,
      text: m.text,
      rootId: m.rootId,
      parentId: m.parentId,
      threadId: m.threadId,
      /** When the message was recalled in Lark (its text is kept), or null. */
      recalledAt: m.recalledAt,
      recallType: m.recallType,
    }));
}

function unitNameMap(ctx: QueryRuntime): Map<string, string> {
  return new Map(ctx.db.select().from(schema.units).all().map((u) => [u.id, u.name]));
}

/** SPEC §7: a page holds 100 suggestions unless `limit` says otherwise, and never more than 1000. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/** Where a page ends: the (session, number) of its last item, the list's order and a unique key. */
interface PageKey {
  session: string;
  number: string;
}

/**
 * The cursor is the last item's key, not an offset: a suggestion imported while someone pages
 * lands before or after that key, so no item already listed moves and none is seen twice or missed.
 * Opaque to clients (base64url of a small JSON array).
 */
export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.session, key.number]), 'utf8').toString('base64url');
}

/** The key a cursor names, or undefined when it is not one this server wrote. */
export function decodeCursor(cursor: string): PageKey | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { session: value[0], number: value[1] };
    }
  } catch {
    // not JSON: refused below like any other unknown cursor
  }
  return undefined;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

type SuggestionSummary = ReturnType<typeof summary>;

export interface SuggestionPage {
  items: SuggestionSummary[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

export function listSuggestions(ctx: QueryRuntime, filters: SuggestionFilters, page: PageRequest = {}): SuggestionPage {
  const { db } = ctx;
  const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new DomainError('invalid_input', `limit 必须是 1 到 ${MAX_PAGE_LIMIT} 之间的整数`, `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  let after: PageKey | undefined;
  if (page.cursor !== undefined) {
    after = decodeCursor(page.cursor);
    if (!after) throw new DomainError('invalid_input', 'cursor 无效：请使用上一页返回的 next_cursor', 'cursor is not valid: pass the next_cursor of the previous page');
  }
  const where: SQL[] = [];
  if (filters.session) where.push(eq(schema.suggestions.session, filters.session));
  if (filters.category) where.push(eq(schema.suggestions.category, filters.category));
  if (filters.key !== undefined) where.push(eq(schema.suggestions.key, filters.key));
  if (filters.status) {
    if (!STATUS_FILTER_VALUES.includes(filters.status)) {
      throw new DomainError('invalid_input', `未知的状态：${filters.status}`, `Unknown status "${filters.status}": use one of ${STATUS_FILTER_VALUES.join(', ')}`);
    }
    const status = filters.status;
    if (isOneOf(SUGGESTION_STATUSES, status)) {
      where.push(eq(schema.suggestions.status, status));
    } else if (isOneOf(ASSIGNMENT_STATES, status)) {
      const ids = db.selectDistinct({ id: schema.assignments.suggestionId }).from(schema.assignments).where(eq(schema.assignments.state, status));
      where.push(inArray(schema.suggestions.id, ids));
    }
  }
  if (filters.q !== undefined) {
    checkQuery(filters.q);
    where.push(matchingSuggestions(filters.q)!);
  }
  if (filters.unit) {
    const ids = db.selectDistinct({ id: schema.assignments.suggestionId }).from(schema.assignments).where(eq(schema.assignments.unitId, filters.unit));
    where.push(inArray(schema.suggestions.id, ids));
  }
  const unitNames = unitNameMap(ctx);
  const leaders = readLeaders(db);
  // `overdue` is computed, not stored, so rows are read in batches after the cursor until one
  // more than a page matches (that one only tells that a next page exists).
  const matched: SuggestionSummary[] = [];
  let scanFrom = after;
  for (;;) {
    const rows = db
      .select({ id: schema.suggestions.id, session: schema.suggestions.session, number: schema.suggestions.number })
      .from(schema.suggestions)
      .where(and(...where, ...(scanFrom ? [afterKey(scanFrom)] : [])))
      .orderBy(asc(schema.suggestions.session), asc(schema.suggestions.number))
      .limit(limit + 1)
      .all();
    for (const row of rows) {
      const item = summary(ctx, loadAggregate(db, row.id)!, unitNames, leaders);
      if (filters.overdue === undefined || item.overdue === filters.overdue) matched.push(item);
      if (matched.length > limit) break;
    }
    if (matched.length > limit || rows.length <= limit) break;
    scanFrom = rows[rows.length - 1]!;
  }
  const items = matched.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next_cursor: matched.length > limit && last ? encodeCursor(last) : null };
}

function afterKey(key: PageKey): SQL {
  return or(
    gt(schema.suggestions.session, key.session),
    and(eq(schema.suggestions.session, key.session), gt(schema.suggestions.number, key.number)),
  )!;
}

export function getSuggestionDetail(ctx: QueryRuntime, id: string) {
  const agg = loadAggregate(ctx.db, id);
  if (!agg) throw new DomainError('not_found', `找不到建议：${id}`, `Unknown suggestion: ${id}`);
  const unitNames = unitNameMap(ctx);
  const { deadlines, today } = deadlineView(ctx, agg);
  const timeline = auditOfSuggestion(ctx.db, id)
    .filter((e) => e.outcome === 'ok')
    .map((e) => ({
      type: 'state_change' as const,
      at: e.at,
      actor: e.actor,
      actorRole: e.actorRole,
      source: e.source,
      action: e.action,
      subjectType: e.subjectType,
      subjectId: e.subjectId,
      beforeState: e.beforeState,
      afterState: e.afterState,
      message: e.message,
    }));
  return {
    ...summary(ctx, agg, unitNames, readLeaders(ctx.db)),
    body: agg.suggestion.body,
    /** The 督办领导 column as imported (`leader` is what it names). */
    keyLeader: agg.suggestion.keyLeader,
    version: agg.suggestion.version,
    /** The suggestion's Lark group, once created. */
    chatId: chatOfSuggestion(ctx.db, id) ?? null,
    /** Its Lark group once created; `lost` when the bot was removed or the chat disbanded. */
    group: groupOfSuggestion(ctx.db, id) ?? null,
    deputies: agg.deputies.map((d) => ({ id: d.deputyId, name: d.name, role: d.role, openId: d.openId })),
    assignments: agg.assignments.map((a) => ({
      ...a,
      unitName: unitNames.get(a.unitId) ?? a.unitId,
      stateLabel: STATE_LABELS[a.state as keyof typeof STATE_LABELS] ?? null,
    })),
    reassignmentRequests: agg.reassignmentRequests,
    progressReports: agg.progressReports,
    contacts: agg.contacts,
    coOpinions: agg.coOpinions,
    answers: agg.answers,
    commitments: agg.commitments,
    evaluations: agg.evaluations,
    nudges: agg.nudges,
    extensionRequests: agg.extensionRequests,
    coordinations: agg.coordinations,
    qualityReviews: agg.qualityReviews,
    coOpinionEvaluations: agg.coOpinionEvaluations,
    commitmentFollowUps: agg.commitmentFollowUps,
    commitmentEvaluations: agg.commitmentEvaluations,
    deadlines: deadlines.map((d) => deadlineJson(d, today)),
    /** The cards posted in its group, in posting order (`messageId` null while queued). */
    cards: cardsOfSuggestion(ctx.db, id),
    timeline: [...timeline, ...messagesOf(ctx, id)].sort((x, y) => x.at.localeCompare(y.at)),
  };
}
