/**
 * The database every store is written against: drizzle's synchronous SQLite, whichever driver a
 * runtime opened it with — better-sqlite3 on Node, a Durable Object's own SQLite on Workers. Only
 * the runtimes know which one they hold; nothing here may rely on a driver's extras (the run
 * result of better-sqlite3, for one, does not exist on a Durable Object: stores use `returning`).
 */
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.ts';

export type Schema = typeof schema;

export type SqliteDb = BaseSQLiteDatabase<'sync', unknown, Schema>;

/** A transaction handle or the database itself: both run the same queries. */
export type DbOrTx = Pick<SqliteDb, 'select' | 'insert' | 'update' | 'delete' | 'transaction'>;
