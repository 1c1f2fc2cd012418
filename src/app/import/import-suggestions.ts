/**
 * Imports suggestions (SPEC §7, §8) from rows of any source. Each row is validated and checked
 * against the rest of the file, then against the directory and the stored suggestions, and
 * written: a bad row is rejected with its row number and reason and leaves nothing behind, the
 * other rows still import. Idempotent on (session, number): the same row imported again changes
 * nothing. A new suggestion also queues its Lark group, assignment cards and status board
 * (outbox); a re-import that changes the deputies (or the leader) queues their joining or leaving.
 *
 * Rows are written a slice at a time, one transaction each, the slice's new rows inserted together
 * (write-suggestions.ts; issue 11: written row by row, each in its own savepoint with a statement
 * per table row, an import cost hundreds of times a plain insert). When the database refuses
 * something in a slice (a constraint, a value too big), the slice is rolled back and its rows are
 * written again one by one, each in its own savepoint, so that the refused row alone is rejected,
 * with its number and the database's reason. Servers and the CLI import in slices of bounded time that hand the event
 * loop back (`importSuggestionsInSlices`).
 */
import type { ActionSource } from '../../core/actor.ts';
import { orderedIds, type NewId } from '../../core/ids.ts';
import type { SqliteDb } from '../../adapters/sqlite/db.ts';
import { parseSuggestionRow, suggestionKey, type RawRow } from './suggestion-row.ts';
import type { DeadlineContext } from '../../core/deadlines/deadlines.ts';
import { writeSuggestions, type CheckedRow, type ImportOutcome, type RowResult, type WriteContext } from './write-suggestions.ts';
import { nextSliceSize } from '../long-work.ts';

export type { ImportOutcome } from './write-suggestions.ts';

export interface ImportOptions {
  source: ActionSource;
  actor: string;
  now: Date;
  /** Today in the configured time zone: the assignment date of rows that give none. */
  today: string;
  /** The ids of what the import creates; ids that follow one another (`orderedIds`) if absent. */
  newId?: NewId;
  onProgress?: (done: number, total: number) => void;
  /** Policy and calendar for the deadline index; the built-in default if absent. */
  deadlines?: DeadlineContext | undefined;
}

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

/** The first slice's rows, before the import has measured what a row costs here. */
const FIRST_SLICE_ROWS = 20;
/** The most rows of one slice, whatever a row costs: a slice's inserts stay a few statements. */
const MAX_SLICE_ROWS = 2_000;

/** What the rows of one import share across its transactions. */
interface ImportRun {
  rows: RawRow[];
  /** The next row to read. */
  next: number;
  /** Rows read and checked against the file, not yet written. */
  checked: CheckedRow[];
  /** How many of `checked` to write one by one: the slice they were in was refused by the database. */
  oneByOne: number;
  report: ImportReport;
  unknownColumns: Set<string>;
  firstRowOf: Map<string, number>;
  write: WriteContext;
  onProgress: ((done: number, total: number) => void) | undefined;
}

function beginImport(rows: RawRow[], options: ImportOptions): ImportRun {
  return {
    rows,
    next: 0,
    checked: [],
    oneByOne: 0,
    report: { total: rows.length, created: 0, updated: 0, unchanged: 0, rejected: [], items: [], unknownColumns: [] },
    unknownColumns: new Set<string>(),
    firstRowOf: new Map<string, number>(),
    write: { source: options.source, actor: options.actor, now: options.now, today: options.today, newId: options.newId ?? orderedIds(), deadlines: options.deadlines },
    onProgress: options.onProgress,
  };
}

const finished = (run: ImportRun) => run.next >= run.rows.length && run.checked.length === 0;
const rowsDone = (run: ImportRun) => run.next - run.checked.length;

function finishImport(run: ImportRun): ImportReport {
  run.report.unknownColumns = [...run.unknownColumns];
  // Rows are reported in the file's order, whichever slice or pass wrote them.
  run.report.rejected.sort((a, b) => a.row - b.row);
  run.report.items.sort((a, b) => a.row - b.row);
  return run.report;
}

/**
 * Reads up to `count` more rows: each is validated on its own and against the rows before it (a
 * number given twice). What passes waits in `run.checked` for the database.
 */
function readRows(run: ImportRun, count: number): void {
  const { report } = run;
  for (const end = Math.min(run.rows.length, run.next + count); run.next < end; ) {
    const raw = run.rows[run.next++]!;
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
    parsed.unknownColumns.forEach((c) => run.unknownColumns.add(c));
    if (first !== undefined) {
      report.rejected.push({ row: raw.row, number: parsed.input.number, reason: `编号重复：与第 ${first} 行相同（duplicate number in this file, first at row ${first}）` });
      continue;
    }
    run.checked.push({ row: raw.row, input: parsed.input });
  }
}

function record(run: ImportRun, results: readonly RowResult[]): void {
  for (const r of results) {
    if ('reason' in r) run.report.rejected.push({ row: r.row, number: r.number, reason: r.reason });
    else {
      run.report[r.outcome]++;
      run.report.items.push({ row: r.row, id: r.id, session: r.session, number: r.number, outcome: r.outcome });
    }
  }
}

/**
 * One slice: reads up to `count` more rows and writes every checked row in one transaction. If
 * the database refuses something, nothing of the slice stays and the next slices write its rows
 * one by one (`writeOneByOne`) before going on with whole slices. Returns when the rows were
 * written, before the commit, if they were written whole.
 */
function importSlice(db: SqliteDb, run: ImportRun, count: number, timeUp: () => boolean): number | undefined {
  if (run.oneByOne > 0) return writeOneByOne(db, run, timeUp);
  readRows(run, count);
  if (run.checked.length === 0) return undefined;
  let written: number | undefined;
  try {
    const results = db.transaction(
      (tx) => {
        const out = writeSuggestions(tx, run.checked, run.write);
        written = performance.now();
        return out;
      },
      { behavior: 'immediate' },
    );
    record(run, results);
    run.checked = [];
    return written;
  } catch (error) {
    if (!refusedByDatabase(error)) throw error;
    run.oneByOne = run.checked.length;
    return undefined;
  }
}

/**
 * Rows of a refused slice, each in its own savepoint within one transaction, until `timeUp` (at
 * least one): a row the database refuses is rolled back alone and rejected with the reason.
 */
function writeOneByOne(db: SqliteDb, run: ImportRun, timeUp: () => boolean): undefined {
  const results: RowResult[] = [];
  db.transaction(
    (tx) => {
      for (let done = 0; run.oneByOne > 0 && !(done > 0 && timeUp()); done++) {
        const row = run.checked.shift()!;
        run.oneByOne--;
        try {
          results.push(...tx.transaction((sp) => writeSuggestions(sp, [row], run.write)));
        } catch (error) {
          if (!refusedByDatabase(error)) throw error;
          results.push({ row: row.row, number: row.input.number, reason: `数据库拒绝写入此行：${rootMessage(error)}（the database refused this row）` });
        }
      }
    },
    { behavior: 'immediate' },
  );
  record(run, results);
  return undefined;
}

/**
 * Whether SQLite refused what was written (a constraint, a trigger's RAISE, a type or a size),
 * which a row can cause, as opposed to a failure of the database itself (busy, I/O, full), which
 * stops the import. better-sqlite3 names the code; a Durable Object only says it in the message.
 */
function refusedByDatabase(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH)/.test(code)) return true;
    if (/constraint failed|SQLITE_CONSTRAINT|SQLITE_TOOBIG|SQLITE_MISMATCH|string or blob too big|datatype mismatch/i.test(e.message)) return true;
  }
  return false;
}

/** SQLite's own words, not the wrapping query and its parameters. */
function rootMessage(error: unknown): string {
  let e = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/** The whole import at once, in transactions of CHUNK rows: for tests, scripts and small inputs. */
export function importSuggestions(db: SqliteDb, rows: RawRow[], options: ImportOptions): ImportReport {
  const run = beginImport(rows, options);
  while (!finished(run)) {
    importSlice(db, run, CHUNK, () => false);
    run.onProgress?.(rowsDone(run), rows.length);
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
 * A slice's rows are counted before it starts (its rows are written together), from what a row
 * cost in the slices before: at most twice the rows of the last slice, so a first guess that was
 * too small grows quickly and one that was too large is corrected at once. The commit is not
 * counted: its cost is mostly SQLite's checkpoint, which comes every few megabytes of log
 * whatever the slice's size, and counting it would shrink the slices until every slice paid it.
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
  const run = beginImport(rows, options);
  let count = FIRST_SLICE_ROWS;
  while (!finished(run)) {
    const began = performance.now();
    const doneBefore = rowsDone(run);
    const written = importSlice(db, run, count, () => performance.now() - began >= sliceMs);
    const done = rowsDone(run) - doneBefore;
    if (written !== undefined && done > 0) {
      count = nextSliceSize(count, written - began, done, sliceMs, MAX_SLICE_ROWS);
    }
    run.onProgress?.(rowsDone(run), rows.length);
    if (options.signal?.aborted) break;
    if (!finished(run)) await (options.pace ? options.pace() : yieldToEventLoop());
  }
  return finishImport(run);
}

export interface SliceOptions {
  /** How long a slice may run (default SLICE_MS). */
  sliceMs?: number;
  /** Stops the import after the slice in progress (whole rows only), e.g. when its client went away. */
  signal?: AbortSignal;
  /**
   * The wait between slices (src/app/long-work.ts). A command writing a file a server uses too
   * pauses as long as it works: the server's writers wait for the lock in SQLite's busy handler,
   * which retries after sleeps of growing length, and a slice starting again at once would take
   * the lock first every time. A server's own import pauses to leave its event loop room for
   * Lark's webhook. Without it, only this process's event loop is let through between slices.
   */
  pace?: () => Promise<void>;
}

/** Lets whatever is waiting (a request, a timer, I/O) run before the next slice; Node and Workers alike. */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
