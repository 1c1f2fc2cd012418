/**
 * What may be published (SPEC §7 `GET /api/publication`): the public, approved answers of the
 * suggestions that are neither classified nor withdrawn, with those suggestions' texts. The
 * selection is made here, in SQL, so nothing else is ever read: a classified suggestion's body and
 * a non-public answer's summary never leave the database through this path.
 */
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { StatsFilters } from '../../core/stats/filters.ts';
import type { DbOrTx } from './db.ts';
import * as schema from './schema.ts';
import { suggestionFilter } from './stats-store.ts';

export interface PublishedAnswer {
  unitId: string;
  unitName: string;
  round: number;
  resultClass: string;
  summary: string;
  /** When the head approved it (an instant). */
  approvedAt: string | null;
}

export interface PublishedSuggestion {
  id: string;
  session: string;
  number: string;
  kind: string;
  title: string;
  body: string;
  category: string;
  assignedOn: string;
  deputies: string[];
  answers: PublishedAnswer[];
}

export function loadPublication(db: DbOrTx, filters: StatsFilters): PublishedSuggestion[] {
  const s = schema.suggestions;
  const where = and(suggestionFilter(filters), eq(s.classified, false), ne(s.status, 'withdrawn'));
  const ids = db.select({ id: s.id }).from(s).where(where);
  const an = schema.answers;
  const as = schema.assignments;
  const answers = db
    .select({ suggestionId: an.suggestionId, unitId: as.unitId, unitName: schema.units.name, round: an.round, resultClass: an.resultClass, summary: an.summary, approvedAt: an.decidedAt })
    .from(an)
    .innerJoin(as, eq(as.id, an.assignmentId))
    .innerJoin(schema.units, eq(schema.units.id, as.unitId))
    .where(and(inArray(an.suggestionId, ids), eq(an.status, 'approved'), eq(an.public, true)))
    .orderBy(asc(an.decidedAt))
    .all();
  const bySuggestion = new Map<string, PublishedAnswer[]>();
  for (const { suggestionId, ...answer } of answers) {
    if (filters.unit && answer.unitId !== filters.unit) continue;
    bySuggestion.set(suggestionId, [...(bySuggestion.get(suggestionId) ?? []), answer]);
  }
  if (bySuggestion.size === 0) return [];
  const chosen = [...bySuggestion.keys()];
  const deputies = new Map<string, string[]>();
  for (const d of db
    .select({ suggestionId: schema.suggestionDeputies.suggestionId, name: schema.deputies.name })
    .from(schema.suggestionDeputies)
    .innerJoin(schema.deputies, eq(schema.deputies.id, schema.suggestionDeputies.deputyId))
    .where(inArray(schema.suggestionDeputies.suggestionId, chosen))
    .orderBy(asc(schema.suggestionDeputies.position))
    .all()) {
    deputies.set(d.suggestionId, [...(deputies.get(d.suggestionId) ?? []), d.name]);
  }
  return db
    .select({ id: s.id, session: s.session, number: s.number, kind: s.kind, title: s.title, body: s.body, category: s.category, assignedOn: s.assignedOn })
    .from(s)
    .where(and(where, inArray(s.id, chosen)))
    .orderBy(asc(s.session), asc(s.number))
    .all()
    .map((row) => ({ ...row, deputies: deputies.get(row.id) ?? [], answers: bySuggestion.get(row.id) ?? [] }));
}
