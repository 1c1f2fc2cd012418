/**
 * The Node database: one SQLite file through better-sqlite3, WAL mode (readers never block the
 * writer), a busy timeout (the CLI and the server may write at once), foreign keys on, and the
 * drizzle-kit migrations applied before anything else touches it.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from '../../adapters/sqlite/schema.ts';

/** The Node database: drizzle over better-sqlite3, whose client the Node-only speed-ups use. */
export type NodeDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));

export function openDatabase(path: string, options: { migrate?: boolean } = {}): NodeDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // WAL with NORMAL sync is durable across application crashes; only a power loss can lose the
  // last transactions, which is the trade-off SQLite recommends for WAL.
  sqlite.pragma('synchronous = NORMAL');
  // A 64 MB page cache: the reminder sweep inserts thousands of rows with random ids into large
  // indexes in one transaction, and each page read from disk costs more than the insert itself.
  sqlite.pragma('cache_size = -65536');
  const db = drizzle(sqlite, { schema }) as NodeDb;
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db;
}

/** `ok` when the database answers a trivial query. */
export function databaseHealth(db: NodeDb): 'ok' | 'error' {
  try {
    db.$client.prepare('select 1').get();
    return 'ok';
  } catch {
    return 'error';
  }
}
