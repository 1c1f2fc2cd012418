/**
 * The database every store is written against: drizzle's synchronous SQLite, whichever driver a
 * runtime opened it with — better-sqlite3 on Node, a Durable Object's own SQLite on Workers. Only
 * the runtimes know which one they hold; nothing here may rely on a driver's extras (the run
 * result of better-sqlite3, for one, does not exist on a Durable Object: stores use `returning`)
 * nor exceed the stricter driver's limits (MAX_BOUND_VALUES). test/contract/store-cases.ts holds
 * the stores to the same results on both.
 */
import { sql } from 'drizzle-orm';
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
