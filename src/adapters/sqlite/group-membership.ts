/**
 * The groups follow the people (SPEC §6): the calls that add and remove members, queued in the
 * transaction of the change that moved them. Who belongs is the core's rule
 * (src/core/group-members.ts); a change is always the rule's diff before and after, never the
 * whole wanted list again, so someone who left a group by hand stays out until what makes them a
 * member changes again.
 */
import { and, asc, eq, ne } from 'drizzle-orm';
import { groupFollowsPeople, groupMembers, memberChanges, type DirectoryFacts, type GroupPeople, type MemberChanges } from '../../core/group-members.ts';
import type { SuggestionAggregate } from '../../core/model.ts';
import { chunked, type DbOrTx } from './db.ts';
import { readDirectoryFacts } from './directory-store.ts';
import { outboxWriter, type OutboxWriter } from './outbox-writer.ts';
import * as schema from './schema.ts';

/** Lark adds or removes at most 50 users per call (API.md §5.3). */
export const MEMBERS_PER_CALL = 50;

/** The directory facts the rule needs for these suggestions' people only. */
function factsFor(db: DbOrTx, people: GroupPeople[]): DirectoryFacts {
  return readDirectoryFacts(db, {
    unitIds: people.flatMap((p) => p.assignments.map((a) => a.unitId)),
    deputyIds: people.flatMap((p) => p.deputies.map((d) => d.deputyId)),
  });
}

/** Who a new group is created with; `directory` when the caller has read it already. */
export function initialMembers(db: DbOrTx, agg: SuggestionAggregate, directory?: DirectoryFacts): string[] {
  return groupMembers(agg, directory ?? factsFor(db, [agg]));
}

/** Queues the calls for `changes` (joiners first), at most MEMBERS_PER_CALL people a call. */
export function queueMemberChanges(db: DbOrTx, suggestionId: string, changes: MemberChanges, now: Date, outbox: OutboxWriter = outboxWriter(db)): void {
  for (const openIds of chunked(changes.add, MEMBERS_PER_CALL)) outbox.enqueue(suggestionId, { kind: 'add_members', openIds }, now);
  for (const openIds of chunked(changes.remove, MEMBERS_PER_CALL)) outbox.enqueue(suggestionId, { kind: 'remove_members', openIds }, now);
}

/** A change of the suggestion itself (a re-assignment, new deputies on re-import): its group follows. */
export function followPeopleChange(db: DbOrTx, before: SuggestionAggregate, after: SuggestionAggregate, now: Date): void {
  if (!groupFollowsPeople(after)) return;
  const facts = factsFor(db, [before, after]);
  queueMemberChanges(db, after.suggestion.id, memberChanges(groupMembers(before, facts), groupMembers(after, facts)), now);
}

/**
 * A directory change: every group that still follows its people gets the difference between who
 * the rule wanted under the old directory and under the new one. Returns how many groups change.
 */
export function followDirectoryChange(db: DbOrTx, before: DirectoryFacts, after: DirectoryFacts, now: Date): number {
  let changed = 0;
  for (const [suggestionId, people] of groupPeopleOfLiveSuggestions(db)) {
    if (!groupFollowsPeople(people)) continue;
    const changes = memberChanges(groupMembers(people, before), groupMembers(people, after));
    if (changes.add.length + changes.remove.length === 0) continue;
    queueMemberChanges(db, suggestionId, changes, now);
    changed++;
  }
  return changed;
}

interface GroupPeopleBeingRead extends GroupPeople {
  deputies: Array<GroupPeople['deputies'][number]>;
  assignments: Array<GroupPeople['assignments'][number]>;
  commitments: Array<GroupPeople['commitments'][number]>;
}

/**
 * What the group rule reads of every suggestion that is not withdrawn, in four queries whatever
 * their number (a directory change touches every group at once).
 */
function groupPeopleOfLiveSuggestions(db: DbOrTx): Map<string, GroupPeople> {
  const s = schema.suggestions;
  const notWithdrawn = ne(s.status, 'withdrawn');
  const out = new Map<string, GroupPeopleBeingRead>();
  for (const row of db.select({ id: s.id, status: s.status, keyLeader: s.keyLeader }).from(s).where(notWithdrawn).orderBy(asc(s.session), asc(s.number)).all()) {
    out.set(row.id, { suggestion: { status: row.status, keyLeader: row.keyLeader }, deputies: [], assignments: [], commitments: [] });
  }
  const sd = schema.suggestionDeputies;
  const deputies = db
    .select({ suggestionId: sd.suggestionId, deputyId: sd.deputyId, openId: schema.deputies.openId })
    .from(sd)
    .innerJoin(schema.deputies, eq(schema.deputies.id, sd.deputyId))
    .innerJoin(s, eq(s.id, sd.suggestionId))
    .where(notWithdrawn)
    .orderBy(asc(sd.suggestionId), asc(sd.position))
    .all();
  for (const d of deputies) out.get(d.suggestionId)?.deputies.push({ deputyId: d.deputyId, openId: d.openId });
  const a = schema.assignments;
  const assignments = db
    .select({ suggestionId: a.suggestionId, unitId: a.unitId, state: a.state })
    .from(a)
    .innerJoin(s, eq(s.id, a.suggestionId))
    .where(and(notWithdrawn, ne(a.state, 'withdrawn')))
    .orderBy(asc(a.suggestionId), asc(a.createdAt))
    .all();
  for (const row of assignments) out.get(row.suggestionId)?.assignments.push({ unitId: row.unitId, state: row.state });
  const c = schema.commitments;
  const commitments = db.select({ suggestionId: c.suggestionId, state: c.state }).from(c).innerJoin(s, eq(s.id, c.suggestionId)).where(eq(s.status, 'closed')).all();
  for (const row of commitments) out.get(row.suggestionId)?.commitments.push({ state: row.state });
  return out;
}
