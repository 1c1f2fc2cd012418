/**
 * The append-only audit log (SPEC §2). Entries are written in the same transaction as the
 * change they describe; refusals are written on their own, since nothing else changes.
 */
import { asc, eq } from 'drizzle-orm';
import type { ActionSource } from '../../core/actor.ts';
import * as schema from './schema.ts';
import { insertRows, type DbOrTx } from './db.ts';

export interface AuditRecord {
  at: string;
  actor: string;
  actorRole?: string | null;
  source: ActionSource;
  action: string;
  outcome: 'ok' | 'refused';
  suggestionId?: string | null;
  subjectType: string;
  subjectId: string;
  beforeState?: string | null;
  afterState?: string | null;
  message?: string;
  details?: unknown;
}

export function appendAudit(tx: DbOrTx, records: AuditRecord[]): void {
  insertRows(
    tx,
    schema.auditLog,
    records.map((r) => ({
      at: r.at,
      actor: r.actor,
      actorRole: r.actorRole ?? null,
      source: r.source,
      action: r.action,
      outcome: r.outcome,
      suggestionId: r.suggestionId ?? null,
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      beforeState: r.beforeState ?? null,
      afterState: r.afterState ?? null,
      message: r.message ?? '',
      details: r.details ?? null,
    })),
  );
}

export function auditOfSuggestion(db: DbOrTx, suggestionId: string) {
  return db.select().from(schema.auditLog).where(eq(schema.auditLog.suggestionId, suggestionId)).orderBy(asc(schema.auditLog.seq)).all();
}
