/**
 * Keeps `open_deadlines` equal to what `openDeadlines(aggregate)` says, for one suggestion at a
 * time, in the transaction that changed it. The reminder sweep reads only this index.
 */
import { eq } from 'drizzle-orm';
import { createWorkingDayCalendar } from '../calendar/working-day-calendar.ts';
import { openDeadlines, type DeadlineContext } from '../domain/deadlines.ts';
import type { SuggestionAggregate } from '../domain/model.ts';
import { defaultPolicy } from '../domain/policy.ts';
import * as schema from '../db/schema.ts';
import type { DbOrTx } from './aggregate-store.ts';

let builtIn: DeadlineContext | undefined;
/** The default policy on the official calendar, for callers that configure nothing (tests, tools). */
export function defaultDeadlineContext(): DeadlineContext {
  builtIn ??= { policy: defaultPolicy, calendar: createWorkingDayCalendar(), timeZone: 'Asia/Shanghai' };
  return builtIn;
}

export function indexDeadlines(tx: DbOrTx, agg: SuggestionAggregate, ctx: DeadlineContext): void {
  tx.delete(schema.openDeadlines).where(eq(schema.openDeadlines.suggestionId, agg.suggestion.id)).run();
  const rows = openDeadlines(agg, ctx).map((d) => ({
    suggestionId: agg.suggestion.id,
    assignmentId: d.assignmentId,
    unitId: d.unitId,
    kind: d.kind,
    subjectId: d.subjectId,
    fromOn: d.from,
    dueOn: d.due,
    explanation: d.explanation,
  }));
  if (rows.length) tx.insert(schema.openDeadlines).values(rows).run();
}
