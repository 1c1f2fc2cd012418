/**
 * What the import reads once per slice instead of once per row (issue 11): the directory, and the
 * suggestions a slice's rows already name with their assignments and deputies. Each is one query
 * whatever the slice's size, its list bound as one JSON value (`json_each`), which keeps a
 * Durable Object's limit on bound values.
 */
import { inArray, sql } from 'drizzle-orm';
import type { DirectoryFacts } from '../../core/group-members.ts';
import type { AssignmentRow, SuggestionRow } from '../../core/model.ts';
import { connectionOf, type DbOrTx } from './db.ts';
import { readDirectoryFacts } from './directory-store.ts';
import * as schema from './schema.ts';

/** The directory as the import checks rows against it and builds their groups. */
export interface ImportDirectory {
  units: ReadonlySet<string>;
  deputies: ReadonlyMap<string, { name: string; openId: string }>;
  facts: DirectoryFacts;
}

export function readImportDirectory(db: DbOrTx): ImportDirectory {
  const reads = importReads(db);
  return {
    units: new Set(reads.units.all().map((u) => u.id)),
    deputies: new Map(reads.deputies.all().map((d) => [d.id, { name: d.name, openId: d.openId }])),
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
  const reads = importReads(db);
  const found = reads.suggestions.all({ pairs: JSON.stringify(keys.map((k) => [k.session, k.number])) });
  if (found.length === 0) return out;
  const byId = new Map<string, StoredSuggestion>();
  for (const suggestion of found) {
    const stored = { suggestion, assignments: [], deputies: [] };
    byId.set(suggestion.id, stored);
    out.set(keyOf(suggestion.session, suggestion.number), stored);
  }
  const ids = JSON.stringify([...byId.keys()]);
  for (const a of reads.assignments.all({ ids })) byId.get(a.suggestionId)!.assignments.push(a);
  for (const d of reads.suggestionDeputies.all({ ids })) byId.get(d.suggestionId)!.deputies.push(d);
  return out;
}

/** The reads, prepared once per connection: an import runs them for every slice. */
const readsByConnection = new WeakMap<object, ReturnType<typeof prepareReads>>();
function importReads(db: DbOrTx) {
  let reads = readsByConnection.get(connectionOf(db));
  if (!reads) readsByConnection.set(connectionOf(db), (reads = prepareReads(db)));
  return reads;
}

function prepareReads(db: DbOrTx) {
  const s = schema.suggestions;
  const ids = sql`(select value from json_each(${sql.placeholder('ids')}))`;
  return {
    units: db.select({ id: schema.units.id }).from(schema.units).prepare(),
    deputies: db.select({ id: schema.deputies.id, name: schema.deputies.name, openId: schema.deputies.openId }).from(schema.deputies).prepare(),
    // (session, number) pairs through the unique index, one probe per pair.
    suggestions: db
      .select()
      .from(s)
      .where(sql`(${s.session}, ${s.number}) in (select value ->> '$[0]', value ->> '$[1]' from json_each(${sql.placeholder('pairs')}))`)
      .prepare(),
    assignments: db.select().from(schema.assignments).where(inArray(schema.assignments.suggestionId, ids)).prepare(),
    suggestionDeputies: db.select().from(schema.suggestionDeputies).where(inArray(schema.suggestionDeputies.suggestionId, ids)).prepare(),
  };
}
