/** 并案 records (SPEC §3): which suggestion is handled under which lead suggestion. */
import { eq, inArray, sql } from 'drizzle-orm';
import * as schema from './schema.ts';
import type { DbOrTx } from './db.ts';

export interface MergeRecord {
  memberSuggestionId: string;
  leadSuggestionId: string;
  mergedBy: string;
  mergedAt: string;
}

export function recordMerges(tx: DbOrTx, rows: MergeRecord[]): void {
  if (rows.length) tx.insert(schema.suggestionMerges).values(rows).run();
}

/** The merge a suggestion is a member of, if any. */
export function mergeOfMember(db: DbOrTx, suggestionId: string): MergeRecord | undefined {
  return db.select().from(schema.suggestionMerges).where(eq(schema.suggestionMerges.memberSuggestionId, suggestionId)).get();
}

/** The suggestions merged under a lead suggestion, in the order they were merged (within one merge, as the request listed them). */
export function membersOfLead(db: DbOrTx, leadSuggestionId: string): MergeRecord[] {
  return db
    .select()
    .from(schema.suggestionMerges)
    .where(eq(schema.suggestionMerges.leadSuggestionId, leadSuggestionId))
    .orderBy(schema.suggestionMerges.mergedAt, sql`rowid`)
    .all();
}

/** Which of these suggestions already take part in a merge, as member or as lead. */
export function suggestionsInMerges(db: DbOrTx, ids: string[]): { members: Set<string>; leads: Set<string> } {
  if (ids.length === 0) return { members: new Set(), leads: new Set() };
  const asMember = db.select().from(schema.suggestionMerges).where(inArray(schema.suggestionMerges.memberSuggestionId, ids)).all();
  const asLead = db.select().from(schema.suggestionMerges).where(inArray(schema.suggestionMerges.leadSuggestionId, ids)).all();
  return { members: new Set(asMember.map((r) => r.memberSuggestionId)), leads: new Set(asLead.map((r) => r.leadSuggestionId)) };
}

/** Number and title of a suggestion, for the 并案 note. */
export function suggestionNumbers(db: DbOrTx, ids: string[]): Array<{ id: string; number: string; title: string }> {
  if (ids.length === 0) return [];
  const rows = db
    .select({ id: schema.suggestions.id, number: schema.suggestions.number, title: schema.suggestions.title })
    .from(schema.suggestions)
    .where(inArray(schema.suggestions.id, ids))
    .all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}
