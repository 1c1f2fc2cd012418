/**
 * Loads one suggestion aggregate and saves the next one the domain returned, row by row: rows
 * that are new are inserted, rows that changed are updated, nothing is ever deleted. The save
 * checks the suggestion's version so two writers cannot both apply a decision to the same state.
 */
import { and, eq, sql } from 'drizzle-orm';
import { DomainError } from '../../core/errors.ts';
import {
  AGGREGATE_COLLECTIONS,
  type AggregateCollection,
  type AnswerRow,
  type AssignmentRow,
  type CoOpinionRow,
  type CoordinationRow,
  type CoOpinionEvaluationRow,
  type QualityReviewRow,
  type CommitmentRow,
  type ContactRow,
  type EvaluationRow,
  type ExtensionRequestRow,
  type NudgeRow,
  type ProgressReportRow,
  type ReassignmentRequestRow,
  type SuggestionAggregate,
  type SuggestionRow,
  type CommitmentFollowUpRow,
  type CommitmentEvaluationRow,
} from '../../core/model.ts';
import * as schema from './schema.ts';
import { connectionOf, type DbOrTx } from './db.ts';

/**
 * Each child collection's table. They differ in columns but all have text `id` and
 * `suggestion_id`, which is all this file touches by name; rows themselves pass through whole.
 */
type ChildTable = typeof schema.assignments;
const TABLES = {
  assignments: schema.assignments,
  reassignmentRequests: schema.reassignmentRequests,
  progressReports: schema.progressReports,
  contacts: schema.contacts,
  coOpinions: schema.coOpinions,
  answers: schema.answers,
  commitments: schema.commitments,
  evaluations: schema.evaluations,
  nudges: schema.nudges,
  extensionRequests: schema.extensionRequests,
  coordinations: schema.coordinations,
  qualityReviews: schema.qualityReviews,
  coOpinionEvaluations: schema.coOpinionEvaluations,
  commitmentFollowUps: schema.commitmentFollowUps,
  commitmentEvaluations: schema.commitmentEvaluations,
} as unknown as Record<AggregateCollection, ChildTable>;

export function loadAggregate(db: DbOrTx, suggestionId: string): SuggestionAggregate | undefined {
  const reads = aggregateReads(db);
  const suggestion = reads.suggestion.get({ suggestionId });
  if (!suggestion) return undefined;
  const aggregate = { suggestion, deputies: reads.deputies.all({ suggestionId }) } as SuggestionAggregate;
  for (const name of AGGREGATE_COLLECTIONS) (aggregate as unknown as Record<string, unknown>)[name] = reads.collections[name].all({ suggestionId });
  return aggregate;
}

/**
 * The aggregate's reads, prepared once per connection: building a drizzle query costs ~100 times
 * running a prepared one, and an import loads an aggregate per row (issue 11).
 */
const readsByConnection = new WeakMap<object, ReturnType<typeof prepareReads>>();
function aggregateReads(db: DbOrTx) {
  let reads = readsByConnection.get(connectionOf(db));
  if (!reads) {
    reads = prepareReads(db);
    readsByConnection.set(connectionOf(db), reads);
  }
  return reads;
}

function prepareReads(db: DbOrTx) {
  const id = sql.placeholder('suggestionId');
  const suggestion = db.select().from(schema.suggestions).where(eq(schema.suggestions.id, id)).prepare();
  const deputies = db
    .select({
      deputyId: schema.suggestionDeputies.deputyId,
      role: schema.suggestionDeputies.role,
      position: schema.suggestionDeputies.position,
      name: schema.deputies.name,
      openId: schema.deputies.openId,
    })
    .from(schema.suggestionDeputies)
    .innerJoin(schema.deputies, eq(schema.deputies.id, schema.suggestionDeputies.deputyId))
    .where(eq(schema.suggestionDeputies.suggestionId, id))
    .orderBy(schema.suggestionDeputies.position)
    .prepare();
  const collections = Object.fromEntries(
    AGGREGATE_COLLECTIONS.map((name) => [name, db.select().from(TABLES[name]).where(eq(TABLES[name].suggestionId, id)).prepare()]),
  ) as unknown as Record<AggregateCollection, { all(values: { suggestionId: string }): unknown[] }>;
  return { suggestion, deputies, collections };
}

/**
 * Writes `after` over `before`. Must run inside a transaction. Throws a `stale` DomainError when
 * someone else saved this suggestion since `before` was loaded.
 */
export function saveAggregate(tx: DbOrTx, before: SuggestionAggregate, after: SuggestionAggregate): void {
  const s = after.suggestion;
  const updated = tx
    .update(schema.suggestions)
    .set({ status: s.status, version: s.version, updatedAt: s.updatedAt, title: s.title })
    .where(and(eq(schema.suggestions.id, s.id), eq(schema.suggestions.version, before.suggestion.version)))
    .returning({ id: schema.suggestions.id })
    .all();
  if (updated.length !== 1) {
    throw new DomainError('stale', '该建议刚被其他人更新，请重试', 'This suggestion was changed by someone else; try again');
  }
  for (const name of AGGREGATE_COLLECTIONS) {
    const table = TABLES[name];
    const old = new Map((before[name] as Array<{ id: string }>).map((row) => [row.id, JSON.stringify(row)]));
    for (const row of after[name] as Array<{ id: string }>) {
      const previous = old.get(row.id);
      if (previous === undefined) tx.insert(table).values(row as never).run();
      else if (previous !== JSON.stringify(row)) tx.update(table).set(row as never).where(eq(table.id, row.id)).run();
    }
  }
}

/** Finds which suggestion an id from outside belongs to (cards carry sub-record ids). */
export function suggestionIdOf(
  db: DbOrTx,
  ref: { suggestionId?: string; assignmentId?: string; answerId?: string; contactId?: string; commitmentId?: string; extensionRequestId?: string; opinionId?: string },
): string | undefined {
  if (ref.suggestionId !== undefined) return ref.suggestionId;
  const lookups: Array<[string | undefined, AggregateCollection]> = [
    [ref.assignmentId, 'assignments'],
    [ref.answerId, 'answers'],
    [ref.contactId, 'contacts'],
    [ref.commitmentId, 'commitments'],
    [ref.extensionRequestId, 'extensionRequests'],
    [ref.opinionId, 'coOpinions'],
  ];
  for (const [id, name] of lookups) {
    if (id === undefined) continue;
    const table = TABLES[name];
    return db.select({ suggestionId: table.suggestionId }).from(table).where(eq(table.id, id)).get()?.suggestionId;
  }
  return undefined;
}

// The core's row types (src/core/model.ts) and the tables must stay the same shape: this fails to
// compile when a column is added, dropped or retyped on one side only.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const ROWS_MATCH_THE_MODEL: Same<SuggestionRow, typeof schema.suggestions.$inferSelect> &
  Same<AssignmentRow, typeof schema.assignments.$inferSelect> &
  Same<ReassignmentRequestRow, typeof schema.reassignmentRequests.$inferSelect> &
  Same<ProgressReportRow, typeof schema.progressReports.$inferSelect> &
  Same<ContactRow, typeof schema.contacts.$inferSelect> &
  Same<CoOpinionRow, typeof schema.coOpinions.$inferSelect> &
  Same<AnswerRow, typeof schema.answers.$inferSelect> &
  Same<CommitmentRow, typeof schema.commitments.$inferSelect> &
  Same<EvaluationRow, typeof schema.evaluations.$inferSelect> &
  Same<NudgeRow, typeof schema.nudges.$inferSelect> &
  Same<ExtensionRequestRow, typeof schema.extensionRequests.$inferSelect> &

  Same<CoordinationRow, typeof schema.coordinations.$inferSelect> &
  Same<QualityReviewRow, typeof schema.qualityReviews.$inferSelect> &
  Same<CoOpinionEvaluationRow, typeof schema.coOpinionEvaluations.$inferSelect> &

  Same<CommitmentFollowUpRow, typeof schema.commitmentFollowUps.$inferSelect> &
  Same<CommitmentEvaluationRow, typeof schema.commitmentEvaluations.$inferSelect> = true;
