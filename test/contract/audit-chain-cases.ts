/**
 * Store contract cases for the tamper-evident audit log (issue 11): every row sealed with the
 * previous row's hash in its own transaction, UPDATE and DELETE refused by the database, and the
 * verifier naming the first row someone changed after dropping the triggers. Part of STORE_CASES
 * (store-cases.ts): run on both drivers, which must agree on every hash.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { verifyAuditChain } from '../../src/adapters/sqlite/audit-chain.ts';
import { appendAudit, type AuditRecord } from '../../src/adapters/sqlite/audit-store.ts';
import type { SqliteDb } from '../../src/adapters/sqlite/db.ts';
import * as schema from '../../src/adapters/sqlite/schema.ts';
import { messages, NOW, returning, type StoreCase } from './case-kit.ts';

const entry = (action: string, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  at: NOW.toISOString(),
  actor: 'ou_058147fa646dd791bb1efec68f22b0b0',
  source: 'card',
  action,
  outcome: 'ok',
  suggestionId: 'sg_chain',
  subjectType: 'assignment',
  subjectId: 'as_0',
  ...extra,
});

/** Five rows in three batches, one of them in a transaction that rolls back in between. */
function fiveRows(db: SqliteDb): void {
  appendAudit(db, [entry('sign', { actorRole: 'head', beforeState: 'pending_sign', afterState: 'signed' }), entry('report_progress', { message: '已调研', details: { reportId: 'pr_1', 数: [1, 2.5] } })]);
  try {
    db.transaction((tx) => {
      appendAudit(tx, [entry('answer', { message: 'rolled back' })]);
      throw new Error('rollback');
    });
  } catch {
    // the rolled-back row must leave no trace in the chain
  }
  db.transaction((tx) => appendAudit(tx, [entry('sign', { outcome: 'refused', details: { code: 'invalid_state' } }), entry('import_directory', { source: 'cli', suggestionId: null })]));
  appendAudit(db, [entry('close', { message: '办结' })]);
}

/** What a refused statement says, or that it went through. */
function attempt(run: () => unknown): string {
  try {
    run();
    return 'allowed';
  } catch (error) {
    return /append-only: (UPDATE|DELETE) refused/.exec(messages(error))?.[0] ?? messages(error);
  }
}

const hashes = (db: SqliteDb) => db.select({ seq: schema.auditLog.seq, hash: schema.auditLog.hash }).from(schema.auditLog).orderBy(asc(schema.auditLog.seq)).all();

export const AUDIT_CHAIN_CASES: StoreCase[] = [
  returning(
    'audit-chain: every row is sealed in its transaction; a rollback leaves the chain whole; both drivers agree on the hashes',
    (db) => {
      fiveRows(db);
      const rows = hashes(db);
      return {
        seqs: rows.map((r) => r.seq),
        allHex: rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash ?? '')),
        distinct: new Set(rows.map((r) => r.hash)).size,
        verdict: verifyAuditChain(db),
      };
    },
    {
      seqs: [1, 2, 3, 4, 5],
      allHex: true,
      distinct: 5,
      verdict: { ok: true, rows: 5, sealed: 5, unsealed: 0, lastHash: '04d5404cadcc019ff76f70bdde0a88d392d425afa1ad7ff76fa3cfcd0ac6ebda' },
    },
  ),
  returning(
    'audit-chain: the database refuses UPDATE and DELETE of the audit log, and the log is unchanged',
    (db) => {
      fiveRows(db);
      return {
        update: attempt(() => db.update(schema.auditLog).set({ message: 'rewritten' }).where(eq(schema.auditLog.seq, 2)).run()),
        updateRaw: attempt(() => db.run(sql`UPDATE audit_log SET hash = NULL`)),
        delete: attempt(() => db.delete(schema.auditLog).where(eq(schema.auditLog.seq, 5)).run()),
        deleteAll: attempt(() => db.run(sql`DELETE FROM audit_log`)),
        verdict: verifyAuditChain(db).ok,
        messageOf2: db.select({ m: schema.auditLog.message }).from(schema.auditLog).where(eq(schema.auditLog.seq, 2)).get()?.m,
      };
    },
    {
      update: 'append-only: UPDATE refused',
      updateRaw: 'append-only: UPDATE refused',
      delete: 'append-only: DELETE refused',
      deleteAll: 'append-only: DELETE refused',
      verdict: true,
      messageOf2: '已调研',
    },
  ),
  returning(
    'audit-chain: with the triggers dropped, a changed text, a rewritten details JSON or a removed row is named by verify',
    (db) => {
      const out: Record<string, unknown> = {};
      fiveRows(db);
      db.run(sql`DROP TRIGGER audit_log_no_update`);
      db.run(sql`DROP TRIGGER audit_log_no_delete`);
      db.run(sql`UPDATE audit_log SET message = '已调研完毕' WHERE seq = 2`);
      out.changedText = verifyAuditChain(db);
      db.run(sql`UPDATE audit_log SET message = '已调研' WHERE seq = 2`);
      out.restored = verifyAuditChain(db).ok;
      db.run(sql`UPDATE audit_log SET details = '{"code":"ok"}' WHERE seq = 3`);
      out.changedDetails = verifyAuditChain(db);
      db.run(sql`UPDATE audit_log SET details = '{"code":"invalid_state"}' WHERE seq = 3`);
      db.run(sql`DELETE FROM audit_log WHERE seq = 4`);
      out.removed = verifyAuditChain(db);
      return out;
    },
    {
      changedText: { ok: false, rows: 2, brokenSeq: 2, reason: 'hash does not match the row and the previous hash' },
      restored: true,
      changedDetails: { ok: false, rows: 3, brokenSeq: 3, reason: 'hash does not match the row and the previous hash' },
      removed: { ok: false, rows: 4, brokenSeq: 4, reason: 'row missing (next row is 5)' },
    },
  ),
  returning(
    'audit-chain: rows written before the chain began are counted as unsealed; an unsealed row after them breaks it',
    (db) => {
      const legacy = { at: NOW.toISOString(), actor: 'ou_legacy', source: 'cli' as const, action: 'import_directory', outcome: 'ok' as const, subjectType: 'directory', subjectId: 'directory' };
      db.insert(schema.auditLog).values([legacy, legacy]).run();
      appendAudit(db, [entry('sign'), entry('close')]);
      const before = verifyAuditChain(db);
      db.insert(schema.auditLog).values(legacy).run();
      const { ok, rows } = before;
      return { before: { ok, rows, unsealed: before.ok ? before.unsealed : -1 }, after: verifyAuditChain(db) };
    },
    {
      before: { ok: true, rows: 4, unsealed: 2 },
      after: { ok: false, rows: 5, brokenSeq: 5, reason: 'hash missing after the chain began' },
    },
  ),
];
