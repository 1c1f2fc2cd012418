/**
 * The database every store is written against: drizzle's synchronous SQLite, whichever driver a
 * runtime opened it with — better-sqlite3 on Node, a Durable Object's own SQLite on Workers. Only
 * the runtimes know which one they hold; nothing here may rely on a driver's extras (the run
 * result of better-sqlite3, for one, does not exist on a Durable Object: stores use `returning`)
 * nor exceed the stricter driver's limits (MAX_BOUND_VALUES). test/contract/store-cases.ts holds
 * the stores to the same results on both.
 */
import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase, SQLiteInsertValue, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.ts';

export type Schema = typeof schema;

export type SqliteDb = BaseSQLiteDatabase<'sync', unknown, Schema>;

/** A transaction handle or the database itself: both run the same queries. */
export type DbOrTx = Pick<SqliteDb, 'select' | 'insert' | 'update' | 'delete' | 'transaction'>;

/**
 * The most values one statement may bind on every driver: a Durable Object's SQLite refuses more
 * than 100 ("too many SQL variables"; better-sqlite3 takes 32766). Multi-row inserts and long
 * `in (…)` lists are split to stay under it.
 */
export const MAX_BOUND_VALUES = 100;

/** `items` in runs of at most `size`. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Inserts `rows`, one run of a statement prepared once per connection, table and set of columns
 * given: building a drizzle query costs ~100 times running a prepared one, and an import inserts
 * a few rows into several tables for each of its rows (issue 11). One row per run also keeps every
 * statement far under MAX_BOUND_VALUES.
 */
export function insertRows<T extends SQLiteTable>(db: Pick<DbOrTx, 'insert'>, table: T, rows: ReadonlyArray<T['$inferInsert']>): void {
  for (const row of rows) {
    const present = Object.entries(row).filter(([, v]) => v !== undefined);
    // A null is written into the statement, not bound: bound through a placeholder, a json-mode
    // column would store the text 'null' instead of SQL NULL (drizzle encodes placeholder values).
    const values = Object.fromEntries(present.filter(([, v]) => v !== null));
    const nulls = present.filter(([, v]) => v === null).map(([k]) => k);
    preparedInsert(db, table, Object.keys(values), nulls).run(values);
  }
}

type PreparedRun = { run(values: Record<string, unknown>): unknown };
const insertsByConnection = new WeakMap<object, Map<SQLiteTable, Map<string, PreparedRun>>>();

function preparedInsert(db: Pick<DbOrTx, 'insert'>, table: SQLiteTable, columns: string[], nulls: string[]): PreparedRun {
  const connection = connectionOf(db as DbOrTx);
  let tables = insertsByConnection.get(connection);
  if (!tables) insertsByConnection.set(connection, (tables = new Map()));
  let statements = tables.get(table);
  if (!statements) tables.set(table, (statements = new Map()));
  const key = `${columns.join(',')}|${nulls.join(',')}`;
  let statement = statements.get(key);
  if (!statement) {
    const placeholders = Object.fromEntries([...columns.map((c) => [c, sql.placeholder(c)] as const), ...nulls.map((c) => [c, null] as const)]);
    statement = db.insert(table).values(placeholders as SQLiteInsertValue<SQLiteTable>).prepare() as PreparedRun;
    statements.set(key, statement);
  }
  return statement;
}

/**
 * The connection behind a handle, for keeping prepared statements: the database and every
 * transaction or savepoint opened on it share one drizzle session, so statements prepared once
 * serve all of them. Keyed by the handle instead, an import (a savepoint per row) would prepare
 * every statement again for every row (issue 11).
 */
export function connectionOf(db: DbOrTx): object {
  return (db as unknown as { session?: object }).session ?? db;
}

/** Below this many rows, `insertMany` runs the prepared single-row statement: compiling one costs more. */
const MANY_ROWS = 8;

/**
 * The most characters of JSON one multi-row insert binds: a Durable Object refuses a value past
 * 2 MB, and a character is at most 3 bytes of UTF-8 here.
 */
const MAX_JSON_CHARS = 600_000;

/**
 * Inserts many rows with a few statements instead of one per row (issue 11: an import writes a
 * slice of hundreds of suggestions, each with a dozen rows in eight tables). The rows go as one
 * JSON array bound as one value and read back by `json_each`, which keeps every driver's limit on
 * bound values (MAX_BOUND_VALUES) whatever the number of rows, and inserts them in the array's
 * order (autoincrement keys follow it). Values are encoded as drizzle encodes them (json columns
 * as their text, booleans as 0/1); a column left undefined takes its default, as in `insertRows`.
 * A few rows go through `insertRows`.
 */
export function insertMany<T extends SQLiteTable>(db: Pick<DbOrTx, 'insert'>, table: T, rows: ReadonlyArray<T['$inferInsert']>): void {
  if (rows.length < MANY_ROWS) return insertRows(db, table, rows);
  const columns = columnsOf(table);
  const gives = (row: object, key: string) => (row as Record<string, unknown>)[key] !== undefined;
  // Runs of rows that give the same columns, in order: a column one row leaves out takes its default.
  for (let start = 0; start < rows.length; ) {
    const first = rows[start]!;
    let end = start + 1;
    while (end < rows.length && columns.every(([key]) => gives(rows[end]!, key) === gives(first, key))) end++;
    insertRun(
      db,
      table,
      columns.filter(([key]) => gives(first, key)),
      rows.slice(start, end),
    );
    start = end;
  }
}

type Column = ReturnType<typeof getTableColumns>[string];

const columnLists = new WeakMap<SQLiteTable, Array<[string, Column]>>();
/** A table's columns by their keys, listed once per table. */
function columnsOf(table: SQLiteTable): Array<[string, Column]> {
  let columns = columnLists.get(table);
  if (!columns) columnLists.set(table, (columns = Object.entries(getTableColumns(table))));
  return columns;
}

function insertRun(db: Pick<DbOrTx, 'insert'>, table: SQLiteTable, given: Array<[string, Column]>, rows: readonly object[]): void {
  const statement = preparedInsertMany(db, table, given);
  let batch: string[] = [];
  let chars = 0;
  const flush = () => {
    if (batch.length === 0) return;
    statement.run({ rows: `[${batch.join(',')}]` });
    batch = [];
    chars = 0;
  };
  for (const row of rows) {
    const json = JSON.stringify(given.map(([key, column]) => driverValue(column, (row as Record<string, unknown>)[key])));
    if (chars + json.length > MAX_JSON_CHARS) flush();
    batch.push(json);
    chars += json.length + 1;
  }
  flush();
}

type PreparedInsertMany = { run(values: { rows: string }): unknown };
const insertManyByConnection = new WeakMap<object, Map<SQLiteTable, Map<string, PreparedInsertMany>>>();

/**
 * `insert into table select … from json_each(:rows)`, prepared once per connection, table and
 * set of columns given (compiling it for every slice of an import cost more than a small slice's
 * inserts). The select gives every column, as drizzle's insert-select asks: a given one from its
 * place in each row's array, any other its default.
 */
function preparedInsertMany(db: Pick<DbOrTx, 'insert'>, table: SQLiteTable, given: Array<[string, Column]>): PreparedInsertMany {
  const connection = connectionOf(db as DbOrTx);
  let tables = insertManyByConnection.get(connection);
  if (!tables) insertManyByConnection.set(connection, (tables = new Map()));
  let statements = tables.get(table);
  if (!statements) tables.set(table, (statements = new Map()));
  const key = given.map(([name]) => name).join(',');
  let statement = statements.get(key);
  if (!statement) {
    const place = new Map(given.map(([name], i) => [name, i]));
    const picks = columnsOf(table)
      // As drizzle's insert lists them: a generated column takes no value.
      .filter(([, column]) => !(column as unknown as { shouldDisableInsert(): boolean }).shouldDisableInsert())
      .map(([name, column]) => {
        const i = place.get(name);
        return i === undefined ? defaultOf(column) : sql.raw(`value ->> '$[${i}]'`);
      });
    const select = sql`select ${sql.join(picks, sql`, `)} from json_each(${sql.placeholder('rows')}) order by key`;
    statement = db.insert(table).select(select).prepare() as unknown as PreparedInsertMany;
    statements.set(key, statement);
  }
  return statement;
}

/** What a column left out of `insertMany`'s rows gets: its default, as drizzle's own insert gives it. */
function defaultOf(column: Column): SQL {
  if (column.defaultFn) throw new TypeError(`insertMany: give ${column.name} in every row (its default is computed for each row)`);
  if (column.default === undefined || column.default === null) return sql`null`;
  return is(column.default, SQL) ? column.default : sql`${sql.param(column.default, column)}`;
}

function driverValue(column: Column, value: unknown): string | number | null {
  if (value === null) return null;
  const encoded = column.mapToDriverValue(value);
  if (typeof encoded === 'string' || typeof encoded === 'number') return encoded;
  if (typeof encoded === 'boolean') return encoded ? 1 : 0;
  throw new TypeError(`insertMany: column ${column.name} got a ${typeof encoded}, which JSON cannot carry`);
}

/**
 * A whole row of `table` from the values given: what is left out takes its column's default (a
 * static default or a `$defaultFn`), or null. An import builds its new rows whole in memory and
 * uses them both to insert and as the aggregate it computes from, so it need not read them back.
 */
export function rowWithDefaults<T extends SQLiteTable>(table: T, values: T['$inferInsert']): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of columnsOf(table)) {
    const given = (values as Record<string, unknown>)[key];
    if (given !== undefined) row[key] = given;
    else if (column.defaultFn) row[key] = staticDefault(column, column.defaultFn());
    else row[key] = column.hasDefault ? staticDefault(column, column.default) : null;
  }
  return row as T['$inferSelect'];
}

function staticDefault(column: Column, value: unknown): unknown {
  if (is(value, SQL)) throw new TypeError(`rowWithDefaults: the default of ${column.name} is SQL, known only once inserted`);
  return value ?? null;
}
