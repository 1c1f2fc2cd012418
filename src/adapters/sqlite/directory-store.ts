/**
 * The directory (SPEC §8): units with their head and liaisons, deputies, supervisors, leaders.
 * Loading is idempotent: a unit, deputy or leader is inserted when new, updated when it differs,
 * left alone when equal; a listed unit's members and the supervisor list are replaced by the
 * file's. Nothing is deleted that a suggestion may still refer to (units, deputies and leaders stay).
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { PersonActor } from '../../core/actor.ts';
import type { Directory } from '../../core/directory.ts';
import type { DirectoryFacts } from '../../core/group-members.ts';
import type { Leader } from '../../core/leaders.ts';
import { chunked, connectionOf, insertRows, MAX_BOUND_VALUES, type DbOrTx, type SqliteDb } from './db.ts';
import * as schema from './schema.ts';

export interface Tally {
  created: number;
  updated: number;
  unchanged: number;
}
export interface DirectoryLoadResult {
  units: Tally;
  deputies: Tally;
  leaders: Tally;
  supervisors: { total: number; added: number; removed: number };
}

const tally = (): Tally => ({ created: 0, updated: 0, unchanged: 0 });

/**
 * Loads the directory in one transaction. `onChange` runs inside it when who is who changed (a
 * unit's head or liaisons, a deputy's or a leader's open_id, the supervisors), with the facts before and after:
 * the groups follow the people in the same transaction (src/app/directory.ts).
 */
export function loadDirectory(
  db: SqliteDb,
  directory: Directory,
  onChange?: (tx: DbOrTx, before: DirectoryFacts, after: DirectoryFacts) => void,
): DirectoryLoadResult {
  return db.transaction(
    (tx) => {
      const factsBefore = onChange && readDirectoryFacts(tx);
      const result: DirectoryLoadResult = { units: tally(), deputies: tally(), leaders: tally(), supervisors: { total: 0, added: 0, removed: 0 } };
      for (const unit of directory.units) {
        const existing = tx.select().from(schema.units).where(eq(schema.units.id, unit.id)).get();
        const members = tx.select().from(schema.unitMembers).where(eq(schema.unitMembers.unitId, unit.id)).all();
        const wanted = [
          { unitId: unit.id, openId: unit.head, role: 'head' as const },
          ...unit.liaisons.map((openId) => ({ unitId: unit.id, openId, role: 'liaison' as const })),
        ];
        const sameMembers = memberKey(members) === memberKey(wanted);
        if (!existing) {
          tx.insert(schema.units).values({ id: unit.id, name: unit.name }).run();
          result.units.created++;
        } else if (existing.name !== unit.name || !sameMembers) {
          tx.update(schema.units).set({ name: unit.name }).where(eq(schema.units.id, unit.id)).run();
          result.units.updated++;
        } else {
          result.units.unchanged++;
        }
        if (!sameMembers) {
          tx.delete(schema.unitMembers).where(eq(schema.unitMembers.unitId, unit.id)).run();
          insertRows(tx, schema.unitMembers, wanted);
        }
      }
      for (const deputy of directory.deputies) {
        upsertById(tx, schema.deputies, { id: deputy.id, name: deputy.name, openId: deputy.open_id, delegation: deputy.delegation ?? null }, result.deputies);
      }
      for (const leader of directory.leaders) {
        upsertById(tx, schema.leaders, { id: leader.id, name: leader.name, openId: leader.open_id, title: leader.title || null }, result.leaders);
      }
      const current = new Set(tx.select().from(schema.supervisors).all().map((s) => s.openId));
      const wantedSupervisors = new Set(directory.supervisors);
      const removed = [...current].filter((id) => !wantedSupervisors.has(id));
      const added = [...wantedSupervisors].filter((id) => !current.has(id));
      for (const part of chunked(removed, MAX_BOUND_VALUES)) tx.delete(schema.supervisors).where(inArray(schema.supervisors.openId, part)).run();
      insertRows(tx, schema.supervisors, added.map((openId) => ({ openId })));
      result.supervisors = { total: wantedSupervisors.size, added: added.length, removed: removed.length };
      if (onChange && factsBefore) {
        const factsAfter = readDirectoryFacts(tx);
        if (factsKey(factsBefore) !== factsKey(factsAfter)) onChange(tx, factsBefore, factsAfter);
      }
      return result;
    },
    { behavior: 'immediate' },
  );
}

/** A deputy or a leader: inserted when new, updated when it differs, and counted as which. */
function upsertById(tx: DbOrTx, table: typeof schema.deputies | typeof schema.leaders, row: typeof schema.deputies.$inferInsert | typeof schema.leaders.$inferInsert, counts: Tally): void {
  const existing = tx.select().from(table as typeof schema.deputies).where(eq(table.id, row.id)).get();
  if (!existing) {
    tx.insert(table).values(row as never).run();
    counts.created++;
  } else if (JSON.stringify(existing) !== JSON.stringify(row)) {
    tx.update(table).set(row as never).where(eq(table.id, row.id)).run();
    counts.updated++;
  } else {
    counts.unchanged++;
  }
}

const memberKey = (rows: Array<{ openId: string; role: string }>): string =>
  rows
    .map((r) => `${r.role}:${r.openId}`)
    .sort()
    .join(',');

/** Resolves a Lark open_id into everything the directory says this person is. */
export function resolveActor(db: DbOrTx, openId: string): PersonActor {
  const memberships = db.select().from(schema.unitMembers).where(eq(schema.unitMembers.openId, openId)).all();
  const deputyRows = db.select({ id: schema.deputies.id }).from(schema.deputies).where(eq(schema.deputies.openId, openId)).all();
  const supervisor = db.select().from(schema.supervisors).where(eq(schema.supervisors.openId, openId)).get();
  return {
    kind: 'person',
    openId,
    isSupervisor: supervisor !== undefined,
    headOf: new Set(memberships.filter((m) => m.role === 'head').map((m) => m.unitId)),
    liaisonOf: new Set(memberships.filter((m) => m.role === 'liaison').map((m) => m.unitId)),
    deputyIds: new Set(deputyRows.map((d) => d.id)),
  };
}

export function unitExists(db: DbOrTx, unitId: string): boolean {
  return db.select({ id: schema.units.id }).from(schema.units).where(eq(schema.units.id, unitId)).get() !== undefined;
}

export function unitName(db: DbOrTx, unitId: string): string {
  return db.select({ name: schema.units.name }).from(schema.units).where(eq(schema.units.id, unitId)).get()?.name ?? unitId;
}

/** The directory's leaders by id (a handful of rows: read whole wherever a 督办领导 is shown). */
export function readLeaders(db: DbOrTx): Map<string, Leader> {
  return new Map(db.select().from(schema.leaders).all().map((l) => [l.id, l]));
}

/**
 * Who is who, as the group rule (src/core/group-members.ts) reads it: every unit's head and
 * liaisons, the supervisors, every deputy's open_id, the leaders; or only the units and deputies named.
 */
export function readDirectoryFacts(db: DbOrTx, only?: { unitIds: readonly string[]; deputyIds: readonly string[] }): DirectoryFacts {
  // Through statements prepared once per connection, a group's few units and deputies as a list
  // bound as one JSON value: an import reads them for every slice it writes (issue 11). Members
  // and supervisors in the order they were loaded (the file's order), whichever index is used.
  const reads = factReads(db);
  const memberRows = only ? reads.members.all({ ids: JSON.stringify([...new Set(only.unitIds)]) }) : reads.allMembers.all();
  const deputyRows = only ? reads.deputies.all({ ids: JSON.stringify([...new Set(only.deputyIds)]) }) : reads.allDeputies.all();
  const unitStaff = new Map<string, { head: string[]; liaisons: string[] }>();
  for (const m of memberRows) {
    const staff = unitStaff.get(m.unitId) ?? { head: [], liaisons: [] };
    (m.role === 'head' ? staff.head : staff.liaisons).push(m.openId);
    unitStaff.set(m.unitId, staff);
  }
  return {
    unitStaff,
    supervisors: reads.supervisors.all().map((r) => r.openId),
    deputyOpenIds: new Map(deputyRows.map((d) => [d.id, d.openId])),
    leaders: readLeaders(db),
  };
}

const ROWID = sql`rowid`;

const factReadsByConnection = new WeakMap<object, ReturnType<typeof prepareFactReads>>();
function factReads(db: DbOrTx) {
  let reads = factReadsByConnection.get(connectionOf(db));
  if (!reads) factReadsByConnection.set(connectionOf(db), (reads = prepareFactReads(db)));
  return reads;
}

function prepareFactReads(db: DbOrTx) {
  const inList = sql`(select value from json_each(${sql.placeholder('ids')}))`;
  return {
    members: db.select().from(schema.unitMembers).where(inArray(schema.unitMembers.unitId, inList)).orderBy(ROWID).prepare(),
    deputies: db.select({ id: schema.deputies.id, openId: schema.deputies.openId }).from(schema.deputies).where(inArray(schema.deputies.id, inList)).prepare(),
    allMembers: db.select().from(schema.unitMembers).orderBy(ROWID).prepare(),
    allDeputies: db.select({ id: schema.deputies.id, openId: schema.deputies.openId }).from(schema.deputies).prepare(),
    supervisors: db.select().from(schema.supervisors).orderBy(ROWID).prepare(),
  };
}

/** The facts as a comparable key: who is who, whatever the order. */
const factsKey = (facts: DirectoryFacts): string => {
  const sorted = (list: readonly string[]) => [...list].sort();
  const units = [...facts.unitStaff].map(([id, s]) => `${id}:${sorted(s.head)}:${sorted(s.liaisons)}`);
  const deputies = [...facts.deputyOpenIds].map(([id, openId]) => `${id}:${openId}`);
  const leaders = [...facts.leaders.values()].map((l) => `${l.id}:${l.openId}`);
  return JSON.stringify([sorted(units), sorted(facts.supervisors), sorted(deputies), sorted(leaders)]);
};
