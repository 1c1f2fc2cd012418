/**
 * The rows the two ledgers (两本台账, SPEC §7) are built from: the suggestions the report's filters
 * select, with their approved answers, the commitments of those answers (with their follow-up
 * reports and second evaluations), the evaluations, and the
 * names of units and deputies. Free text is read here (the ledgers print it); the app decides what
 * a classified suggestion may show.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { AnswerRow, AssignmentRow, CommitmentEvaluationRow, CommitmentFollowUpRow, CommitmentRow, EvaluationRow, SuggestionRow } from '../../core/model.ts';
import type { StatsFilters } from '../../core/stats/filters.ts';
import type { DbOrTx } from './db.ts';
import * as schema from './schema.ts';
import { suggestionFilter } from './stats-store.ts';

export interface LedgerSource {
  suggestions: Map<string, Pick<SuggestionRow, 'id' | 'session' | 'number' | 'title' | 'category' | 'classified' | 'timing'>>;
  assignments: Map<string, Pick<AssignmentRow, 'id' | 'unitId' | 'role' | 'state'>>;
  /** Approved answers, in (suggestion, submission) order. */
  answers: AnswerRow[];
  /** Commitments of approved answers (void ones left out). */
  commitments: CommitmentRow[];
  evaluations: EvaluationRow[];
  /** The 承诺进展 reports and the second evaluations (承诺兑现评价) of those commitments. */
  commitmentFollowUps: CommitmentFollowUpRow[];
  commitmentEvaluations: CommitmentEvaluationRow[];
  unitNames: Map<string, string>;
  deputyNames: Map<string, string>;
}

export function loadLedgerSource(db: DbOrTx, filters: StatsFilters): LedgerSource {
  const s = schema.suggestions;
  const where = and(suggestionFilter(filters), ne(s.status, 'withdrawn'));
  const ids = db.select({ id: s.id }).from(s).where(where);
  const suggestions = new Map(
    db
      .select({ id: s.id, session: s.session, number: s.number, title: s.title, category: s.category, classified: s.classified, timing: s.timing })
      .from(s)
      .where(where)
      .all()
      .map((row) => [row.id, row]),
  );
  const a = schema.assignments;
  const assignments = new Map(
    db
      .select({ id: a.id, unitId: a.unitId, role: a.role, state: a.state })
      .from(a)
      .where(inArray(a.suggestionId, ids))
      .all()
      .map((row) => [row.id, row]),
  );
  const answers = db
    .select()
    .from(schema.answers)
    .where(and(inArray(schema.answers.suggestionId, ids), eq(schema.answers.status, 'approved')))
    .all() as AnswerRow[];
  const approved = new Set(answers.map((x) => x.id));
  const commitments = (
    db
      .select()
      .from(schema.commitments)
      .where(and(inArray(schema.commitments.suggestionId, ids), ne(schema.commitments.state, 'void')))
      .all() as CommitmentRow[]
  ).filter((c) => approved.has(c.answerId));
  const evaluations = db.select().from(schema.evaluations).where(inArray(schema.evaluations.suggestionId, ids)).all() as EvaluationRow[];
  const commitmentFollowUps = db.select().from(schema.commitmentFollowUps).where(inArray(schema.commitmentFollowUps.suggestionId, ids)).all() as CommitmentFollowUpRow[];
  const commitmentEvaluations = db.select().from(schema.commitmentEvaluations).where(inArray(schema.commitmentEvaluations.suggestionId, ids)).all() as CommitmentEvaluationRow[];
  return {
    suggestions,
    assignments,
    answers,
    commitments,
    evaluations,
    commitmentFollowUps,
    commitmentEvaluations,
    unitNames: new Map(db.select().from(schema.units).all().map((u) => [u.id, u.name])),
    deputyNames: new Map(db.select({ id: schema.deputies.id, name: schema.deputies.name }).from(schema.deputies).all().map((d) => [d.id, d.name])),
  };
}
