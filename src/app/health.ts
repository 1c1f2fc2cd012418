/** `GET /healthz` (SPEC §7): the version, and whether the database answers. */
import { sql } from 'drizzle-orm';
import type { AppContext } from './context.ts';

export function health(ctx: Pick<AppContext, 'db' | 'version'>): { ok: boolean; version: string; db: 'ok' | 'error' } {
  let db: 'ok' | 'error' = 'ok';
  try {
    ctx.db.get(sql`select 1`);
  } catch {
    db = 'error';
  }
  return { ok: db === 'ok', version: ctx.version, db };
}

/** How many migrations the database has had applied (`duban migrate` reports it). */
export function appliedMigrations(ctx: Pick<AppContext, 'db'>): number {
  return ctx.db.get<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`).n;
}
