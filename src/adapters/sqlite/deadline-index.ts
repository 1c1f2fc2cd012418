/**
 * Keeps `open_deadlines` equal to what `openDeadlines(aggregate)` says, for one suggestion at a
 * time, in the transaction that changed it. The reminder sweep reads only this index.
 */
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { connectionOf, insertRows, type DbOrTx, type SqliteDb } from './db.ts';
import { loadAggregate } from './aggregate-store.ts';
import { createWorkingDayCalendar } from '../../core/calendar/working-day-calendar.ts';
import { lightOf, openDeadlines, type DeadlineContext } from '../../core/deadlines/deadlines.ts';
import type { BoardLight, SuggestionAggregate } from '../../core/model.ts';
import { defaultPolicy } from '../../core/deadlines/policy.ts';
import * as schema from './schema.ts';

let builtIn: DeadlineContext | undefined;
/** The default policy on the official calendar, for callers that configure nothing (tests, tools). */
export function defaultDeadlineContext(): DeadlineContext {
  builtIn ??= { policy: defaultPolicy, calendar: createWorkingDayCalendar(), timeZone: 'Asia/Shanghai' };
  return builtIn;
}

/**
 * Rewrites the suggestion's index rows, and records the light its status board shows as of
 * `today` (every change refreshes the board), so the sweep knows when time alone changes it.
 */
export function indexDeadlines(tx: DbOrTx, agg: SuggestionAggregate, ctx: DeadlineContext, today: string): void {
  const statements = indexStatements(tx);
  statements.clear.run({ suggestionId: agg.suggestion.id });
  const { rows, light } = deadlineIndexOf(agg, ctx, today);
  if (light !== agg.suggestion.boardLight) statements.setLight.run({ suggestionId: agg.suggestion.id, light });
  insertRows(tx, schema.openDeadlines, rows);
}

/**
 * The suggestion's index rows and its board's light as of `today`, written by `indexDeadlines`,
 * or by the import for many new suggestions at once (issue 11).
 */
export function deadlineIndexOf(agg: SuggestionAggregate, ctx: DeadlineContext, today: string): { rows: Array<typeof schema.openDeadlines.$inferInsert>; light: BoardLight | null } {
  const deadlines = openDeadlines(agg, ctx);
  const light = agg.suggestion.status === 'open' ? lightOf(deadlines, today, ctx.policy.reminders.noticeDaysBefore) : null;
  const rows = deadlines.map((d) => ({
    suggestionId: agg.suggestion.id,
    assignmentId: d.assignmentId,
    unitId: d.unitId,
    kind: d.kind,
    subjectId: d.subjectId,
    fromOn: d.from,
    dueOn: d.due,
    explanation: d.explanation,
  }));
  return { rows, light };
}

/** The index's writes, prepared once per connection (an import indexes every row it creates; issue 11). */
const statementsByConnection = new WeakMap<object, ReturnType<typeof prepareIndexStatements>>();
function indexStatements(db: DbOrTx) {
  let statements = statementsByConnection.get(connectionOf(db));
  if (!statements) statementsByConnection.set(connectionOf(db), (statements = prepareIndexStatements(db)));
  return statements;
}

function prepareIndexStatements(db: DbOrTx) {
  const suggestionId = sql.placeholder('suggestionId');
  return {
    clear: db.delete(schema.openDeadlines).where(eq(schema.openDeadlines.suggestionId, suggestionId)).prepare(),
    setLight: db.update(schema.suggestions).set({ boardLight: sql`${sql.placeholder('light')}` }).where(eq(schema.suggestions.id, suggestionId)).prepare(),
  };
}

/**
 * The index depends on the policy and the calendar. When either changes (another DUBAN_POLICY, a
 * new override file, a chinese-days update with next year's schedule) every open suggestion is
 * indexed again, once, at start.
 */
export function ensureDeadlineIndex(db: SqliteDb, ctx: DeadlineContext, calendarFingerprint: string, today: string): number {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(ctx.policy.deadlines))
    .update(calendarFingerprint)
    .update(ctx.timeZone)
    .digest('hex');
  const stored = db.select().from(schema.appMeta).where(eq(schema.appMeta.key, 'deadline_index')).get();
  if (stored?.value === fingerprint) return 0;
  const ids = db.select({ id: schema.suggestions.id }).from(schema.suggestions).where(eq(schema.suggestions.status, 'open')).all();
  db.transaction((tx) => {
    tx.delete(schema.openDeadlines).run();
    for (const { id } of ids) {
      const agg = loadAggregate(tx, id);
      if (agg) indexDeadlines(tx, agg, ctx, today);
    }
    tx.insert(schema.appMeta).values({ key: 'deadline_index', value: fingerprint }).onConflictDoUpdate({ target: schema.appMeta.key, set: { value: fingerprint } }).run();
  });
  return ids.length;
}
