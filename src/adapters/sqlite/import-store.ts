/**
 * What the import reads once per slice instead of once per row (issue 11): the directory, and the
 * suggestions a slice's rows already name with their assignments and deputies. Each is one query
 * whatever the slice's size, its list bound as one JSON value (`json_each`), which keeps a
 * Durable Object's limit on bound values.
 */
import { inArray, sql } from 'drizzle-orm';
import type { DirectoryFacts } from '../../core/group-members.ts';
import type { AssignmentRow, SuggestionRow } from '../../core/model.ts';
import type { DbOrTx } from './db.ts';
import { readDirectoryFacts } from './directory-store.ts';
import * as schema from './schema.ts';

/** The directory as the import checks rows against it and builds their groups. */
export interface ImportDirectory {
  units: ReadonlySet<string>;
  deputies: ReadonlyMap<string, { name: string; openId: string }>;
  facts: DirectoryFacts;
}

export function readImportDirectory(db: DbOrTx): ImportDirectory {
  const deputies = db.select({ id: schema.deputies.id, name: schema.deputies.name, openId: schema.deputies.openId }).from(schema.deputies).all();
  return {
    units: new Set(db.select({ id: schema.units.id }).from(schema.units).all().map((u) => u.id)),
    deputies: new Map(deputies.map((d) => [d.id, { name: d.name, openId: d.openId }])),
    facts: readDirectoryFacts(db),
  };
}

/** A suggestion already stored, as a re-import compares it with its row. */
export interface StoredSuggestion {
  suggestion: SuggestionRow;
  /** Every assignment, re-assignments included. */
  assignments: AssignmentRow[];
  deputies: Array<typeof schema.suggestionDeputies.$inferSelect>;
}

/** The stored suggestions among `keys` (session, number), by `keyOf(session, number)`. */
export function storedSuggestions(db: DbOrTx, keys: ReadonlyArray<{ session: string; number: string }>, keyOf: (session: string, number: string) => string): Map<string, StoredSuggestion> {
  const out = new Map<string, StoredSuggestion>();
  if (keys.length === 0) return out;
  const s = schema.suggestions;
  const pairs = JSON.stringify(keys.map((k) => [k.session, k.number]));
  const found = db
    .select()
    .from(s)
    .where(sql`(${s.session}, ${s.number}) in (select value ->> '$[0]', value ->> '$[1]' from json_each(${pairs}))`)
    .all();
  if (found.length === 0) return out;
  const byId = new Map<string, StoredSuggestion>();
  for (const suggestion of found) {
    const stored = { suggestion, assignments: [], deputies: [] };
    byId.set(suggestion.id, stored);
    out.set(keyOf(suggestion.session, suggestion.number), stored);
  }
  const ids = sql`(select value from json_each(${JSON.stringify([...byId.keys()])}))`;
  for (const a of db.select().from(schema.assignments).where(inArray(schema.assignments.suggestionId, ids)).all()) {
    byId.get(a.suggestionId)!.assignments.push(a);
  }
  const sd = schema.suggestionDeputies;
  for (const d of db.select().from(sd).where(inArray(sd.suggestionId, ids)).all()) byId.get(d.suggestionId)!.deputies.push(d);
  return out;
}
