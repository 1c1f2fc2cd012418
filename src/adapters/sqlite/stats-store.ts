/**
 * The rows the statistics are computed from (src/core/stats/compute.ts), read once per table.
 */
import { and, eq, getTableColumns, gte, inArray, lte, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { SuggestionAggregate } from '../../core/model.ts';
import { UNCATEGORISED } from '../../core/stats/compute.ts';
import type { StatsFilters } from '../../core/stats/filters.ts';
import type { DbOrTx } from './db.ts';
import * as schema from './schema.ts';

/** The suggestion-level filters (everything but `unit`) as one SQL condition; shared with the ledgers. */
export function suggestionFilter(filters: StatsFilters): SQL | undefined {
  const s = schema.suggestions;
  const conditions: SQL[] = [];
  if (filters.session) conditions.push(eq(s.session, filters.session));
  if (filters.kind) conditions.push(eq(s.kind, filters.kind));
  if (filters.timing) conditions.push(eq(s.timing, filters.timing));
  if (filters.category) conditions.push(filters.category === UNCATEGORISED ? inArray(s.category, ['', UNCATEGORISED]) : eq(s.category, filters.category));
  if (filters.from) conditions.push(gte(s.assignedOn, filters.from));
  if (filters.to) conditions.push(lte(s.assignedOn, filters.to));
  return conditions.length ? and(...conditions) : undefined;
}

/**
 * Reads every row of the suggestions matching the suggestion-level filters, grouped into
 * aggregates (people and progress reports are not needed for any figure, nor any free text: those
 * fields are left empty).
 */
export function loadStatsAggregates(db: DbOrTx, filters: StatsFilters): SuggestionAggregate[] {
  const s = schema.suggestions;
  const where = suggestionFilter(filters);
  const ids = db.select({ id: s.id }).from(s).where(where);
  // Long free text (bodies, summaries, notes, comments, evidence) is never counted, so it is not
  // read: those fields are absent from the rows below, which only this module's walk sees.
  const { body: _body, ...suggestionColumns } = getTableColumns(s);
  const byId = new Map<string, SuggestionAggregate>();
  for (const row of db.select(suggestionColumns).from(s).where(where).all()) {
    byId.set(row.id, {
      suggestion: row as SuggestionAggregate['suggestion'],
      deputies: [],
      assignments: [],
      reassignmentRequests: [],
      progressReports: [],
      contacts: [],
      coOpinions: [],
      answers: [],
      commitments: [],
      evaluations: [],
      nudges: [],
      extensionRequests: [],
      coordinations: [],
      qualityReviews: [],
      coOpinionEvaluations: [],
      commitmentFollowUps: [],
      commitmentEvaluations: [],
    });
  }
  const add = <K extends 'assignments' | 'reassignmentRequests' | 'contacts' | 'coOpinions' | 'answers' | 'commitments' | 'evaluations' | 'nudges' | 'extensionRequests' | 'qualityReviews' | 'coOpinionEvaluations' | 'commitmentFollowUps' | 'commitmentEvaluations'>(
    key: K,
    rows: ReadonlyArray<Partial<SuggestionAggregate[K][number]> & { suggestionId: string }>,
  ) => {
    for (const row of rows) (byId.get(row.suggestionId)?.[key] as unknown[] | undefined)?.push(row);
  };
  const t = schema;
  const scope = <C extends SQLiteColumn>(column: C) => (where ? inArray(column, ids) : undefined);
  const { note: _note, disputeReason: _disputeReason, ...contactColumns } = getTableColumns(t.contacts);
  const { text: _text, ...opinionColumns } = getTableColumns(t.coOpinions);
  const { summary: _summary, privateReason: _privateReason, returnReason: _returnReason, ...answerColumns } = getTableColumns(t.answers);
  const { evidence: _evidence, ...commitmentColumns } = getTableColumns(t.commitments);
  const { comment: _comment, ...evaluationColumns } = getTableColumns(t.evaluations);
  add('assignments', db.select().from(t.assignments).where(scope(t.assignments.suggestionId)).all());
  add('reassignmentRequests', db.select().from(t.reassignmentRequests).where(scope(t.reassignmentRequests.suggestionId)).all());
  add('contacts', db.select(contactColumns).from(t.contacts).where(scope(t.contacts.suggestionId)).all());
  add('coOpinions', db.select(opinionColumns).from(t.coOpinions).where(scope(t.coOpinions.suggestionId)).all());
  add('answers', db.select(answerColumns).from(t.answers).where(scope(t.answers.suggestionId)).all());
  add('commitments', db.select(commitmentColumns).from(t.commitments).where(scope(t.commitments.suggestionId)).all());
  add('evaluations', db.select(evaluationColumns).from(t.evaluations).where(scope(t.evaluations.suggestionId)).all());
  const { reason: _reason, decisionReason: _decisionReason, ...extensionColumns } = getTableColumns(t.extensionRequests);
  add('nudges', db.select().from(t.nudges).where(scope(t.nudges.suggestionId)).all());
  add('extensionRequests', db.select(extensionColumns).from(t.extensionRequests).where(scope(t.extensionRequests.suggestionId)).all());
  const { note: _reviewNote, ...reviewColumns } = getTableColumns(t.qualityReviews);
  const { comment: _coComment, ...coEvaluationColumns } = getTableColumns(t.coOpinionEvaluations);
  add('coOpinionEvaluations', db.select(coEvaluationColumns).from(t.coOpinionEvaluations).where(scope(t.coOpinionEvaluations.suggestionId)).all());
  add('qualityReviews', db.select(reviewColumns).from(t.qualityReviews).where(scope(t.qualityReviews.suggestionId)).all());
  const { text: _followUpText, ...followUpColumns } = getTableColumns(t.commitmentFollowUps);
  const { comment: _secondComment, ...secondEvaluationColumns } = getTableColumns(t.commitmentEvaluations);
  add('commitmentFollowUps', db.select(followUpColumns).from(t.commitmentFollowUps).where(scope(t.commitmentFollowUps.suggestionId)).all());
  add('commitmentEvaluations', db.select(secondEvaluationColumns).from(t.commitmentEvaluations).where(scope(t.commitmentEvaluations.suggestionId)).all());
  return [...byId.values()];
}

export const unitNames = (db: DbOrTx): Map<string, string> => new Map(db.select().from(schema.units).all().map((u) => [u.id, u.name]));
