/**
 * Imports suggestions (SPEC §7, §8) from rows of any source. Each row is validated, checked
 * against the directory and the rest of the file, then written in its own savepoint: a bad row is
 * rejected with its row number and reason and leaves nothing behind, the other rows still import.
 * Idempotent on (session, number): the same row imported again changes nothing. A new suggestion
 * also queues its Lark group, assignment cards and status board (outbox), in the same savepoint;
 * a re-import that changes the deputies (or the leader) queues their joining or leaving the group.
 * Servers and the CLI import in short slices that hand the event loop back
 * (`importSuggestionsInSlices`).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { ActionSource } from '../../core/actor.ts';
import { newId as defaultNewId, type NewId } from '../../core/ids.ts';
import type { SqliteDb } from '../../adapters/sqlite/db.ts';
import * as schema from '../../adapters/sqlite/schema.ts';
import { parseSuggestionRow, suggestionKey, type RawRow, type SuggestionInput } from './suggestion-row.ts';
import { loadAggregate } from '../../adapters/sqlite/aggregate-store.ts';
import { connectionOf, insertRows, type DbOrTx } from '../../adapters/sqlite/db.ts';
import { indexSuggestion, reindexSuggestion } from '../../adapters/sqlite/search-index.ts';
import { effectsOfNewSuggestion } from '../../core/effects.ts';
import { writeEffects } from '../../adapters/sqlite/write-effects.ts';
import { followPeopleChange } from '../../adapters/sqlite/group-membership.ts';
import type { DeadlineContext } from '../../core/deadlines/deadlines.ts';
import { defaultDeadlineContext, indexDeadlines } from '../../adapters/sqlite/deadline-index.ts';
import { appendAudit } from '../../adapters/sqlite/audit-store.ts';

export interface ImportOptions {
  source: ActionSource;
  actor: string;
  now: Date;
  /** Today in the configured time zone: the assignment date of rows that give none. */
  today: string;
  newId?: NewId;
  onProgress?: (done: number, total: number) => void;
  /** Policy and calendar for the deadline index; the built-in default if absent. */
  deadlines?: DeadlineContext | undefined;
}

export type ImportOutcome = 'created' | 'updated' | 'unchanged';

export interface ImportReport {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: Array<{ row: number; number?: string; reason: string }>;
  items: Array<{ row: number; id: string; session: string; number: string; outcome: ImportOutcome }>;
  unknownColumns: string[];
}

/** Rows per transaction of the synchronous import: big enough to be fast, small enough not to hold the write lock long. */
const CHUNK = 500;

/**
 * How long one slice of `importSuggestionsInSlices` may hold the event loop and the write lock.
 * Well under the ~50 ms a server can afford: a webhook (or another process's writer, waiting on
 * busy_timeout) gets its turn between two slices.
 */
export const SLICE_MS = 20;

class RowRejected extends Error {}

/** What the rows of one import share across its transactions. */
interface ImportRun {
  report: ImportReport;
  unknownColumns: Set<string>;
  units: Set<string>;
  deputies: Set<string>;
  firstRowOf: Map<string, number>;
  newId: NewId;
  options: ImportOptions;
}

function beginImport(db: SqliteDb, rows: RawRow[], options: ImportOptions): ImportRun {
  return {
    report: { total: rows.length, created: 0, updated: 0, unchanged: 0, rejected: [], items: [], unknownColumns: [] },
    unknownColumns: new Set<string>(),
    units: new Set(db.select({ id: schema.units.id }).from(schema.units).all().map((u) => u.id)),
    deputies: new Set(db.select({ id: schema.deputies.id }).from(schema.deputies).all().map((d) => d.id)),
    firstRowOf: new Map<string, number>(),
    newId: options.newId ?? defaultNewId,
    options,
  };
}

function finishImport(run: ImportRun): ImportReport {
  run.report.unknownColumns = [...run.unknownColumns];
  return run.report;
}

/**
 * Imports rows from `start` in one transaction until `shouldStop(rowsDone)` says so; returns the
 * index of the next row. Every row is whole in its own savepoint, so where a transaction ends
 * changes nothing a row promises.
 */
function importSome(db: SqliteDb, rows: RawRow[], start: number, run: ImportRun, shouldStop: (done: number) => boolean): number {
  const { report } = run;
  let next = start;
  db.transaction(
    (tx) => {
      while (next < rows.length && !shouldStop(next - start)) {
        const raw = rows[next++]!;
        const parsed = parseSuggestionRow(raw.values);
        // The first row with a (session, number) claims it, valid or not: a later row with the
        // same number is a duplicate either way.
        const key = parsed.ok ? suggestionKey(parsed.input.session, parsed.input.number) : parsed.key;
        const first = key === undefined ? undefined : run.firstRowOf.get(key);
        if (key !== undefined && first === undefined) run.firstRowOf.set(key, raw.row);
        if (!parsed.ok) {
          report.rejected.push({ row: raw.row, ...(parsed.number && { number: parsed.number }), reason: parsed.reason });
          continue;
        }
        const input = parsed.input;
        parsed.unknownColumns.forEach((c) => run.unknownColumns.add(c));
        if (first !== undefined) {
          report.rejected.push({ row: raw.row, number: input.number, reason: `编号重复：与第 ${first} 行相同（duplicate number in this file, first at row ${first}）` });
          continue;
        }
        const missing = missingReferences(input, run.units, run.deputies);
        if (missing) {
          report.rejected.push({ row: raw.row, number: input.number, reason: missing });
          continue;
        }
        try {
          const result = tx.transaction((sp) => upsertSuggestion(sp, input, run.options, run.newId));
          report[result.outcome]++;
          report.items.push({ row: raw.row, id: result.id, session: input.session, number: input.number, outcome: result.outcome });
        } catch (error) {
          if (!(error instanceof RowRejected)) throw error;
          report.rejected.push({ row: raw.row, number: input.number, reason: error.message });
        }
      }
    },
    { behavior: 'immediate' },
  );
  return next;
}

/** The whole import at once, in transactions of CHUNK rows: for tests, scripts and small inputs. */
export function importSuggestions(db: SqliteDb, rows: RawRow[], options: ImportOptions): ImportReport {
  const run = beginImport(db, rows, options);
  for (let start = 0; start < rows.length; ) {
    start = importSome(db, rows, start, run, (done) => done >= CHUNK);
    options.onProgress?.(start, rows.length);
  }
  return finishImport(run);
}

/**
 * The import a server or the CLI runs (`POST /api/suggestions`, `duban import suggestions`): the
 * same rows, the same report, but in slices of about SLICE_MS each, one transaction per slice,
 * with the event loop handed back between slices. A 10,000-row import then never keeps a webhook
 * waiting more than a slice, and the CLI never holds the database's write lock longer than a
 * slice either (the server's writers wait on busy_timeout meanwhile).
 *
 * What an import promises (SPEC §8) is per row — a row is whole or absent, the other rows still
 * import, and the same row again changes nothing — so committing slice by slice keeps it: an
 * import cut short (a crash, a kill) leaves whole rows, and running it again finishes it.
 *
 * The slice is measured in elapsed time (performance.now), not with the application's clock:
 * it is the time this process spends, not a moment of the handling.
 */
export async function importSuggestionsInSlices(db: SqliteDb, rows: RawRow[], options: ImportOptions & SliceOptions): Promise<ImportReport> {
  const sliceMs = options.sliceMs ?? SLICE_MS;
  const pauseMs = options.pauseMs ?? 0;
  const run = beginImport(db, rows, options);
  for (let start = 0; start < rows.length; ) {
    const began = performance.now();
    // At least one row per slice, so a row slower than the slice still moves the import on.
    start = importSome(db, rows, start, run, (done) => done > 0 && performance.now() - began >= sliceMs);
    options.onProgress?.(start, rows.length);
    if (options.signal?.aborted) break;
    if (start < rows.length) await (options.pace ? options.pace() : pauseMs > 0 ? new Promise((resolve) => setTimeout(resolve, pauseMs)) : yieldToEventLoop());
  }
  return finishImport(run);
}

export interface SliceOptions {
  /** How long a slice may run (default SLICE_MS). */
  sliceMs?: number;
  /**
   * A pause between slices, for an import in another process than the server (the CLI): the
   * server's writers wait for the file's lock in SQLite's busy handler, which retries after
   * sleeps of growing length; a slice that starts again at once would take the lock first every
   * time. Without it (0), only this process's event loop is let through, which is enough when
   * the server itself imports (one connection, no lock to wait for). A server importing
   * 10,000 rows pauses too, to leave its event loop room for Lark's webhook (src/app/long-work.ts).
   */
  pauseMs?: number;
  /** Stops the import after the slice in progress (whole rows only), e.g. when its client went away. */
  signal?: AbortSignal;
  /** Waits between slices instead of `pauseMs`: a server's pause that grows when its loop is late (long-work.ts). */
  pace?: () => Promise<void>;
}

/** Lets whatever is waiting (a request, a timer, I/O) run before the next slice; Node and Workers alike. */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

function missingReferences(input: SuggestionInput, units: Set<string>, deputies: Set<string>): string | undefined {
  const unknownUnits = [input.lead_unit, ...input.co_units, ...input.split_units].filter((u) => u && !units.has(u));
  if (unknownUnits.length) return `未知的承办单位：${unknownUnits.join('、')}（unknown unit）`;
  const unknownDeputies = [input.lead_deputy, ...input.co_deputies].filter((d) => d && !deputies.has(d));
  if (unknownDeputies.length) return `未知的代表：${unknownDeputies.join('、')}（unknown deputy）`;
  return undefined;
}

/** The assignments a row asks for, as `role:unit` keys in a stable order. */
function wantedAssignments(input: SuggestionInput): Array<{ role: 'lead' | 'co' | 'split'; unitId: string }> {
  if (input.split_units.length) return input.split_units.map((unitId) => ({ role: 'split' as const, unitId }));
  return [{ role: 'lead' as const, unitId: input.lead_unit }, ...input.co_units.map((unitId) => ({ role: 'co' as const, unitId }))];
}

function wantedDeputies(input: SuggestionInput) {
  const lead = input.lead_deputy ? [{ deputyId: input.lead_deputy, role: 'lead' as const }] : [];
  return [...lead, ...input.co_deputies.map((deputyId) => ({ deputyId, role: 'co' as const }))].map((d, position) => ({ ...d, position }));
}

function descriptiveFields(input: SuggestionInput) {
  return {
    kind: input.kind,
    timing: input.timing,
    title: input.title,
    body: input.body,
    category: input.category,
    key: input.key,
    keyLeader: input.key_leader || null,
    classified: input.classified,
  };
}

/** The suggestion a row names, by a statement prepared once per connection, not once per row (issue 11). */
const byNumberStatements = new WeakMap<object, ReturnType<typeof prepareByNumber>>();
function suggestionByNumber(db: DbOrTx) {
  let statement = byNumberStatements.get(connectionOf(db));
  if (!statement) byNumberStatements.set(connectionOf(db), (statement = prepareByNumber(db)));
  return statement;
}
const prepareByNumber = (db: DbOrTx) =>
  db
    .select()
    .from(schema.suggestions)
    .where(and(eq(schema.suggestions.session, sql.placeholder('session')), eq(schema.suggestions.number, sql.placeholder('number'))))
    .prepare();

function upsertSuggestion(tx: DbOrTx, input: SuggestionInput, options: ImportOptions, newId: NewId): { id: string; outcome: ImportOutcome } {
  const at = options.now.toISOString();
  const assignedOn = input.assigned_on || options.today;
  const existing = suggestionByNumber(tx).get({ session: input.session, number: input.number });
  const fields = descriptiveFields(input);
  const deputies = wantedDeputies(input);

  if (!existing) {
    const id = newId('sg');
    insertRows(tx, schema.suggestions, [{ id, session: input.session, number: input.number, ...fields, assignedOn, status: 'open', version: 1, createdAt: at, updatedAt: at }]);
    insertRows(tx, schema.suggestionDeputies, deputies.map((d) => ({ suggestionId: id, ...d })));
    const assignmentRows = wantedAssignments(input).map((a) => ({
      id: newId('as'),
      suggestionId: id,
      unitId: a.unitId,
      role: a.role,
      state: 'pending_sign' as const,
      assignedOn,
      createdAt: at,
    }));
    insertRows(tx, schema.assignments, assignmentRows);
    // The group, its assignment cards and its status board go out through the outbox.
    const aggregate = loadAggregate(tx, id)!;
    indexSuggestion(tx, aggregate);
    writeEffects(tx, aggregate, effectsOfNewSuggestion(aggregate), { now: options.now });
    indexDeadlines(tx, aggregate, options.deadlines ?? defaultDeadlineContext(), options.today);
    appendAudit(tx, [
      {
        at,
        actor: options.actor,
        source: options.source,
        action: 'import_created',
        outcome: 'ok',
        suggestionId: id,
        subjectType: 'suggestion',
        subjectId: id,
        afterState: 'open',
        message: `${input.session} ${input.number}`,
        details: { assignments: assignmentRows.map((a) => ({ id: a.id, unitId: a.unitId, role: a.role })) },
      },
    ]);
    return { id, outcome: 'created' };
  }

  // The units and the assignment date are the start of every deadline and of the handling
  // itself: once assigned they change only through re-assignment, never by editing a file.
  const originalAssignments = tx.select().from(schema.assignments).where(eq(schema.assignments.suggestionId, existing.id)).all().filter((a) => a.replacesAssignmentId === null);
  const assignmentKey = (list: Array<{ role: string; unitId: string }>) =>
    list
      .map((a) => `${a.role}:${a.unitId}`)
      .sort()
      .join(',');
  if (assignmentKey(originalAssignments) !== assignmentKey(wantedAssignments(input)) || (input.assigned_on && input.assigned_on !== existing.assignedOn)) {
    throw new RowRejected('该建议已交办，承办单位和交办日期不能通过重新导入更改，请使用改办（units and assignment date of an assigned suggestion cannot change on re-import; use re-assignment）');
  }

  const currentDeputies = tx.select().from(schema.suggestionDeputies).where(eq(schema.suggestionDeputies.suggestionId, existing.id)).all();
  const deputyKey = (list: Array<{ deputyId: string; role: string; position: number }>) =>
    [...list]
      .sort((a, b) => a.position - b.position)
      .map((d) => `${d.role}:${d.deputyId}`)
      .join(',');
  const changed = (Object.keys(fields) as Array<keyof typeof fields>).filter((k) => existing[k] !== fields[k]);
  const deputiesChanged = deputyKey(currentDeputies) !== deputyKey(deputies);
  if (changed.length === 0 && !deputiesChanged) return { id: existing.id, outcome: 'unchanged' };

  // The deputies and the leader are members of the group: it follows them (SPEC §6).
  const peopleBefore = deputiesChanged || changed.includes('keyLeader') ? loadAggregate(tx, existing.id) : undefined;
  tx.update(schema.suggestions)
    .set({ ...fields, version: existing.version + 1, updatedAt: at })
    .where(eq(schema.suggestions.id, existing.id))
    .run();
  if (deputiesChanged) {
    tx.delete(schema.suggestionDeputies).where(eq(schema.suggestionDeputies.suggestionId, existing.id)).run();
    insertRows(tx, schema.suggestionDeputies, deputies.map((d) => ({ suggestionId: existing.id, ...d })));
  }
  reindexSuggestion(tx, existing.id);
  if (peopleBefore) followPeopleChange(tx, peopleBefore, loadAggregate(tx, existing.id)!, options.now);
  appendAudit(tx, [
    {
      at,
      actor: options.actor,
      source: options.source,
      action: 'import_updated',
      outcome: 'ok',
      suggestionId: existing.id,
      subjectType: 'suggestion',
      subjectId: existing.id,
      beforeState: existing.status,
      afterState: existing.status,
      message: `${input.session} ${input.number}`,
      details: { changed: deputiesChanged ? [...changed, 'deputies'] : changed },
    },
  ]);
  return { id: existing.id, outcome: 'updated' };
}
