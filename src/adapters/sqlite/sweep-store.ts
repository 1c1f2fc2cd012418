/**
 * What the reminder sweep reads and claims (src/app/sweep.ts). A sweep may touch thousands of
 * rows, so the per-row statements are prepared once per database handle (see outbox-writer.ts
 * for why that is safe inside a transaction).
 */
import { and, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Bilingual } from '../../core/bilingual.ts';
import type { IsoDate } from '../../core/calendar/working-day-calendar.ts';
import { isObligation } from '../../core/deadlines/deadlines.ts';
import { DEADLINE_KINDS, type DeadlineKind } from '../../core/deadlines/policy.ts';
import type { OpenCommitment } from '../../core/deadlines/follow-up.ts';
import type { ReminderLevel, UnitStaff } from '../../core/deadlines/reminder-ladder.ts';
import type { SuggestionRow } from '../../core/model.ts';
import { connectionOf, type DbOrTx } from './db.ts';
import * as schema from './schema.ts';

/** A row of the deadline index (src/adapters/sqlite/deadline-index.ts). */
export interface IndexedDeadline {
  suggestionId: string;
  assignmentId: string;
  unitId: string;
  kind: DeadlineKind;
  subjectId: string;
  fromOn: IsoDate;
  dueOn: IsoDate;
  explanation: Bilingual;
}

const FACTS = {
  id: schema.suggestions.id,
  session: schema.suggestions.session,
  number: schema.suggestions.number,
  title: schema.suggestions.title,
  category: schema.suggestions.category,
  kind: schema.suggestions.kind,
  timing: schema.suggestions.timing,
  classified: schema.suggestions.classified,
  key: schema.suggestions.key,
  keyLeader: schema.suggestions.keyLeader,
  assignedOn: schema.suggestions.assignedOn,
  status: schema.suggestions.status,
  version: schema.suggestions.version,
  boardLight: schema.suggestions.boardLight,
};
/** What the sweep needs to know of a suggestion: everything but its body. */
export type SuggestionFacts = Pick<SuggestionRow, keyof typeof FACTS>;

export interface ReminderClaim {
  key: string;
  suggestionId: string;
  subjectId: string;
  kind: DeadlineKind;
  dueOn: IsoDate;
  level: ReminderLevel;
  day: IsoDate;
}

const stores = new WeakMap<object, ReturnType<typeof createSweepStore>>();

export function sweepStore(db: DbOrTx) {
  let store = stores.get(connectionOf(db));
  if (!store) {
    store = createSweepStore(db);
    stores.set(connectionOf(db), store);
  }
  return store;
}

function createSweepStore(db: DbOrTx) {
  const p = (name: string) => sql.placeholder(name);
  const staffRows = db.select().from(schema.unitMembers).where(eq(schema.unitMembers.unitId, p('unitId'))).prepare();
  const deputyRows = db
    .select({ openId: schema.deputies.openId, name: schema.deputies.name, role: schema.suggestionDeputies.role })
    .from(schema.suggestionDeputies)
    .innerJoin(schema.deputies, eq(schema.deputies.id, schema.suggestionDeputies.deputyId))
    .where(eq(schema.suggestionDeputies.suggestionId, p('suggestionId')))
    .orderBy(schema.suggestionDeputies.position)
    .prepare();
  const claimKey = db
    .insert(schema.remindersSent)
    .values({ key: p('key'), suggestionId: p('suggestionId'), subjectId: p('subjectId'), kind: p('kind'), dueOn: p('dueOn'), level: p('level'), day: p('day'), sentAt: p('at') })
    .onConflictDoNothing()
    .returning({ key: schema.remindersSent.key })
    .prepare();
  const claimBoardLight = db
    .update(schema.suggestions)
    .set({ boardLight: sql`${p('to')}` })
    .where(and(eq(schema.suggestions.id, p('suggestionId')), sql`${schema.suggestions.boardLight} is ${p('from')}`))
    .returning({ id: schema.suggestions.id })
    .prepare();
  // A list bound as one JSON value: one statement prepared once, however many ids (a bound list
  // of placeholders is at most MAX_BOUND_VALUES long, and each part was a query built anew).
  const inList = sql`(select value from json_each(${p('ids')}))`;
  const factsOf = db.select(FACTS).from(schema.suggestions).where(inArray(schema.suggestions.id, inList)).prepare();
  const sentOf = db.select({ key: schema.remindersSent.key }).from(schema.remindersSent).where(inArray(schema.remindersSent.key, inList)).prepare();
  const deputiesIn = db
    .select({ suggestionId: schema.suggestionDeputies.suggestionId, openId: schema.deputies.openId, name: schema.deputies.name, role: schema.suggestionDeputies.role })
    .from(schema.suggestionDeputies)
    .innerJoin(schema.deputies, eq(schema.deputies.id, schema.suggestionDeputies.deputyId))
    .where(inArray(schema.suggestionDeputies.suggestionId, inList))
    .orderBy(schema.suggestionDeputies.suggestionId, schema.suggestionDeputies.position)
    .prepare();
  const boardsIn = db
    .select({ suggestionId: schema.cardMessages.subjectId, id: schema.cardMessages.id })
    .from(schema.cardMessages)
    .where(and(eq(schema.cardMessages.kind, 'status_board'), inArray(schema.cardMessages.subjectId, inList), isNull(schema.cardMessages.retiredAt)))
    .orderBy(sql`rowid`)
    .prepare();
  const chatsIn = db
    .select({ suggestionId: schema.suggestionChats.suggestionId, chatId: schema.suggestionChats.chatId })
    .from(schema.suggestionChats)
    .where(inArray(schema.suggestionChats.suggestionId, inList))
    .prepare();
  const boards = db
    .select({ id: schema.cardMessages.id })
    .from(schema.cardMessages)
    .where(and(eq(schema.cardMessages.kind, 'status_board'), eq(schema.cardMessages.subjectId, p('suggestionId')), isNull(schema.cardMessages.retiredAt)))
    .prepare();

  return {
    /**
     * The deadlines the sweep must look at: each kind's own indexed range. A unit's obligation
     * stays in view once due (overdue reminders every working day); a window or an evaluation
     * only until it passes — a lapsed one is never read again, however many there are.
     */
    deadlinesInView(today: IsoDate, horizon: IsoDate): IndexedDeadline[] {
      const t = schema.openDeadlines;
      return [...DEADLINE_KINDS, 'commitment' as const].flatMap((kind) =>
        db
          .select()
          .from(t)
          .where(isObligation({ kind }) ? and(eq(t.kind, kind), lte(t.dueOn, horizon)) : and(eq(t.kind, kind), gte(t.dueOn, today), lte(t.dueOn, horizon)))
          .all()
          .map((row) => ({ ...row, kind, explanation: row.explanation as Bilingual })),
      );
    },
    /** Every answer deadline still open, however far: the handling rhythm (policy `rhythm`) follows each one. */
    openAnswerDeadlines(): IndexedDeadline[] {
      const t = schema.openDeadlines;
      return db
        .select()
        .from(t)
        .where(eq(t.kind, 'answer'))
        .all()
        .map((row) => ({ ...row, kind: 'answer' as const, explanation: row.explanation as Bilingual }));
    },
    /** Every commitment still open (confirmed, not yet reported done): the follow-up (policy `followUp`) asks about each. */
    openCommitments(): Array<Omit<OpenCommitment, 'confirmedOn'> & { confirmedAt: string }> {
      const c = schema.commitments;
      return db
        .select({ commitmentId: c.id, suggestionId: c.suggestionId, assignmentId: c.assignmentId, unitId: schema.assignments.unitId, content: c.content, dueOn: c.dueOn, confirmedAt: c.confirmedAt })
        .from(c)
        .innerJoin(schema.assignments, eq(schema.assignments.id, c.assignmentId))
        .where(eq(c.state, 'confirmed'))
        .all()
        .flatMap((row) => (row.confirmedAt ? [{ ...row, confirmedAt: row.confirmedAt }] : []));
    },
    suggestionFacts(ids: string[]): Map<string, SuggestionFacts> {
      return new Map(factsOf.all({ ids: JSON.stringify(ids) }).map((s) => [s.id, s]));
    },
    unitStaff(unitId: string): UnitStaff {
      const rows = staffRows.all({ unitId });
      return { head: rows.filter((r) => r.role === 'head').map((r) => r.openId), liaisons: rows.filter((r) => r.role === 'liaison').map((r) => r.openId) };
    },
    /** The suggestion's deputies in their order (lead first): open ids for mentions, names for cards. */
    deputies: (suggestionId: string) => deputyRows.all({ suggestionId }),
    alreadySent(keys: string[]): Set<string> {
      return new Set(sentOf.all({ ids: JSON.stringify(keys) }).map((r) => r.key));
    },
    unitNames: () => new Map(db.select().from(schema.units).all().map((u) => [u.id, u.name])),
    /**
     * The deputies of each of these suggestions in their order (lead first), read at once: a
     * sweep needs them for thousands of suggestions, and one statement a suggestion cost more
     * than the rows.
     */
    deputiesOf(suggestionIds: string[]): Map<string, Array<{ openId: string; name: string; role: 'lead' | 'co' }>> {
      const out = new Map<string, Array<{ openId: string; name: string; role: 'lead' | 'co' }>>(suggestionIds.map((id) => [id, []]));
      for (const { suggestionId, ...deputy } of deputiesIn.all({ ids: JSON.stringify(suggestionIds) })) out.get(suggestionId)?.push(deputy);
      return out;
    },
    /** The status boards still kept up to date of each of these suggestions, read at once. */
    statusBoardsOf(suggestionIds: string[]): Map<string, string[]> {
      const out = new Map<string, string[]>(suggestionIds.map((id) => [id, []]));
      for (const { suggestionId, id } of boardsIn.all({ ids: JSON.stringify(suggestionIds) })) out.get(suggestionId)?.push(id);
      return out;
    },
    /** The group of each of these suggestions that has one, read at once. */
    chatsOf: (suggestionIds: string[]): Map<string, string> => new Map(chatsIn.all({ ids: JSON.stringify(suggestionIds) }).map((c) => [c.suggestionId, c.chatId])),
    /** False when a concurrent sweep sent this reminder first. */
    claimReminder: (r: ReminderClaim, at: string): boolean => claimKey.get({ ...r, at }) !== undefined,
    /** Only the sweep that changes the stored light updates the board. */
    claimBoardLight: (suggestionId: string, from: string | null, to: string): boolean => claimBoardLight.all({ suggestionId, from, to }).length === 1,
    statusBoards: (suggestionId: string): string[] => boards.all({ suggestionId }).map((b) => b.id),
  };
}
