/**
 * The append-only audit log (SPEC §2), tamper-evident (audit-chain.ts). Entries are written in the same transaction as the
 * change they describe; refusals are written on their own, since nothing else changes.
 */
import { asc, eq } from 'drizzle-orm';
import type { ActionSource } from '../../core/actor.ts';
import * as schema from './schema.ts';
import { insertMany, type DbOrTx } from './db.ts';
import { chainHash, chainTip } from './audit-chain.ts';

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

/**
 * Appends `records` to the log, each sealed with the hash chain (audit-chain.ts): run it inside
 * the transaction of the change it describes, so a rollback takes the rows and their hashes alike.
 */
export function appendAudit(tx: DbOrTx, records: AuditRecord[]): void {
  if (records.length === 0) return;
  let { seq, hash } = chainTip(tx);
  const rows = records.map((r) => {
    seq += 1;
    const fields = {
      seq,
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
    };
    const details = r.details ?? null;
    // drizzle's json mode stores JSON.stringify(details); the hash covers that very text.
    hash = chainHash({ ...fields, detailsJson: details === null ? null : JSON.stringify(details) }, hash);
    return { ...fields, details, hash };
  });
  insertMany(tx, schema.auditLog, rows);
}

export function auditOfSuggestion(db: DbOrTx, suggestionId: string) {
  return db.select().from(schema.auditLog).where(eq(schema.auditLog.suggestionId, suggestionId)).orderBy(asc(schema.auditLog.seq)).all();
}
