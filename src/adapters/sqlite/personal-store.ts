/**
 * What the private chat's lists read (src/app/personal-lists.ts): who a person is in the
 * directory, and which suggestions can hold something for them — found through the indexed
 * columns (a unit's assignments by state, a deputy's suggestions, commitments by state), never by
 * walking every suggestion. Also the weekly claim of the personal digest.
 */
import { and, eq, inArray, ne, notInArray } from 'drizzle-orm';
import type { Person } from '../../core/personal-todo.ts';
import { FINISHED_STATES, TRACKED_COMMITMENT_STATES, type SuggestionStatus } from '../../core/model.ts';
import { chunked, MAX_BOUND_VALUES, type DbOrTx } from './db.ts';
import * as schema from './schema.ts';

export interface DeputySuggestion {
  id: string;
  session: string;
  number: string;
  title: string;
  status: SuggestionStatus;
  assignedOn: string;
  role: 'lead' | 'co';
}

export function personalStore(db: DbOrTx) {
  const deputyIdsOf = (openId: string) => db.select({ id: schema.deputies.id }).from(schema.deputies).where(eq(schema.deputies.openId, openId)).all().map((d) => d.id);

  return {
    person(openId: string): Person & { deputyIds: string[] } {
      const staff = db.select().from(schema.unitMembers).where(eq(schema.unitMembers.openId, openId)).all();
      return {
        openId,
        liaisonOf: new Set(staff.filter((s) => s.role === 'liaison').map((s) => s.unitId)),
        headOf: new Set(staff.filter((s) => s.role === 'head').map((s) => s.unitId)),
        supervisor: db.select().from(schema.supervisors).where(eq(schema.supervisors.openId, openId)).get() !== undefined,
        deputyIds: deputyIdsOf(openId),
      };
    },

    /**
     * The suggestions that can hold something for this person: their units' unfinished
     * assignments and tracked commitments, their own suggestions (as a deputy) that are open or
     * still track a commitment, and for a supervisor every pending re-assignment request.
     */
    candidateSuggestions(person: Person & { deputyIds: string[] }): string[] {
      const ids = new Set<string>();
      const units = [...new Set([...person.liaisonOf, ...person.headOf])];
      for (const part of chunked(units, MAX_BOUND_VALUES / 2)) {
        db.select({ id: schema.assignments.suggestionId })
          .from(schema.assignments)
          .where(and(inArray(schema.assignments.unitId, part), notInArray(schema.assignments.state, [...FINISHED_STATES])))
          .all()
          .forEach((r) => ids.add(r.id));
        db.select({ id: schema.commitments.suggestionId })
          .from(schema.commitments)
          .innerJoin(schema.assignments, eq(schema.assignments.id, schema.commitments.assignmentId))
          .where(and(inArray(schema.assignments.unitId, part), eq(schema.commitments.state, 'confirmed')))
          .all()
          .forEach((r) => ids.add(r.id));
      }
      for (const part of chunked(person.deputyIds, MAX_BOUND_VALUES / 2)) {
        const theirs = db
          .select({ id: schema.suggestions.id, status: schema.suggestions.status })
          .from(schema.suggestionDeputies)
          .innerJoin(schema.suggestions, eq(schema.suggestions.id, schema.suggestionDeputies.suggestionId))
          .where(and(inArray(schema.suggestionDeputies.deputyId, part), ne(schema.suggestions.status, 'withdrawn')))
          .all();
        const closed = theirs.filter((s) => s.status === 'closed').map((s) => s.id);
        theirs.filter((s) => s.status === 'open').forEach((s) => ids.add(s.id));
        for (const closedPart of chunked(closed, MAX_BOUND_VALUES / 2)) {
          db.select({ id: schema.commitments.suggestionId })
            .from(schema.commitments)
            .where(and(inArray(schema.commitments.suggestionId, closedPart), inArray(schema.commitments.state, [...TRACKED_COMMITMENT_STATES])))
            .all()
            .forEach((r) => ids.add(r.id));
        }
      }
      if (person.supervisor) {
        db.select({ id: schema.assignments.suggestionId })
          .from(schema.assignments)
          .where(eq(schema.assignments.state, 'reassign_requested'))
          .all()
          .forEach((r) => ids.add(r.id));
      }
      return [...ids];
    },

    /** A deputy's own suggestions (as lead or co-signer), newest assignment first. */
    deputySuggestions(deputyIds: string[]): DeputySuggestion[] {
      const out: DeputySuggestion[] = [];
      for (const part of chunked(deputyIds, MAX_BOUND_VALUES / 2)) {
        out.push(
          ...db
            .select({
              id: schema.suggestions.id,
              session: schema.suggestions.session,
              number: schema.suggestions.number,
              title: schema.suggestions.title,
              status: schema.suggestions.status,
              assignedOn: schema.suggestions.assignedOn,
              role: schema.suggestionDeputies.role,
            })
            .from(schema.suggestionDeputies)
            .innerJoin(schema.suggestions, eq(schema.suggestions.id, schema.suggestionDeputies.suggestionId))
            .where(inArray(schema.suggestionDeputies.deputyId, part))
            .all(),
        );
      }
      return out.sort((x, y) => y.assignedOn.localeCompare(x.assignedOn) || x.number.localeCompare(y.number));
    },

    /** Suggestion id → its group's chat id (groups not created yet are missing). */
    chatsOf(suggestionIds: string[]): Map<string, string> {
      const out = new Map<string, string>();
      for (const part of chunked(suggestionIds, MAX_BOUND_VALUES)) {
        for (const r of db.select().from(schema.suggestionChats).where(inArray(schema.suggestionChats.suggestionId, part)).all()) out.set(r.suggestionId, r.chatId);
      }
      return out;
    },

    unitNames: () => new Map(db.select().from(schema.units).all().map((u) => [u.id, u.name])),

    /** Everyone the directory knows: each may have a list. */
    everyone(): string[] {
      const ids = new Set<string>();
      db.select({ openId: schema.unitMembers.openId }).from(schema.unitMembers).all().forEach((r) => ids.add(r.openId));
      db.select({ openId: schema.deputies.openId }).from(schema.deputies).all().forEach((r) => ids.add(r.openId));
      db.select({ openId: schema.supervisors.openId }).from(schema.supervisors).all().forEach((r) => ids.add(r.openId));
      return [...ids].sort();
    },

    digestSent(openId: string, week: string): boolean {
      return db.select().from(schema.personalDigests).where(and(eq(schema.personalDigests.openId, openId), eq(schema.personalDigests.week, week))).get() !== undefined;
    },
    /** False when this person's digest of that week was already claimed (another sweep sent it). */
    claimDigest(openId: string, week: string, items: number, at: string): boolean {
      return db.insert(schema.personalDigests).values({ openId, week, items, sentAt: at }).onConflictDoNothing().returning({ openId: schema.personalDigests.openId }).all().length === 1;
    },
  };
}
