/**
 * One decision applied inside an open transaction: decide, save, re-index the deadlines, queue
 * the Lark calls and append the audit. `dispatch` applies one per command; merged handling
 * (merges.ts) applies several, to several suggestions, in one transaction.
 */
import type { ActionSource, Actor } from '../core/actor.ts';
import { actorLabel } from '../core/actor.ts';
import { localDate } from '../core/clock.ts';
import { newId as defaultNewId, type NewId } from '../core/ids.ts';
import { decide, type Command, type Decision } from '../core/lifecycle/index.ts';
import type { SuggestionAggregate } from '../core/model.ts';
import { planEffects } from '../core/effects.ts';
import { computeDeadline } from '../core/deadlines/deadline-rule.ts';
import type { DeadlineContext } from '../core/deadlines/deadlines.ts';
import type { DbOrTx } from '../adapters/sqlite/db.ts';
import { saveAggregate } from '../adapters/sqlite/aggregate-store.ts';
import { appendAudit } from '../adapters/sqlite/audit-store.ts';
import { unitExists, unitName } from '../adapters/sqlite/directory-store.ts';
import { writeEffects } from '../adapters/sqlite/write-effects.ts';
import { indexDeadlines } from '../adapters/sqlite/deadline-index.ts';
import { indexSuggestion } from '../adapters/sqlite/search-index.ts';
import { searchDocument } from '../core/search-text.ts';

export interface ApplyDeps {
  now: Date;
  timeZone: string;
  deadlines: DeadlineContext;
  newId?: NewId | undefined;
  supervisorChatId?: string | undefined;
}

export function applyDecision(tx: DbOrTx, deps: ApplyDeps, current: SuggestionAggregate, command: Command, actor: Actor, source: ActionSource): Decision {
  const { now, deadlines } = deps;
  const today = localDate(now, deps.timeZone);
  const { next, audit } = decide(current, command, actor, {
    now,
    today,
    workingDay: deadlines.calendar.nextWorkingDayOnOrAfter(today),
    newId: deps.newId ?? defaultNewId,
    unitExists: (unitId) => unitExists(tx, unitId),
    answerReview: deadlines.policy.answerReview === 'supervisor',
    answerLimits: (assignedOn) => ({
      due: computeDeadline(deadlines.policy.deadlines.answer, assignedOn, deadlines.calendar).due,
      max: computeDeadline(deadlines.policy.deadlines.answer_max, assignedOn, deadlines.calendar).due,
      nextWorkingDay: (date) => deadlines.calendar.nextWorkingDayOnOrAfter(date),
    }),
  });
  saveAggregate(tx, current, next);
  if (searchableChanged(current, next)) indexSuggestion(tx, next);
  indexDeadlines(tx, next, deadlines, localDate(now, deadlines.timeZone));
  writeEffects(tx, next, planEffects(audit, next, (unitId) => unitName(tx, unitId)), { now, supervisorChatId: deps.supervisorChatId, previous: current });
  const at = now.toISOString();
  appendAudit(
    tx,
    audit.map((a) => ({ at, actor: actorLabel(actor), source, outcome: 'ok' as const, suggestionId: current.suggestion.id, ...a })),
  );
  return { next, audit };
}

/** Whether the knowledge base's document of the suggestion changed (most commands leave it alone). */
function searchableChanged(before: SuggestionAggregate, after: SuggestionAggregate): boolean {
  const a = searchDocument(before);
  const b = searchDocument(after);
  return (Object.keys(a) as Array<keyof typeof a>).some((k) => a[k] !== b[k]);
}
