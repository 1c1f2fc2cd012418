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

/** Where a page of a keyset read ended: the index's order is (due date, rowid). */
export interface PageMark {
  dueOn: string;
  rowid: number;
}

/** An escalation claimed by a sweep, waiting for the supervisors' day card. */
export interface EscalationToGather extends Omit<ReminderClaim, 'kind' | 'level'> {
  kind: DeadlineKind;
  sentAt: string;
  level: 'escalation' | 'escalation2';
  unitId: string | null;
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
  const openOf = db
    .select({ subjectId: schema.openDeadlines.subjectId, kind: schema.openDeadlines.kind, dueOn: schema.openDeadlines.dueOn })
    .from(schema.openDeadlines)
    .where(inArray(schema.openDeadlines.suggestionId, inList))
    .prepare();
  const r = schema.remindersSent;
  const toGather = db
    .select({
      key: r.key,
      suggestionId: r.suggestionId,
      subjectId: r.subjectId,
      kind: r.kind,
      dueOn: r.dueOn,
      level: r.level,
      day: r.day,
      sentAt: r.sentAt,
      rowid: sql<number>`${r}.rowid`,
      unitId: sql<string | null>`coalesce((select unit_id from assignments where id = ${r.subjectId}), (select a.unit_id from commitments c join assignments a on a.id = c.assignment_id where c.id = ${r.subjectId}))`,
    })
    .from(r)
    // The partial index's own condition, so that it is the index read.
    .where(
      and(
        sql`${r.gatheredAt} is null and ${r.level} in ('escalation', 'escalation2')`,
        gte(r.sentAt, p('from')),
        lte(r.sentAt, p('to')),
        sql`(${r.sentAt}, ${r}.rowid) > (${p('afterSentAt')}, ${p('afterRowid')})`,
      ),
    )
    .orderBy(r.sentAt, sql`${r}.rowid`)
    .limit(p('limit'))
    .prepare();
  const markGathered = db
    .update(r)
    .set({ gatheredAt: sql`${p('at')}` })
    .where(and(inArray(r.key, inList), isNull(r.gatheredAt)))
    .returning({ key: r.key })
    .prepare();
  const boards = db
    .select({ id: schema.cardMessages.id })
    .from(schema.cardMessages)
    .where(and(eq(schema.cardMessages.kind, 'status_board'), eq(schema.cardMessages.subjectId, p('suggestionId')), isNull(schema.cardMessages.retiredAt)))
    .prepare();

  return {
    /**
     * One page of a kind's deadlines due within [from, to] (either bound open), in the order of the
     * `open_deadlines_kind_due` index, after `after` (the last row of the page before): the sweep
     * reads thousands of them a page at a time, giving the event loop back between pages.
     */
    deadlinesPage(kind: DeadlineKind, range: { from?: IsoDate | undefined; to?: IsoDate | undefined }, after: PageMark | undefined, limit: number): Array<IndexedDeadline & { mark: PageMark }> {
      const t = schema.openDeadlines;
      return db
        .select({ row: t, rowid: sql<number>`${t}.rowid` })
        .from(t)
        .where(
          and(
            eq(t.kind, kind),
            range.from === undefined ? undefined : gte(t.dueOn, range.from),
            range.to === undefined ? undefined : lte(t.dueOn, range.to),
            after && sql`(${t.dueOn}, ${t}.rowid) > (${after.dueOn}, ${after.rowid})`,
          ),
        )
        .orderBy(t.dueOn, sql`${t}.rowid`)
        .limit(limit)
        .all()
        .map(({ row, rowid }) => ({ ...row, kind, explanation: row.explanation as Bilingual, mark: { dueOn: row.dueOn, rowid } }));
    },
    /** One page of the commitments still open (confirmed, not yet reported done), in the order of `commitments_state_due`. */
    openCommitmentsPage(after: PageMark | undefined, limit: number): Array<Omit<OpenCommitment, 'confirmedOn'> & { confirmedAt: string; mark: PageMark }> {
      const c = schema.commitments;
      return db
        .select({ commitmentId: c.id, suggestionId: c.suggestionId, assignmentId: c.assignmentId, unitId: schema.assignments.unitId, content: c.content, dueOn: c.dueOn, confirmedAt: c.confirmedAt, rowid: sql<number>`${c}.rowid` })
        .from(c)
        .innerJoin(schema.assignments, eq(schema.assignments.id, c.assignmentId))
        .where(and(eq(c.state, 'confirmed'), after && sql`(${c.dueOn}, ${c}.rowid) > (${after.dueOn}, ${after.rowid})`))
        .orderBy(c.dueOn, sql`${c}.rowid`)
        .limit(limit)
        .all()
        .flatMap(({ rowid, ...row }) => (row.confirmedAt ? [{ ...row, confirmedAt: row.confirmedAt, mark: { dueOn: row.dueOn, rowid } }] : []));
    },
    /** The open deadlines of these suggestions as `subject|kind|due`: a slice checks that what it read before is still open. */
    stillOpen(suggestionIds: string[]): Set<string> {
      return new Set(openOf.all({ ids: JSON.stringify(suggestionIds) }).map((d) => `${d.subjectId}|${d.kind}|${d.dueOn}`));
    },
    /**
     * A page of the escalations claimed between `from` and `to` (ISO instants) not yet listed on a
     * supervisors' day card, each with the unit it concerns (its assignment's, or its commitment's
     * assignment's), after `after` (the last of the page before).
     */
    escalationsToGather(from: string, to: string, after: { sentAt: string; rowid: number } | undefined, limit: number): Array<EscalationToGather & { rowid: number }> {
      return toGather.all({ from, to, afterSentAt: after?.sentAt ?? '', afterRowid: after?.rowid ?? 0, limit }) as Array<EscalationToGather & { rowid: number }>;
    },
    /** Marks these escalations listed; the number marked (fewer when a concurrent sweep listed some first). */
    markGathered: (keys: string[], at: string): number => markGathered.all({ ids: JSON.stringify(keys), at }).length,
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
