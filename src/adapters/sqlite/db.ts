/**
 * The database every store is written against: drizzle's synchronous SQLite, whichever driver a
 * runtime opened it with — better-sqlite3 on Node, a Durable Object's own SQLite on Workers. Only
 * the runtimes know which one they hold; nothing here may rely on a driver's extras (the run
 * result of better-sqlite3, for one, does not exist on a Durable Object: stores use `returning`)
 * nor exceed the stricter driver's limits (MAX_BOUND_VALUES). test/contract/store-cases.ts holds
 * the stores to the same results on both.
 */
import { getTableColumns } from 'drizzle-orm';
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
 * Inserts `rows` in as few statements as MAX_BOUND_VALUES allows: a multi-row insert binds a value
 * for every column of every row (defaults included).
 */
export function insertRows<T extends SQLiteTable>(db: Pick<DbOrTx, 'insert'>, table: T, rows: ReadonlyArray<T['$inferInsert']>): void {
  const perStatement = Math.max(1, Math.floor(MAX_BOUND_VALUES / Object.keys(getTableColumns(table)).length));
  for (const part of chunked(rows, perStatement)) db.insert(table).values(part as SQLiteInsertValue<T>[]).run();
}
