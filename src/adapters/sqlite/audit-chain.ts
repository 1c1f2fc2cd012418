/**
 * The audit log's hash chain: each row carries SHA-256 over a canonical serialisation of itself
 * and the previous row's hash, so a row changed, removed or slipped in after the fact breaks every
 * hash after it. The database already refuses UPDATE and DELETE (triggers of migration
 * audit_chain); the chain proves it to someone who does not trust the database either —
 * `duban audit verify`, `GET /api/audit/verify`.
 *
 * The hash is computed in the insert's own transaction from the last row actually in the table
 * (one SELECT by primary key per batch, not per row), never from a cached value: a cache would
 * outlive a rolled-back transaction and a write of another process (the CLI beside the server).
 * The row's `seq` is set explicitly to the last one plus one and is part of what is hashed, so
 * two writers racing for the same place collide on the primary key instead of forking the chain.
 */
import { createHash } from 'node:crypto';
import { asc, desc, gt, sql } from 'drizzle-orm';
import { connectionOf, type DbOrTx } from './db.ts';
import * as schema from './schema.ts';

/** The previous hash of the first row of the chain. */
export const GENESIS = '';

/** What is hashed of a row: every column but the hash itself, `details` as the JSON text stored. */
export interface ChainedFields {
  seq: number;
  at: string;
  actor: string;
  actorRole: string | null;
  source: string;
  action: string;
  outcome: string;
  suggestionId: string | null;
  subjectType: string;
  subjectId: string;
  beforeState: string | null;
  afterState: string | null;
  message: string;
  /** The column's text as stored (drizzle's json mode stores JSON.stringify of the value), or null. */
  detailsJson: string | null;
}

/**
 * A JSON array in a fixed column order: unambiguous (every string quoted and escaped), the same
 * on Node and on Workers, and independent of how a driver orders an object's keys.
 */
export function canonicalRow(row: ChainedFields, previousHash: string): string {
  return JSON.stringify([
    row.seq,
    row.at,
    row.actor,
    row.actorRole,
    row.source,
    row.action,
    row.outcome,
    row.suggestionId,
    row.subjectType,
    row.subjectId,
    row.beforeState,
    row.afterState,
    row.message,
    row.detailsJson,
    previousHash,
  ]);
}

export function chainHash(row: ChainedFields, previousHash: string): string {
  return createHash('sha256').update(canonicalRow(row, previousHash), 'utf8').digest('hex');
}

/** Where the next row goes: the last row's seq and hash (GENESIS when the log is empty or unsealed). */
export function chainTip(tx: Pick<DbOrTx, 'select'>): { seq: number; hash: string } {
  const last = lastRow(tx).get();
  return last ? { seq: last.seq, hash: last.hash ?? GENESIS } : { seq: 0, hash: GENESIS };
}

/** The last row's read, prepared once per connection: every change appends to the log (issue 11). */
const lastRows = new WeakMap<object, ReturnType<typeof prepareLastRow>>();
function lastRow(db: Pick<DbOrTx, 'select'>) {
  const connection = connectionOf(db as DbOrTx);
  let statement = lastRows.get(connection);
  if (!statement) lastRows.set(connection, (statement = prepareLastRow(db)));
  return statement;
}
const prepareLastRow = (db: Pick<DbOrTx, 'select'>) =>
  db.select({ seq: schema.auditLog.seq, hash: schema.auditLog.hash }).from(schema.auditLog).orderBy(desc(schema.auditLog.seq)).limit(1).prepare();

export type AuditVerdict =
  | { ok: true; rows: number; sealed: number; unsealed: number; lastHash: string }
  | { ok: false; rows: number; brokenSeq: number; reason: string };

const PAGE = 500;

/**
 * Walks the whole log in seq order, a page at a time, recomputing every hash. Rows written before
 * the chain began (hash null, all before the first sealed row) are counted as unsealed; a null
 * hash after a sealed row, a gap in seq, or a hash that does not match names the first broken row.
 */
export function verifyAuditChain(db: Pick<DbOrTx, 'select'>): AuditVerdict {
  const walk = auditChainWalk(db);
  for (;;) {
    const verdict = walk.next();
    if (verdict) return verdict;
  }
}

/**
 * The same walk one page per `next()` (undefined until the verdict), so a server can let other
 * work run between pages instead of holding its event loop for the whole log.
 */
export function auditChainWalk(db: Pick<DbOrTx, 'select'>, pageSize = PAGE): { next(): AuditVerdict | undefined } {
  const t = schema.auditLog;
  let previous = GENESIS;
  let expectedSeq: number | null = null;
  let rows = 0;
  let sealed = 0;
  let unsealed = 0;
  let after = 0;
  const next = (): AuditVerdict | undefined => {
    const page = db
      .select({
        seq: t.seq,
        at: t.at,
        actor: t.actor,
        actorRole: t.actorRole,
        source: t.source,
        action: t.action,
        outcome: t.outcome,
        suggestionId: t.suggestionId,
        subjectType: t.subjectType,
        subjectId: t.subjectId,
        beforeState: t.beforeState,
        afterState: t.afterState,
        message: t.message,
        // The stored text, not drizzle's parsed value: a rewritten JSON text must show.
        detailsJson: sql<string | null>`${t.details}`.mapWith((v: unknown) => (v === null || v === undefined ? null : String(v))),
        hash: t.hash,
      })
      .from(t)
      .where(gt(t.seq, after))
      .orderBy(asc(t.seq))
      .limit(pageSize)
      .all();
    for (const row of page) {
      rows += 1;
      if (row.hash === null) {
        if (sealed > 0) return { ok: false, rows, brokenSeq: row.seq, reason: 'hash missing after the chain began' };
        unsealed += 1;
        continue;
      }
      if (sealed > 0 && expectedSeq !== null && row.seq !== expectedSeq) {
        return { ok: false, rows, brokenSeq: expectedSeq, reason: `row missing (next row is ${row.seq})` };
      }
      if (chainHash(row, previous) !== row.hash) {
        return { ok: false, rows, brokenSeq: row.seq, reason: 'hash does not match the row and the previous hash' };
      }
      previous = row.hash;
      expectedSeq = row.seq + 1;
      sealed += 1;
    }
    if (page.length < pageSize) return { ok: true, rows, sealed, unsealed, lastHash: previous };
    after = page[page.length - 1]!.seq;
    return undefined;
  };
  return { next };
}
