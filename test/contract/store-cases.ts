/**
 * The store contract (issue 9): every store of src/adapters/sqlite, the transaction semantics
 * they rely on, and one command through `dispatch`, written once against `SqliteDb` and run on
 * both drivers — better-sqlite3 (test/store-contract.test.ts) and a Durable Object's SQLite
 * (test/workers/contract-worker.ts, under `wrangler dev`) — with the same expectation each.
 *
 * A case gets a fresh migrated database and returns plain JSON; random ids are returned as labels
 * (`ob#2`), people by their role in the sample directory (`jtw.liaison1`). Bundled into the test
 * Worker: no Node, no vitest here.
 */
import { asc, eq, getTableName, is, sql, TransactionRollbackError } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import journal from '../../migrations/meta/_journal.json' with { type: 'json' };
import { loadAggregate, saveAggregate, suggestionIdOf } from '../../src/adapters/sqlite/aggregate-store.ts';
import { appendAudit, auditOfSuggestion, type AuditRecord } from '../../src/adapters/sqlite/audit-store.ts';
import { cardRecord, currentCopy, isRepost, liveCardsSentBy, liveCopies, markCardSent, postedCard, retireCards } from '../../src/adapters/sqlite/card-store.ts';
import { chatOfSuggestion, recordChat, suggestionOfChat } from '../../src/adapters/sqlite/chat-store.ts';
import type { SqliteDb } from '../../src/adapters/sqlite/db.ts';
import { defaultDeadlineContext, ensureDeadlineIndex } from '../../src/adapters/sqlite/deadline-index.ts';
import { loadDirectory, readLeaders, resolveActor, unitExists, unitName } from '../../src/adapters/sqlite/directory-store.ts';
import { claimEvent } from '../../src/adapters/sqlite/event-store.ts';
import { messageStore, storeBotMessage, transactionalRecorder, type IncomingMessage, type MessageRecorder } from '../../src/adapters/sqlite/message-store.ts';
import {
  dueRows,
  groupCreation,
  hasLaterPatch,
  listOutbox,
  markFailed,
  markSent,
  markSkipped,
  nextAttemptAt,
  pendingAtLeast,
  reschedule,
  retryFailed,
  type OutboxRow,
} from '../../src/adapters/sqlite/outbox-store.ts';
import { outboxWriter } from '../../src/adapters/sqlite/outbox-writer.ts';
import * as schema from '../../src/adapters/sqlite/schema.ts';
import { loadStatsAggregates, unitNames } from '../../src/adapters/sqlite/stats-store.ts';
import { loadLedgerSource } from '../../src/adapters/sqlite/ledger-store.ts';
import { loadPublication } from '../../src/adapters/sqlite/publication-store.ts';
import { membersOfLead, mergeOfMember, recordMerges, suggestionNumbers, suggestionsInMerges } from '../../src/adapters/sqlite/merge-store.ts';
import { sweepStore, type ReminderClaim } from '../../src/adapters/sqlite/sweep-store.ts';
import { dispatch, type DispatchDeps } from '../../src/app/dispatch.ts';
import { recordGroupMessage } from '../../src/app/group-messages.ts';
import { importSuggestions } from '../../src/app/import/import-suggestions.ts';
import { newId } from '../../src/core/ids.ts';
import { newCommitment } from '../../src/core/lifecycle/index.ts';
import type { SuggestionAggregate } from '../../src/core/model.ts';
import { UNCATEGORISED } from '../../src/core/stats/compute.ts';
import { AUDIT_CHAIN_CASES } from './audit-chain-cases.ts';
import { IMPORT_CASES } from './import-cases.ts';
import { GROUP_CASES } from './group-cases.ts';
import { SEARCH_CASES, SEARCH_TABLES } from './search-cases.ts';
import { canonical, caught, count, idLabels, NOW, returning, roles, sampleRows, seed, throwing, TODAY, type CaseWorld, type StoreCase } from './case-kit.ts';

const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
/** Insertion order. */
const ROWID = sql`rowid`;

const appMeta = (db: Pick<SqliteDb, 'select'>) =>
  db
    .select()
    .from(schema.appMeta)
    .orderBy(asc(schema.appMeta.key))
    .all()
    .map((r) => `${r.key}=${r.value}`);
const putMeta = (db: Pick<SqliteDb, 'insert'>, key: string, value = '1') => db.insert(schema.appMeta).values({ key, value }).run();

/** The schema's own names: what the migrations must have created on either driver. */
const TABLES = Object.values(schema as Record<string, unknown>).filter((t): t is SQLiteTable => is(t, SQLiteTable));
const DECLARED = {
  tables: TABLES.map((t) => getTableName(t)).sort(),
  indexes: TABLES.flatMap((t) => {
    const config = getTableConfig(t);
    return [...config.indexes.map((i) => i.config.name), ...config.columns.filter((c) => c.isUnique).map((c) => c.uniqueName!)];
  }).sort(),
};

const DATABASE: StoreCase[] = [
  returning(
    'migrations: every table and index of the schema, each migration of the journal applied once',
    (db) => {
      const objects = db.all<{ type: string; name: string }>(sql`select type, name from sqlite_master where name not like 'sqlite!_%' escape '!' and name <> '__drizzle_migrations' order by name`);
      const applied = db.all<{ at: number }>(sql`select created_at as at from __drizzle_migrations order by id`);
      return {
        tables: objects.filter((o) => o.type === 'table').map((o) => o.name),
        indexes: objects.filter((o) => o.type === 'index').map((o) => o.name),
        applied: applied.map((m) => Number(m.at)),
      };
    },
    { ...DECLARED, tables: [...DECLARED.tables, ...SEARCH_TABLES].sort(), applied: journal.entries.map((e) => e.when) },
  ),

  returning(
    'transaction: what the callback returns is returned, and its writes are committed',
    (db) => {
      const returned = db.transaction((tx) => {
        putMeta(tx, 'a');
        putMeta(tx, 'b');
        return appMeta(tx);
      });
      return { returned, stored: appMeta(db) };
    },
    { returned: ['a=1', 'b=1'], stored: ['a=1', 'b=1'] },
  ),

  returning(
    'transaction: a throw undoes every write and reaches the caller',
    (db) => {
      putMeta(db, 'before');
      let inside: string[] = [];
      const error = caught(() =>
        db.transaction((tx) => {
          putMeta(tx, 'a');
          tx.update(schema.appMeta).set({ value: '2' }).where(eq(schema.appMeta.key, 'before')).run();
          inside = appMeta(tx);
          throw new Error('the change failed');
        }),
      );
      return { inside, error, stored: appMeta(db) };
    },
    { inside: ['a=1', 'before=2'], error: { name: 'Error', message: 'the change failed' }, stored: ['before=1'] },
  ),

  returning(
    'transaction: tx.rollback() undoes the writes and throws a TransactionRollbackError',
    (db) => {
      let error: unknown;
      try {
        db.transaction((tx) => {
          putMeta(tx, 'a');
          tx.rollback();
        });
      } catch (e) {
        error = e;
      }
      return { rollbackError: error instanceof TransactionRollbackError, stored: appMeta(db) };
    },
    { rollbackError: true, stored: [] },
  ),

  returning(
    'transaction: a nested transaction that throws undoes only its own writes (a savepoint)',
    (db) => {
      db.transaction((tx) => {
        putMeta(tx, 'outer-before');
        const error = caught(() =>
          tx.transaction((sp) => {
            putMeta(sp, 'inner');
            sp.update(schema.appMeta).set({ value: '2' }).where(eq(schema.appMeta.key, 'outer-before')).run();
            throw new Error('inner failed');
          }),
        );
        putMeta(tx, `outer-after ${error?.message}`);
      });
      return appMeta(db);
    },
    ['outer-after inner failed=1', 'outer-before=1'],
  ),

  returning(
    'transaction: savepoints nest; a nested part that succeeded is undone with the outer transaction',
    (db) => {
      db.transaction((tx) => {
        putMeta(tx, 'level1');
        tx.transaction((sp1) => {
          putMeta(sp1, 'level2');
          caught(() =>
            sp1.transaction((sp2) => {
              putMeta(sp2, 'level3');
              throw new Error('level 3 failed');
            }),
          );
          putMeta(sp1, 'level2-after');
        });
      });
      const committed = appMeta(db);
      const error = caught(() =>
        db.transaction((tx) => {
          tx.transaction((sp) => putMeta(sp, 'released'));
          throw new Error('outer failed');
        }),
      );
      return { committed, error: error?.message, afterOuterFailed: appMeta(db) };
    },
    {
      committed: ['level1=1', 'level2=1', 'level2-after=1'],
      error: 'outer failed',
      afterOuterFailed: ['level1=1', 'level2=1', 'level2-after=1'],
    },
  ),

  returning(
    'transaction: a transaction opened on the database while one is open is a savepoint of it',
    (db) => {
      // As when a text command's handler (which opens its own transaction) runs in its message's.
      db.transaction(() => {
        putMeta(db, 'message');
        caught(() =>
          db.transaction(() => {
            putMeta(db, 'command');
            throw new Error('refused');
          }),
        );
        db.transaction(() => putMeta(db, 'answer'));
      });
      return appMeta(db);
    },
    ['answer=1', 'message=1'],
  ),

  returning(
    'transaction: a statement that fails inside is caught, and the rest of the transaction commits',
    (db) => {
      putMeta(db, 'taken');
      const error = db.transaction((tx) => {
        putMeta(tx, 'first');
        const failed = caught(() => putMeta(tx, 'taken', 'again'));
        putMeta(tx, 'last');
        return failed;
      });
      return { failed: /UNIQUE constraint failed: app_meta\.key/.test(error?.message ?? ''), stored: appMeta(db) };
    },
    { failed: true, stored: ['first=1', 'last=1', 'taken=1'] },
  ),
];

/**
 * One of each prepared write — the outbox writer's, the message store's, the sweep's claim —
 * prepared here, on the database itself, before any transaction is open.
 */
function preparedWrites(db: SqliteDb, world: CaseWorld) {
  const outbox = outboxWriter(db);
  const messages = messageStore(db);
  const sweep = sweepStore(db);
  const write = (what: string) => {
    outbox.enqueue(null, { kind: 'send_text', chatId: 'oc_supervisors', text: what }, world.now);
    outbox.postCard({ suggestionId: null, kind: 'digest', subjectId: `2026-W07-${what}`, chatId: 'oc_supervisors' }, world.now);
    const stored = messages(message(`om_${what}`, 'oc_elsewhere', what), world.now.toISOString());
    const claimed = sweep.claimReminder({ key: `k-${what}`, suggestionId: 'sg_none', subjectId: 'as_none', kind: 'sign', dueOn: TODAY, level: 'notice', day: TODAY }, world.now.toISOString());
    return { stored: stored.stored, claimed };
  };
  const rows = () => ({
    outbox: listOutbox(db).map((r) => (r.payload.kind === 'send_text' ? r.payload.text : r.kind)),
    cards: db.select().from(schema.cardMessages).orderBy(ROWID).all().map((c) => c.subjectId),
    messages: db.select().from(schema.groupMessages).orderBy(ROWID).all().map((m) => m.text),
    reminders: db.select().from(schema.remindersSent).orderBy(ROWID).all().map((r) => r.key),
  });
  return { write, rows };
}

function message(messageId: string, chatId: string, text: string, sentAt = NOW.toISOString()): IncomingMessage {
  return {
    messageId,
    chatId,
    senderOpenId: 'ou_72afde65437b68100dcdda5507f96fdb', // d01
    msgType: 'text',
    text,
    content: JSON.stringify({ text }),
    rootId: null,
    parentId: null,
    threadId: null,
    sentAt,
  };
}

const PREPARED: StoreCase[] = [
  returning(
    'prepared statements: prepared once on the database, they write inside the open transaction and are undone with it',
    (db, world) => {
      const { write, rows } = preparedWrites(db, world);
      let inside: ReturnType<typeof rows> | undefined;
      const error = caught(() =>
        db.transaction(() => {
          write('a');
          inside = rows();
          throw new Error('rolled back');
        }),
      );
      const afterRollback = rows();
      const again = db.transaction(() => write('a'));
      return { inside, error: error?.message, afterRollback, again, committed: rows() };
    },
    {
      inside: { outbox: ['a', 'send_card'], cards: ['2026-W07-a'], messages: ['a'], reminders: ['k-a'] },
      error: 'rolled back',
      afterRollback: { outbox: [], cards: [], messages: [], reminders: [] },
      again: { stored: true, claimed: true },
      committed: { outbox: ['a', 'send_card'], cards: ['2026-W07-a'], messages: ['a'], reminders: ['k-a'] },
    },
  ),

  returning(
    'prepared statements: inside a nested transaction that throws, only the inner writes are undone',
    (db, world) => {
      const { write, rows } = preparedWrites(db, world);
      const inner = db.transaction((tx) => {
        write('outer');
        const error = caught(() =>
          tx.transaction(() => {
            write('inner');
            throw new Error('inner failed');
          }),
        );
        write('outer-after');
        return error?.message;
      });
      const committed = rows();
      // The undone claim and message can be made again.
      return { inner, committed, retried: write('inner') };
    },
    {
      inner: 'inner failed',
      committed: {
        outbox: ['outer', 'send_card', 'outer-after', 'send_card'],
        cards: ['2026-W07-outer', '2026-W07-outer-after'],
        messages: ['outer', 'outer-after'],
        reminders: ['k-outer', 'k-outer-after'],
      },
      retried: { stored: true, claimed: true },
    },
  ),

  returning(
    'columns: JSON and boolean columns round-trip, stored as JSON text and 0/1',
    (db, world) => {
      const { id } = seed(db, world, ['0001', '0024']);
      const s = schema.suggestions;
      const flags = (number: string) => db.select({ key: s.key, classified: s.classified }).from(s).where(eq(s.id, id(number))).get();
      const before = { '0001': flags('0001'), '0024': flags('0024') };
      db.update(s).set({ key: false, classified: true }).where(eq(s.id, id('0001'))).run();
      const raw = db.get<{ key: number; classified: number }>(sql`select key, classified from suggestions where id = ${id('0001')}`);

      const details = { zh: '签收 ✓', n: 1.5, list: [1, '二', null, true, { deep: { er: [] } }], empty: {}, quote: 'it\'s "quoted"\n' };
      appendAudit(db, [{ at: NOW.toISOString(), actor: 'system:cli', source: 'cli', action: 'note', outcome: 'ok', suggestionId: id('0001'), subjectType: 'suggestion', subjectId: id('0001'), details }]);
      const audit = auditOfSuggestion(db, id('0001')).at(-1)!;

      const obId = outboxWriter(db).enqueue(id('0001'), { kind: 'add_members', openIds: ['ou_a', 'ou_b'] }, world.now);
      markSent(db, obId, world.now, { chat_id: 'oc_1', invalid_id_list: [], n: 0 });
      const row = listOutbox(db).find((r) => r.id === obId)!;
      const stored = db.get<{ type: string; valid: number; kind: string; second: string }>(
        sql`select typeof(payload) as type, json_valid(payload) as valid, json_extract(payload, '$.kind') as kind, json_extract(payload, '$.openIds[1]') as second from outbox where id = ${obId}`,
      );
      const deadline = db.select({ explanation: schema.openDeadlines.explanation }).from(schema.openDeadlines).where(eq(schema.openDeadlines.suggestionId, id('0001'))).limit(1).get()!;
      const facts = sweepStore(db).suggestionFacts([id('0024')]).get(id('0024'))!;
      return {
        before,
        after: flags('0001'),
        raw,
        details: { same: canonical(audit.details) === canonical(details), value: audit.details },
        payload: row.payload,
        result: row.result,
        stored,
        explanation: typeof deadline.explanation,
        facts: { key: facts.key, classified: facts.classified },
      };
    },
    {
      before: { '0001': { key: true, classified: false }, '0024': { key: false, classified: true } },
      after: { key: false, classified: true },
      raw: { key: 0, classified: 1 },
      details: { same: true, value: { zh: '签收 ✓', n: 1.5, list: [1, '二', null, true, { deep: { er: [] } }], empty: {}, quote: 'it\'s "quoted"\n' } },
      payload: { kind: 'add_members', openIds: ['ou_a', 'ou_b'] },
      result: { chat_id: 'oc_1', invalid_id_list: [], n: 0 },
      stored: { type: 'text', valid: 1, kind: 'add_members', second: 'ou_b' },
      explanation: 'object',
      facts: { key: false, classified: true },
    },
  ),
];

function aggregateSummary(agg: SuggestionAggregate | undefined, label: (id: string | null) => string | null) {
  if (!agg) return null;
  const s = agg.suggestion;
  return {
    suggestion: { id: label(s.id), number: s.number, kind: s.kind, timing: s.timing, key: s.key, keyLeader: s.keyLeader, classified: s.classified, status: s.status, version: s.version, boardLight: s.boardLight },
    deputies: agg.deputies.map((d) => `${d.position}:${d.role}:${d.deputyId}:${d.name}`),
    assignments: agg.assignments.map((a) => `${label(a.id)}:${a.unitId}:${a.role}:${a.state}:${a.assignedOn}`),
    children: [agg.reassignmentRequests, agg.progressReports, agg.contacts, agg.coOpinions, agg.answers, agg.commitments, agg.evaluations, agg.nudges, agg.extensionRequests].map((rows) => rows.length),
  };
}

/** The next aggregate as a lifecycle would return it: the lead unit signed, new rows of most kinds. */
function nextOf(before: SuggestionAggregate, byWhom: string, at: string): SuggestionAggregate {
  const next = structuredClone(before);
  const s = next.suggestion;
  s.version++;
  s.updatedAt = at;
  s.title = `${s.title}（修订）`;
  const lead = next.assignments[0]!;
  Object.assign(lead, { state: 'signed', signedAt: at });
  const base = { suggestionId: s.id, assignmentId: lead.id };
  next.progressReports.push({ id: newId('pr'), ...base, text: '已完成线网调查', reportedBy: byWhom, reportedAt: at });
  next.contacts.push({ id: newId('ct'), ...base, method: 'phone', date: '2026-02-11', note: '', recordedBy: byWhom, recordedAt: at, confirmedBy: null, confirmedAt: null, disputedBy: null, disputedAt: null, disputeReason: null });
  const answerId = newId('an');
  next.answers.push({
    id: answerId,
    ...base,
    round: 1,
    resultClass: 'B',
    summary: '列入年度计划',
    public: false,
    privateReason: '涉及未公开规划',
    status: 'pending_approval',
    submittedBy: byWhom,
    submittedAt: at,
    decidedBy: null,
    decidedAt: null,
    returnReason: null,
    reviewedBy: null,
    reviewedAt: null,
  });
  next.commitments.push(newCommitment(newId('cm'), s.id, lead.id, answerId, '年内新增微循环线路 3 条', '2026-12-31'));
  next.nudges.push({ id: newId('nd'), ...base, deputyId: 'd01', day: '2026-02-11', nudgedBy: byWhom, nudgedAt: at });
  next.extensionRequests.push({
    id: newId('xr'),
    ...base,
    until: '2026-06-30',
    reason: '涉及多部门协调',
    requestedBy: byWhom,
    requestedAt: at,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    grantedUntil: null,
    decisionReason: null,
  });
  return next;
}

/** Two writers load suggestion 0001 at the same version; the first saves its change. */
function twoWriters(db: SqliteDb, world: CaseWorld) {
  const { id } = seed(db, world);
  const before = loadAggregate(db, id('0001'))!;
  const save = (who: string) => db.transaction((tx) => saveAggregate(tx, before, nextOf(before, who, NOW.toISOString())));
  save('ou_first');
  return { suggestionId: id('0001'), secondSaves: () => save('ou_second') };
}

const AGGREGATES: StoreCase[] = [
  returning(
    'aggregate-store: loads a suggestion with its deputies in order and every child row',
    (db, world) => {
      const { id, label } = seed(db, world, ['0001', '0006']);
      const first = loadAggregate(db, id('0001'));
      const split = loadAggregate(db, id('0006'));
      return {
        first: aggregateSummary(first, label),
        split: aggregateSummary(split, label),
        missing: loadAggregate(db, 'sg_missing') === undefined,
        owner: {
          ofAssignment: label(suggestionIdOf(db, { assignmentId: first!.assignments[1]!.id }) ?? null),
          ofSuggestion: label(suggestionIdOf(db, { suggestionId: id('0006') }) ?? null),
          ofUnknown: suggestionIdOf(db, { answerId: 'an_missing' }) ?? null,
        },
      };
    },
    {
      first: {
        suggestion: {
          id: 'sg#1',
          number: '0001',
          kind: 'suggestion',
          timing: 'session',
          key: true,
          keyLeader: '常务副市长 陈建华',
          classified: false,
          status: 'open',
          version: 1,
          boardLight: 'yellow',
        },
        deputies: ['0:lead:d01:张立新', '1:co:d02:李红梅', '2:co:d03:王建国'],
        assignments: ['as#1:jtw:lead:pending_sign:2026-02-10', 'as#2:cgj:co:pending_sign:2026-02-10'],
        children: [0, 0, 0, 0, 0, 0, 0, 0, 0],
      },
      split: {
        suggestion: {
          id: 'sg#2',
          number: '0006',
          kind: 'suggestion',
          timing: 'session',
          key: false,
          keyLeader: null,
          classified: false,
          status: 'open',
          version: 1,
          boardLight: 'yellow',
        },
        deputies: ['0:lead:d10:周玉兰', '1:co:d11:徐国平'],
        assignments: ['as#3:sthjj:split:pending_sign:2026-02-10', 'as#4:slj:split:pending_sign:2026-02-10'],
        children: [0, 0, 0, 0, 0, 0, 0, 0, 0],
      },
      missing: true,
      owner: { ofAssignment: 'sg#1', ofSuggestion: 'sg#2', ofUnknown: null },
    },
  ),

  returning(
    'aggregate-store: save inserts new rows and updates changed ones; the loaded result is what was saved',
    (db, world) => {
      const { id, label } = seed(db, world);
      const liaison = world.directory.units.find((u) => u.id === 'jtw')!.liaisons[0]!;
      const before = loadAggregate(db, id('0001'))!;
      const other = canonical(loadAggregate(db, id('0002')));
      const next = nextOf(before, liaison, '2026-02-11T02:00:00.000Z');
      db.transaction((tx) => saveAggregate(tx, before, next));
      const saved = loadAggregate(db, id('0001'))!;
      // Saved again unchanged: nothing to write but the version check.
      const again = structuredClone(saved);
      again.suggestion.version++;
      db.transaction((tx) => saveAggregate(tx, saved, again));
      const { suggestion, assignments, children } = aggregateSummary(saved, label)!;
      return {
        sameAsSaved: canonical(saved) === canonical(next),
        otherUntouched: canonical(loadAggregate(db, id('0002'))) === other,
        saved: { version: suggestion.version, assignments, children },
        answer: { public: saved.answers[0]!.public, privateReason: saved.answers[0]!.privateReason },
        versionAfterUnchangedSave: loadAggregate(db, id('0001'))!.suggestion.version,
      };
    },
    {
      sameAsSaved: true,
      otherUntouched: true,
      saved: { version: 2, assignments: ['as#1:jtw:lead:signed:2026-02-10', 'as#2:cgj:co:pending_sign:2026-02-10'], children: [0, 1, 1, 0, 1, 1, 0, 1, 1] },
      answer: { public: false, privateReason: '涉及未公开规划' },
      versionAfterUnchangedSave: 3,
    },
  ),

  throwing(
    'aggregate-store: a save from a version someone else has saved since is refused (stale)',
    (db, world) => twoWriters(db, world).secondSaves(),
    { name: 'DomainError', code: 'stale', message: 'This suggestion was changed by someone else; try again (该建议刚被其他人更新，请重试)' },
  ),

  returning(
    'aggregate-store: after a stale refusal the first writer’s change is what is stored',
    (db, world) => {
      const writers = twoWriters(db, world);
      const error = caught(writers.secondSaves);
      const stored = loadAggregate(db, writers.suggestionId)!;
      return { code: error?.code, version: stored.suggestion.version, reporters: stored.progressReports.map((r) => r.reportedBy), answers: stored.answers.length };
    },
    { code: 'stale', version: 2, reporters: ['ou_first'], answers: 1 },
  ),
];

const auditRecord = (suggestionId: string | null, action: string, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  at: NOW.toISOString(),
  actor: 'ou_058147fa646dd791bb1efec68f22b0b0',
  source: 'card',
  action,
  outcome: 'ok',
  suggestionId,
  subjectType: 'assignment',
  subjectId: 'as_0',
  ...extra,
});

const LOGS: StoreCase[] = [
  returning(
    'audit-store: entries are appended in order and read back by suggestion, defaults filled',
    (db) => {
      const [a, b] = [newId('sg'), newId('sg')];
      appendAudit(db, [auditRecord(a, 'sign', { actorRole: 'head', beforeState: 'pending_sign', afterState: 'signed' }), auditRecord(b, 'sign')]);
      appendAudit(db, []);
      db.transaction((tx) => appendAudit(tx, [auditRecord(a, 'report_progress', { message: '已调研', details: { reportId: 'pr_1' } }), auditRecord(null, 'import_directory', { source: 'cli' })]));
      appendAudit(db, [auditRecord(a, 'sign', { outcome: 'refused', message: '当前状态（办理中）不能签收', details: { code: 'invalid_state' } })]);
      return {
        ofA: auditOfSuggestion(db, a).map(({ seq, action, outcome, actorRole, beforeState, afterState, message, details }) => ({ seq, action, outcome, actorRole, beforeState, afterState, message, details })),
        ofB: auditOfSuggestion(db, b).map((e) => e.seq),
        total: count(db, 'audit_log'),
      };
    },
    {
      ofA: [
        { seq: 1, action: 'sign', outcome: 'ok', actorRole: 'head', beforeState: 'pending_sign', afterState: 'signed', message: '', details: null },
        { seq: 3, action: 'report_progress', outcome: 'ok', actorRole: null, beforeState: null, afterState: null, message: '已调研', details: { reportId: 'pr_1' } },
        { seq: 5, action: 'sign', outcome: 'refused', actorRole: null, beforeState: null, afterState: null, message: '当前状态（办理中）不能签收', details: { code: 'invalid_state' } },
      ],
      ofB: [2],
      total: 5,
    },
  ),

  returning(
    'event-store: an event is claimed once; a claim in a rolled-back transaction is not kept',
    (db, world) => {
      const event = { id: 'ev_5e1f0c', type: 'card.action.trigger' };
      const first = claimEvent(db, event, world.now);
      const second = claimEvent(db, event, world.now);
      const other = { id: 'ev_77a0', type: 'im.message.receive_v1' };
      caught(() =>
        db.transaction((tx) => {
          claimEvent(tx, other, world.now);
          throw new Error('the handling failed');
        }),
      );
      const afterRollback = db.transaction((tx) => claimEvent(tx, other, world.now));
      return { first, second, afterRollback, rows: db.select().from(schema.processedEvents).orderBy(asc(schema.processedEvents.eventId)).all() };
    },
    {
      first: true,
      second: false,
      afterRollback: true,
      rows: [
        { eventId: 'ev_5e1f0c', eventType: 'card.action.trigger', receivedAt: '2026-02-10T01:00:00.000Z' },
        { eventId: 'ev_77a0', eventType: 'im.message.receive_v1', receivedAt: '2026-02-10T01:00:00.000Z' },
      ],
    },
  ),

  returning(
    'chat-store: one group per suggestion, found both ways; a second record is ignored',
    (db, world) => {
      const { id, label } = seed(db, world);
      recordChat(db, id('0001'), 'oc_0001', world.now);
      recordChat(db, id('0001'), 'oc_0001', later(1));
      recordChat(db, id('0001'), 'oc_other', later(2));
      return {
        chat: chatOfSuggestion(db, id('0001')),
        owner: label(suggestionOfChat(db, 'oc_0001')) === label(id('0001')),
        none: [chatOfSuggestion(db, id('0002')) ?? null, suggestionOfChat(db, 'oc_other') ?? null],
        rows: db.select({ chatId: schema.suggestionChats.chatId, createdAt: schema.suggestionChats.createdAt }).from(schema.suggestionChats).all(),
      };
    },
    { chat: 'oc_0001', owner: true, none: [null, null], rows: [{ chatId: 'oc_0001', createdAt: '2026-02-10T01:00:00.000Z' }] },
  ),

  returning(
    'directory-store: loading is idempotent, changes are tallied, and people resolve to their roles',
    (db, world) => {
      const first = loadDirectory(db, world.directory);
      const second = loadDirectory(db, world.directory);
      const changed = structuredClone(world.directory);
      const jtw = changed.units.find((u) => u.id === 'jtw')!;
      jtw.name = '市交通运输局';
      changed.units.find((u) => u.id === 'jw')!.liaisons.push('ou_0000000000000000000000000000aaaa');
      changed.deputies[0]!.delegation = '渝北区代表团';
      changed.deputies.push({ id: 'd99', name: '新代表', open_id: jtw.head });
      changed.supervisors = [changed.supervisors[0]!, 'ou_0000000000000000000000000000bbbb'];
      changed.leaders = [
        { id: 'L01', name: '陈建华', open_id: 'ou_0000000000000000000000000000cccc', title: '常务副市长' },
        { id: 'L02', name: '刘晓敏', open_id: 'ou_0000000000000000000000000000dddd' },
      ];
      const third = loadDirectory(db, changed);
      changed.leaders[0]!.title = '市长';
      const fourth = loadDirectory(db, changed).leaders;
      const who = roles(world.directory);
      const person = (openId: string) => {
        const a = resolveActor(db, openId);
        return { isSupervisor: a.isSupervisor, headOf: [...a.headOf].sort(), liaisonOf: [...a.liaisonOf].sort(), deputyIds: [...a.deputyIds].sort() };
      };
      const jtwOld = world.directory.units.find((u) => u.id === 'jtw')!;
      const d01 = world.directory.deputies[0]!;
      return {
        first,
        second,
        third,
        people: {
          [who(jtwOld.head)]: person(jtwOld.head),
          [who(jtwOld.liaisons[1]!)]: person(jtwOld.liaisons[1]!),
          [who(d01.open_id)]: person(d01.open_id),
          [who(world.directory.supervisors[0]!)]: person(world.directory.supervisors[0]!),
          [who(world.directory.supervisors[1]!)]: person(world.directory.supervisors[1]!),
          stranger: person('ou_00000000000000000000000000000000'),
        },
        units: { jtw: [unitExists(db, 'jtw'), unitName(db, 'jtw')], nope: [unitExists(db, 'nope'), unitName(db, 'nope')] },
        counts: { units: count(db, 'units'), unitMembers: count(db, 'unit_members'), deputies: count(db, 'deputies'), supervisors: count(db, 'supervisors') },
        fourth,
        leaders: [...readLeaders(db).values()],
      };
    },
    {
      first: {
        units: { created: 12, updated: 0, unchanged: 0 },
        deputies: { created: 20, updated: 0, unchanged: 0 },
        leaders: { created: 0, updated: 0, unchanged: 0 },
        supervisors: { total: 3, added: 3, removed: 0 },
      },
      second: {
        units: { created: 0, updated: 0, unchanged: 12 },
        deputies: { created: 0, updated: 0, unchanged: 20 },
        leaders: { created: 0, updated: 0, unchanged: 0 },
        supervisors: { total: 3, added: 0, removed: 0 },
      },
      third: {
        units: { created: 0, updated: 2, unchanged: 10 },
        deputies: { created: 1, updated: 1, unchanged: 19 },
        leaders: { created: 2, updated: 0, unchanged: 0 },
        supervisors: { total: 2, added: 1, removed: 2 },
      },
      people: {
        'jtw.head': { isSupervisor: false, headOf: ['jtw'], liaisonOf: [], deputyIds: ['d99'] },
        'jtw.liaison2': { isSupervisor: false, headOf: [], liaisonOf: ['jtw'], deputyIds: [] },
        d01: { isSupervisor: false, headOf: [], liaisonOf: [], deputyIds: ['d01'] },
        supervisor1: { isSupervisor: true, headOf: [], liaisonOf: [], deputyIds: [] },
        supervisor2: { isSupervisor: false, headOf: [], liaisonOf: [], deputyIds: [] },
        stranger: { isSupervisor: false, headOf: [], liaisonOf: [], deputyIds: [] },
      },
      units: { jtw: [true, '市交通运输局'], nope: [false, 'nope'] },
      counts: { units: 12, unitMembers: 30, deputies: 21, supervisors: 2 },
      fourth: { created: 0, updated: 1, unchanged: 1 },
      leaders: [
        { id: 'L01', name: '陈建华', openId: 'ou_0000000000000000000000000000cccc', title: '市长' },
        { id: 'L02', name: '刘晓敏', openId: 'ou_0000000000000000000000000000dddd', title: null },
      ],
    },
  ),
];

const deadlineRows = (db: SqliteDb, label: (id: string | null) => string | null) =>
  db
    .select()
    .from(schema.openDeadlines)
    .orderBy(asc(schema.openDeadlines.unitId), asc(schema.openDeadlines.kind))
    .all()
    .map((d) => `${label(d.suggestionId)} ${d.unitId} ${d.kind} ${d.fromOn}..${d.dueOn}`);

const difference = (before: string[], after: string[]) => ({ removed: before.filter((x) => !after.includes(x)), added: after.filter((x) => !before.includes(x)) });

const DEADLINES: StoreCase[] = [
  returning(
    'deadline-index: an import indexes the open deadlines and the board light; a rebuild follows the fingerprint',
    (db, world) => {
      const { id, label } = seed(db, world);
      const indexed = deadlineRows(db, label);
      const explanation = db.select({ e: schema.openDeadlines.explanation }).from(schema.openDeadlines).where(eq(schema.openDeadlines.kind, 'answer')).orderBy(asc(schema.openDeadlines.unitId)).get()!.e;
      const lights = db.select({ light: schema.suggestions.boardLight }).from(schema.suggestions).orderBy(asc(schema.suggestions.number)).all().map((s) => s.light);
      const ctx = defaultDeadlineContext();
      const rebuilt = [ensureDeadlineIndex(db, ctx, 'calendar-a', TODAY), ensureDeadlineIndex(db, ctx, 'calendar-a', TODAY)];
      const afterRebuild = deadlineRows(db, label);
      db.delete(schema.openDeadlines).run();
      const changed = ensureDeadlineIndex(db, ctx, 'calendar-b', TODAY);
      return { indexed, explanation, lights, rebuilt, sameAfterRebuild: canonical(afterRebuild) === canonical(indexed), changed, sameAfterChange: canonical(deadlineRows(db, label)) === canonical(indexed) };
    },
    {
      indexed: [
        'sg#1 cgj co_opinion 2026-02-10..2026-03-10',
        'sg#1 cgj reassign_window 2026-02-10..2026-03-02',
        'sg#1 cgj sign 2026-02-10..2026-02-12',
        'sg#1 jtw answer 2026-02-10..2026-05-11',
        'sg#1 jtw first_contact 2026-02-10..2026-03-16',
        'sg#1 jtw reassign_window 2026-02-10..2026-03-02',
        'sg#1 jtw sign 2026-02-10..2026-02-12',
        'sg#2 zjw answer 2026-02-10..2026-05-11',
        'sg#2 zjw first_contact 2026-02-10..2026-03-16',
        'sg#2 zjw reassign_window 2026-02-10..2026-03-02',
        'sg#2 zjw sign 2026-02-10..2026-02-12',
      ],
      explanation: {
        zh_cn: '自 2026-02-10 起 3 个月，届满日 2026-05-10 为休息日，顺延至 2026-05-11',
        en_us: '3 months from 2026-02-10; 2026-05-10 is a rest day, so the deadline moves to 2026-05-11',
      },
      lights: ['yellow', 'yellow'],
      rebuilt: [2, 0],
      sameAfterRebuild: true,
      changed: 2,
      sameAfterChange: true,
    },
  ),
];

/** Outbox rows as `suggestion kind detail`, where detail names what the row is about. */
function outboxView(db: SqliteDb, label: (id: string | null) => string | null, rows: OutboxRow[] = listOutbox(db) as OutboxRow[]) {
  return rows.map((r) => {
    const p = r.payload;
    const detail =
      p.kind === 'send_card' || p.kind === 'patch_card' ? label(p.cardMessageId) : p.kind === 'send_text' ? p.text : p.kind === 'create_chat' ? p.name : p.kind === 'add_members' ? `${p.openIds.length} members` : p.kind;
    return `${label(r.id)} ${label(r.suggestionId) ?? '-'} ${p.kind} ${detail} ${r.status}`;
  });
}

const OUTBOX: StoreCase[] = [
  returning(
    'outbox-writer: an import queues the group, the assignment cards and the board, in order, per suggestion',
    (db, world) => {
      const { id, label } = seed(db, world);
      const who = roles(world.directory);
      const create = groupCreation(db, id('0001'))!;
      const cards = db
        .select()
        .from(schema.cardMessages)
        .orderBy(ROWID)
        .all();
      return {
        rows: outboxView(db, label),
        members: create.payload.kind === 'create_chat' ? create.payload.memberOpenIds.map(who) : [],
        description: create.payload.kind === 'create_chat' ? create.payload.description : '',
        cards: cards.map((c) => `${label(c.id)} ${label(c.suggestionId)} ${c.kind} ${label(c.subjectId)} ${c.messageId}`),
      };
    },
    {
      rows: [
        'ob#1 sg#1 create_chat 第0001号 关于优化中心城区公交线网的建议 pending',
        'ob#2 sg#1 send_card cd#1 pending',
        'ob#3 sg#1 send_card cd#2 pending',
        'ob#4 sg#1 send_card cd#3 pending',
        'ob#5 sg#2 create_chat 第0002号 关于加快老旧小区加装电梯的建议 pending',
        'ob#6 sg#2 send_card cd#4 pending',
        'ob#7 sg#2 send_card cd#5 pending',
      ],
      members: [
        'd01',
        'd02',
        'd03',
        // The units' heads, then their liaisons, the lead unit first (src/core/group-members.ts).
        'jtw.head',
        'cgj.head',
        'jtw.liaison1',
        'jtw.liaison2',
        'cgj.liaison1',
        'supervisor1',
        'supervisor2',
        'supervisor3',
      ],
      description: '市六届人大二次会议 · duban 督办',
      cards: [
        'cd#1 sg#1 assignment as#1 null',
        'cd#2 sg#1 assignment as#2 null',
        'cd#3 sg#1 status_board sg#1 null',
        'cd#4 sg#2 assignment as#3 null',
        'cd#5 sg#2 status_board sg#2 null',
      ],
    },
  ),

  returning(
    'outbox-store: per suggestion only the oldest pending row is due; sent, failed, rescheduled, retried and skipped rows move the queue',
    (db, world) => {
      const { id, label } = seed(db, world);
      const writer = outboxWriter(db);
      const digest = writer.postCard({ suggestionId: null, kind: 'digest', subjectId: '2026-W07', chatId: 'oc_supervisors' }, later(1));
      writer.enqueue(null, { kind: 'send_text', chatId: 'oc_supervisors', text: '本周督办周报' }, later(2));
      const due = (minutes: number, limit = 10) => outboxView(db, label, dueRows(db, later(minutes), limit));
      const steps: Record<string, unknown> = {};
      steps.all = listOutbox(db).length;
      steps.dueNow = due(0);
      steps.dueLater = due(5);
      steps.limited = due(5, 2);
      steps.next = nextAttemptAt(db)?.toISOString();
      const [s1, s2] = dueRows(db, later(5), 10) as OutboxRow[];
      markSent(db, s1!.id, later(5), { chat_id: 'oc_0001' });
      reschedule(db, s2!.id, later(30), 'rate limited (99991400)');
      steps.afterSentAndRescheduled = due(5);
      steps.nextAfterReschedule = nextAttemptAt(db)?.toISOString();
      const [card] = dueRows(db, later(5), 1) as OutboxRow[];
      markFailed(db, card!.id, 'card render failed');
      steps.afterFailed = due(5);
      steps.retry = [retryFailed(db, card!.id, later(6)), retryFailed(db, card!.id, later(6))];
      steps.afterRetry = due(6);
      markSkipped(db, card!.id, 'the card was replaced');
      steps.afterSkipped = due(30);
      steps.byStatus = Object.fromEntries((['pending', 'sent', 'failed', 'skipped'] as const).map((s) => [s, listOutbox(db, s).length]));
      const sent = listOutbox(db, 'sent')[0]!;
      const rescheduled = listOutbox(db).find((r) => r.id === s2!.id)!;
      steps.sent = { attempts: sent.attempts, sentAt: sent.sentAt, result: sent.result, lastError: sent.lastError };
      steps.rescheduled = { attempts: rescheduled.attempts, nextAttemptAt: rescheduled.nextAttemptAt, lastError: rescheduled.lastError, status: rescheduled.status };
      steps.digest = label(digest);
      for (const r of listOutbox(db, 'pending')) markSent(db, r.id, later(60), null);
      steps.nothingPending = [nextAttemptAt(db) ?? null, dueRows(db, later(60), 10).length];
      return steps;
    },
    {
      all: 9,
      dueNow: ['ob#1 sg#1 create_chat 第0001号 关于优化中心城区公交线网的建议 pending', 'ob#2 sg#2 create_chat 第0002号 关于加快老旧小区加装电梯的建议 pending'],
      dueLater: [
        'ob#1 sg#1 create_chat 第0001号 关于优化中心城区公交线网的建议 pending',
        'ob#2 sg#2 create_chat 第0002号 关于加快老旧小区加装电梯的建议 pending',
        'ob#3 - send_card cd#1 pending',
        'ob#4 - send_text 本周督办周报 pending',
      ],
      limited: ['ob#1 sg#1 create_chat 第0001号 关于优化中心城区公交线网的建议 pending', 'ob#2 sg#2 create_chat 第0002号 关于加快老旧小区加装电梯的建议 pending'],
      next: '2026-02-10T01:00:00.000Z',
      afterSentAndRescheduled: ['ob#5 sg#1 send_card cd#2 pending', 'ob#3 - send_card cd#1 pending', 'ob#4 - send_text 本周督办周报 pending'],
      nextAfterReschedule: '2026-02-10T01:00:00.000Z',
      afterFailed: ['ob#6 sg#1 send_card cd#3 pending', 'ob#3 - send_card cd#1 pending', 'ob#4 - send_text 本周督办周报 pending'],
      retry: [true, false],
      afterRetry: ['ob#5 sg#1 send_card cd#2 pending', 'ob#3 - send_card cd#1 pending', 'ob#4 - send_text 本周督办周报 pending'],
      afterSkipped: [
        'ob#6 sg#1 send_card cd#3 pending',
        'ob#2 sg#2 create_chat 第0002号 关于加快老旧小区加装电梯的建议 pending',
        'ob#3 - send_card cd#1 pending',
        'ob#4 - send_text 本周督办周报 pending',
      ],
      byStatus: { pending: 7, sent: 1, failed: 0, skipped: 1 },
      sent: { attempts: 1, sentAt: '2026-02-10T01:05:00.000Z', result: { chat_id: 'oc_0001' }, lastError: null },
      rescheduled: { attempts: 1, nextAttemptAt: '2026-02-10T01:30:00.000Z', lastError: 'rate limited (99991400)', status: 'pending' },
      digest: 'cd#1',
      nothingPending: [null, 0],
    },
  ),

  returning(
    'outbox-store: pendingAtLeast counts pending rows only, up to the number asked',
    (db, world) => {
      seed(db, world);
      const pending = listOutbox(db, 'pending').length;
      const before = [pendingAtLeast(db, 1), pendingAtLeast(db, pending), pendingAtLeast(db, pending + 1)];
      markSent(db, listOutbox(db, 'pending')[0]!.id, later(5), null);
      return { before, afterOneSent: [pendingAtLeast(db, pending - 1), pendingAtLeast(db, pending)] };
    },
    { before: [true, true, false], afterOneSent: [true, false] },
  ),

  returning(
    'outbox-writer: refreshCards queues a patch of every posted copy; hasLaterPatch sees the newer ones',
    (db, world) => {
      const { id, label } = seed(db, world);
      const writer = outboxWriter(db);
      const subject = loadAggregate(db, id('0001'))!.assignments[0]!.id;
      const copies = [writer.postCard({ suggestionId: id('0001'), kind: 'reminder', subjectId: subject }, later(1)), writer.postCard({ suggestionId: id('0001'), kind: 'reminder', subjectId: subject }, later(2))];
      writer.postCard({ suggestionId: id('0001'), kind: 'reminder', subjectId: 'as_other' }, later(3));
      const before = listOutbox(db).length;
      db.transaction(() => {
        writer.refreshCards(id('0001'), { kind: 'reminder', subjectId: subject }, later(4));
        writer.refreshCards(id('0001'), { kind: 'reminder', subjectId: subject }, later(5));
      });
      writer.refreshCards(id('0002'), { kind: 'reminder', subjectId: 'as_nothing_posted' }, later(6));
      const patches = (listOutbox(db) as OutboxRow[]).slice(before);
      const cardOf = (r: OutboxRow) => (r.payload.kind === 'patch_card' ? r.payload.cardMessageId : '');
      return {
        copies: copies.map(label),
        patches: patches.map((r) => `${label(cardOf(r))} at ${r.nextAttemptAt}`),
        laterPatch: patches.map((r) => hasLaterPatch(db, r, cardOf(r))),
      };
    },
    {
      copies: ['cd#1', 'cd#2'],
      patches: [
        'cd#1 at 2026-02-10T01:04:00.000Z',
        'cd#2 at 2026-02-10T01:04:00.000Z',
        'cd#1 at 2026-02-10T01:05:00.000Z',
        'cd#2 at 2026-02-10T01:05:00.000Z',
      ],
      laterPatch: [true, true, false, false],
    },
  ),

  returning(
    'card-store: a posted card is traced by its Lark message id once sent; a message id is one card’s',
    (db, world) => {
      const { id, label } = seed(db, world);
      const writer = outboxWriter(db);
      const card = writer.postCard({ suggestionId: id('0001'), kind: 'status_board', subjectId: id('0001') }, world.now);
      const other = writer.postCard({ suggestionId: null, kind: 'digest', subjectId: '2026-W07', chatId: 'oc_supervisors' }, world.now);
      const unsent = { messageId: cardRecord(db, card)!.messageId, posted: postedCard(db, 'om_board') ?? null };
      markCardSent(db, card, 'om_board', later(1));
      const posted = postedCard(db, 'om_board')!;
      const clash = caught(() => markCardSent(db, other, 'om_board', later(2)));
      const record = cardRecord(db, card)!;
      return {
        unsent,
        posted: { id: label(posted.id), kind: posted.kind, suggestionId: label(posted.suggestionId), subjectId: label(posted.subjectId) },
        record: { ...record, id: label(record.id), suggestionId: label(record.suggestionId), subjectId: label(record.subjectId) },
        clash: /UNIQUE constraint failed: card_messages\.message_id/.test(clash?.message ?? ''),
        otherStillUnsent: cardRecord(db, other)!.messageId,
        missing: cardRecord(db, 'cd_missing') ?? null,
      };
    },
    {
      unsent: { messageId: null, posted: null },
      posted: { id: 'cd#1', suggestionId: 'sg#1', kind: 'status_board', subjectId: 'sg#1' },
      record: {
        id: 'cd#1',
        suggestionId: 'sg#1',
        kind: 'status_board',
        subjectId: 'sg#1',
        messageId: 'om_board',
        createdAt: '2026-02-10T01:00:00.000Z',
        sentAt: '2026-02-10T01:01:00.000Z',
        supersededBy: null,
        retiredAt: null,
      },
      clash: true,
      otherStillUnsent: null,
      missing: null,
    },
  ),

  returning(
    'card-store: the live copies of a card, by age; retiring them once (a concurrent retire gets none); what a re-post replaced',
    (db, world) => {
      const { id, label } = seed(db, world);
      const writer = outboxWriter(db);
      // A card of its own (the import posted the group's board and assignment cards).
      const board = { suggestionId: id('0001'), kind: 'commitment' as const, subjectId: 'cm_test' };
      const first = writer.postCard(board, later(0));
      const second = writer.postCard(board, later(1));
      const unsent = writer.postCard(board, later(2));
      const reminder = writer.postCard({ suggestionId: id('0001'), kind: 'reminder', subjectId: 'r1' }, later(3));
      markCardSent(db, first, 'om_1', later(10));
      markCardSent(db, second, 'om_2', later(20));
      markCardSent(db, reminder, 'om_r', later(5));
      const labels = (cards: Array<{ id: string }>) => cards.map((c) => label(c.id));
      const dueBy = (minutes: number) => labels(liveCardsSentBy(db, later(minutes)));
      const before = { dueBy15: dueBy(15), dueBy20: dueBy(20), copies: labels(liveCopies(db, 'commitment', 'cm_test')) };
      const replacement = writer.postCard(board, later(30));
      const retired = db.transaction(() => ({ first: retireCards(db, [first, second], later(30), replacement), again: retireCards(db, [first, second], later(31), replacement) }));
      const record = cardRecord(db, first)!;
      const before2 = listOutbox(db).length;
      writer.refreshCards(id('0001'), { kind: 'commitment', subjectId: 'cm_test' }, later(32));
      const patched = (listOutbox(db) as OutboxRow[]).slice(before2).map((r) => (r.payload.kind === 'patch_card' ? label(r.payload.cardMessageId) : r.kind));
      return {
        before,
        retired: { first: retired.first.map(label), again: retired.again },
        record: { supersededBy: label(record.supersededBy), retiredAt: record.retiredAt },
        afterwards: { dueBy20: dueBy(20), copies: labels(liveCopies(db, 'commitment', 'cm_test')) },
        reposts: { replacement: isRepost(db, replacement), second: isRepost(db, second), unsent: isRepost(db, unsent) },
        current: label(currentCopy(db, cardRecord(db, first)!)?.id ?? null),
        currentOfLive: currentCopy(db, cardRecord(db, replacement)!) ?? null,
        patched,
      };
    },
    {
      before: { dueBy15: ['cd#1'], dueBy20: ['cd#1', 'cd#2'], copies: ['cd#1', 'cd#2', 'cd#3'] },
      retired: { first: ['cd#1', 'cd#2'], again: [] },
      record: { supersededBy: 'cd#4', retiredAt: '2026-02-10T01:30:00.000Z' },
      afterwards: { dueBy20: [], copies: ['cd#3', 'cd#4'] },
      reposts: { replacement: true, second: false, unsent: false },
      current: 'cd#4',
      currentOfLive: null,
      // Only the copies still kept up to date are updated.
      patched: ['cd#3', 'cd#4'],
    },
  ),
];

const MESSAGES: StoreCase[] = [
  returning(
    'message-store: a message is stored once by its message id, tied to its suggestion’s group; bot messages too',
    async (db, world) => {
      const { id, label } = seed(db, world);
      recordChat(db, id('0001'), 'oc_0001', world.now);
      const store = messageStore(db);
      const calls: string[] = [];
      // Called for every new message: with its suggestion in a group, null in any other chat (a private chat's command).
      const then = (suggestionId: string | null) => calls.push(label(suggestionId) ?? 'no suggestion');
      const at = (m: number) => later(m).toISOString();
      const outcomes = db.transaction(() => [
        store(message('om_1', 'oc_0001', '/进展 已完成线网调查', at(1)), at(1), then),
        store(message('om_1', 'oc_0001', '/进展 已完成线网调查', at(1)), at(2), then),
        store(message('om_2', 'oc_unknown', '大家好', at(3)), at(3), then),
      ]);
      const recorder = transactionalRecorder(db);
      const recorded = [await recorder.record(message('om_3', 'oc_0001', '收到', at(4)), later(4), then), await recorder.record(message('om_3', 'oc_0001', '收到', at(4)), later(5), then)];
      const bot = { messageId: 'om_bot', chatId: 'oc_0001', suggestionId: id('0001'), msgType: 'interactive', text: '', content: '{"type":"card"}', rootId: null, parentId: 'om_1', sentAt: at(6) };
      storeBotMessage(db, bot, at(6));
      storeBotMessage(db, bot, at(7));
      return {
        outcomes: [...outcomes, ...recorded].map((o) => (o.stored ? { stored: true, suggestionId: label(o.suggestionId) } : o)),
        calls,
        rows: db
          .select()
          .from(schema.groupMessages)
          .orderBy(asc(schema.groupMessages.sentAt))
          .all()
          .map((m) => ({ ...m, suggestionId: label(m.suggestionId) })),
      };
    },
    {
      outcomes: [
        { stored: true, suggestionId: 'sg#1' },
        { stored: false },
        { stored: true, suggestionId: null },
        { stored: true, suggestionId: 'sg#1' },
        { stored: false },
      ],
      calls: ['sg#1', 'no suggestion', 'sg#1'],
      rows: [
        {
          messageId: 'om_1',
          chatId: 'oc_0001',
          suggestionId: 'sg#1',
          senderOpenId: 'ou_72afde65437b68100dcdda5507f96fdb',
          senderType: 'user',
          msgType: 'text',
          text: '/进展 已完成线网调查',
          content: '{"text":"/进展 已完成线网调查"}',
          rootId: null,
          parentId: null,
          threadId: null,
          sentAt: '2026-02-10T01:01:00.000Z',
          receivedAt: '2026-02-10T01:01:00.000Z',
          recalledAt: null,
          recallType: null,
        },
        {
          messageId: 'om_2',
          chatId: 'oc_unknown',
          suggestionId: null,
          senderOpenId: 'ou_72afde65437b68100dcdda5507f96fdb',
          senderType: 'user',
          msgType: 'text',
          text: '大家好',
          content: '{"text":"大家好"}',
          rootId: null,
          parentId: null,
          threadId: null,
          sentAt: '2026-02-10T01:03:00.000Z',
          receivedAt: '2026-02-10T01:03:00.000Z',
          recalledAt: null,
          recallType: null,
        },
        {
          messageId: 'om_3',
          chatId: 'oc_0001',
          suggestionId: 'sg#1',
          senderOpenId: 'ou_72afde65437b68100dcdda5507f96fdb',
          senderType: 'user',
          msgType: 'text',
          text: '收到',
          content: '{"text":"收到"}',
          rootId: null,
          parentId: null,
          threadId: null,
          sentAt: '2026-02-10T01:04:00.000Z',
          receivedAt: '2026-02-10T01:04:00.000Z',
          recalledAt: null,
          recallType: null,
        },
        {
          messageId: 'om_bot',
          chatId: 'oc_0001',
          suggestionId: 'sg#1',
          senderOpenId: null,
          senderType: 'app',
          msgType: 'interactive',
          text: '',
          content: '{"type":"card"}',
          rootId: null,
          parentId: 'om_1',
          threadId: null,
          sentAt: '2026-02-10T01:06:00.000Z',
          receivedAt: '2026-02-10T01:06:00.000Z',
          recalledAt: null,
          recallType: null,
        },
      ],
    },
  ),
];

const statusBoardsOf = (db: SqliteDb) => db.select().from(schema.cardMessages).where(eq(schema.cardMessages.kind, 'status_board')).all().length;

const GROUP_MESSAGES: StoreCase[] = [
  returning(
    'group messages: a text command is answered in its message’s transaction, once; a failed answer stores neither',
    async (db, world) => {
      const { id } = seed(db, world);
      recordChat(db, id('0001'), 'oc_0001', world.now);
      const recorder = transactionalRecorder(db);
      const ctx = { db, clock: () => later(10) };
      const boards = statusBoardsOf(db);
      const status = message('om_status', 'oc_0001', '@督办 进度');
      const outcomes = [
        await recordGroupMessage(ctx, recorder, status, 'status'),
        await recordGroupMessage(ctx, recorder, status, 'status'), // redelivered
        await recordGroupMessage(ctx, recorder, message('om_help', 'oc_0001', '/help'), 'help'),
      ];
      // An answer that fails after queueing its call: the message and the call are both undone.
      const failing: MessageRecorder = {
        record: (m, now) =>
          recorder.record(m, now, () => {
            outboxWriter(db).enqueue(id('0001'), { kind: 'send_text', text: 'lost' }, now);
            throw new Error('answer failed');
          }),
      };
      const failed = await recordGroupMessage(ctx, failing, message('om_lost', 'oc_0001', '/status'), 'status').then(() => null, (error: unknown) => (error as Error).message);
      return {
        outcomes,
        failed,
        boardsAdded: statusBoardsOf(db) - boards,
        texts: listOutbox(db).flatMap((r) => (r.payload.kind === 'send_text' ? [r.payload.text.split('\n')[0]!] : [])),
        messages: db.select({ id: schema.groupMessages.messageId }).from(schema.groupMessages).orderBy(ROWID).all().map((m) => m.id),
      };
    },
    {
      outcomes: [{ stored: true, queued: true }, { stored: false, queued: false }, { stored: true, queued: true }],
      failed: 'answer failed',
      boardsAdded: 1,
      texts: ['duban 督办 — 可用命令 Commands:'],
      messages: ['om_status', 'om_help'],
    },
  ),
];

const SWEEP: StoreCase[] = [
  returning(
    'sweep-store: a reminder and a board light are claimed once; facts, staff, deputies and boards are read',
    (db, world) => {
      const { id, label } = seed(db, world, ['0001', '0024']);
      const store = sweepStore(db);
      const lead = loadAggregate(db, id('0001'))!.assignments[0]!;
      const claim = (level: ReminderClaim['level'], day: string): ReminderClaim => ({ key: `${lead.id}|sign|2026-02-13|${level}|${day}`, suggestionId: id('0001'), subjectId: lead.id, kind: 'sign', dueOn: '2026-02-13', level, day });
      const at = NOW.toISOString();
      const reminders = [store.claimReminder(claim('notice', '2026-02-12'), at), store.claimReminder(claim('notice', '2026-02-12'), at), store.claimReminder(claim('overdue', '2026-02-16'), at)];
      const sent = [...store.alreadySent([claim('notice', '2026-02-12').key, claim('overdue', '2026-02-16').key, claim('warning', '2026-02-13').key])].map((k) => k.split('|').slice(1).join('|'));
      const light = loadAggregate(db, id('0001'))!.suggestion.boardLight;
      const lights = [
        store.claimBoardLight(id('0001'), light, 'red'),
        store.claimBoardLight(id('0001'), light, 'red'), // a concurrent sweep saw the same light: too late
        store.claimBoardLight(id('0001'), 'red', 'blue'),
        store.claimBoardLight(id('0001'), null, 'yellow'),
      ];
      const facts = store.suggestionFacts([id('0001'), id('0024'), 'sg_missing']);
      const who = roles(world.directory);
      const staff = store.unitStaff('jtw');
      return {
        reminders,
        sent,
        lights: { from: light, claims: lights, now: facts.get(id('0001'))!.boardLight },
        facts: [...facts.values()].map((f) => `${label(f.id)} ${f.number} ${f.kind} ${f.timing} key:${f.key} classified:${f.classified} ${f.status} v${f.version} ${f.boardLight}`).sort(),
        staff: { head: staff.head.map(who), liaisons: staff.liaisons.map(who) },
        deputies: store.deputies(id('0001')).map((d) => `${d.role} ${d.name} ${who(d.openId)}`),
        boards: store.statusBoards(id('0001')).length,
        unitNames: [store.unitNames().size, store.unitNames().get('gaj')],
        // The same, read at once for several suggestions (one unknown): each its own, in order.
        atOnce: {
          deputies: [...store.deputiesOf([id('0024'), id('0001'), 'sg_missing'])].map(([s, list]) => `${label(s)}: ${list.map((d) => `${d.role} ${who(d.openId)}`).join(', ')}`),
          boards: [...store.statusBoardsOf([id('0001'), id('0024'), 'sg_missing'])].map(([s, list]) => `${label(s)} ${list.length}`),
          chats: (recordChat(db, id('0024'), 'oc_group0024', NOW), [...store.chatsOf([id('0001'), id('0024'), 'sg_missing'])].map(([s, chat]) => `${label(s)} ${chat}`)),
        },
      };
    },
    {
      reminders: [true, false, true],
      sent: ['sign|2026-02-13|notice|2026-02-12', 'sign|2026-02-13|overdue|2026-02-16'],
      lights: { from: 'yellow', claims: [true, false, true, false], now: 'blue' },
      facts: ['sg#1 0001 suggestion session key:true classified:false open v1 blue', 'sg#2 0024 suggestion session key:false classified:true open v1 yellow'],
      staff: { head: ['jtw.head'], liaisons: ['jtw.liaison1', 'jtw.liaison2'] },
      deputies: ['lead 张立新 d01', 'co 李红梅 d02', 'co 王建国 d03'],
      boards: 1,
      unitNames: [12, '市公安局'],
      atOnce: { deputies: ['sg#2: lead d17', 'sg#1: lead d01, co d02, co d03', 'sg#3: '], boards: ['sg#1 1', 'sg#2 1', 'sg#3 0'], chats: ['sg#2 oc_group0024'] },
    },
  ),

  returning(
    'sweep-store: deadlinesPage reads a kind\'s range a page at a time (obligations up to the horizon, windows only while open)',
    (db, world) => {
      const { id } = seed(db, world);
      db.delete(schema.openDeadlines).run();
      const row = (kind: (typeof schema.openDeadlines.$inferInsert)['kind'], dueOn: string, n = 0) => ({
        suggestionId: id('0001'),
        assignmentId: 'as_x',
        unitId: 'jtw',
        kind,
        subjectId: `${kind}-${dueOn}-${n}`,
        fromOn: '2026-02-10',
        dueOn,
        explanation: { zh_cn: `${kind} 于 ${dueOn} 到期`, en_us: `${kind} due ${dueOn}` },
      });
      // today 2026-03-02, horizon 2026-03-05
      db.insert(schema.openDeadlines)
        .values([
          row('sign', '2026-02-13'), // an overdue obligation: in view
          row('sign', '2026-02-13', 1), // the same day: the page mark's rowid tells them apart
          row('sign', '2026-03-04'),
          row('answer', '2026-05-11'), // beyond the horizon
          row('reassign_window', '2026-02-24'), // a lapsed window: never read again
          row('reassign_window', '2026-03-04'), // an open window: in view
          row('evaluation', '2026-03-02'), // due today: in view
          row('evaluation', '2026-03-01'), // lapsed
          row('commitment', '2026-01-30'), // an overdue promise: in view
          row('first_contact', '2026-03-05'), // on the horizon: in view
          row('co_opinion', '2026-03-06'), // the day after: not yet
          row('rehandle_answer', '2026-03-03'),
        ])
        .run();
      const store = sweepStore(db);
      const read = (kind: (typeof schema.openDeadlines.$inferInsert)['kind'], range: { from?: string; to?: string }) => {
        const out: string[] = [];
        // One row a page: every page after the first starts from the mark of the one before.
        for (let page = store.deadlinesPage(kind, range, undefined, 1); page.length > 0; page = store.deadlinesPage(kind, range, page.at(-1)!.mark, 1)) {
          out.push(...page.map((d) => `${d.kind} ${d.dueOn} ${d.subjectId.endsWith('-1') ? '#2' : '#1'}`));
        }
        return out;
      };
      const obligations = ['sign', 'first_contact', 'co_opinion', 'answer', 'rehandle_answer', 'commitment'] as const;
      return {
        inView: [...obligations.flatMap((k) => read(k, { to: '2026-03-05' })), ...(['reassign_window', 'evaluation'] as const).flatMap((k) => read(k, { from: '2026-03-02', to: '2026-03-05' }))],
        everyAnswer: read('answer', {}),
        explanation: store.deadlinesPage('commitment', {}, undefined, 10)[0]!.explanation,
      };
    },
    {
      inView: [
        'sign 2026-02-13 #1',
        'sign 2026-02-13 #2',
        'sign 2026-03-04 #1',
        'first_contact 2026-03-05 #1',
        'rehandle_answer 2026-03-03 #1',
        'commitment 2026-01-30 #1',
        'reassign_window 2026-03-04 #1',
        'evaluation 2026-03-02 #1',
      ],
      everyAnswer: ['answer 2026-05-11 #1'],
      explanation: { zh_cn: 'commitment 于 2026-01-30 到期', en_us: 'commitment due 2026-01-30' },
    },
  ),
  returning(
    'sweep-store: escalations to gather are read a page at a time, today\'s only, and marked once',
    (db, world) => {
      const { id } = seed(db, world);
      const store = sweepStore(db);
      const claim = (n: number, level: 'overdue' | 'escalation' | 'escalation2', at: string) =>
        store.claimReminder({ key: `k${n}`, suggestionId: id('0001'), subjectId: `as_${n}`, kind: 'sign', dueOn: '2026-02-13', level, day: '2026-03-02' }, at);
      claim(1, 'escalation', '2026-03-02T01:00:00.000Z');
      claim(2, 'escalation2', '2026-03-02T01:00:00.000Z');
      claim(3, 'overdue', '2026-03-02T01:00:00.000Z'); // not an escalation
      claim(4, 'escalation', '2026-03-02T02:00:00.000Z');
      claim(5, 'escalation', '2026-02-27T01:00:00.000Z'); // another day
      const from = '2026-03-01T00:00:00.000Z';
      const to = '2026-03-03T00:00:00.000Z';
      const keys = (after?: { sentAt: string; rowid: number }) => {
        const out: string[] = [];
        for (let page = store.escalationsToGather(from, to, after, 2); page.length > 0; page = store.escalationsToGather(from, to, page.at(-1), 2)) out.push(...page.map((r) => `${r.key} ${r.level}`));
        return out;
      };
      const before = keys();
      const marked = store.markGathered(['k1', 'k2'], '2026-03-02T01:00:05.000Z');
      const again = store.markGathered(['k1', 'k4'], '2026-03-02T01:00:06.000Z');
      return { before, marked, again, after: keys() };
    },
    { before: ['k1 escalation', 'k2 escalation2', 'k4 escalation'], marked: 2, again: 1, after: [] },
  ),
];

/**
 * A Durable Object's SQLite binds at most 100 values per statement (better-sqlite3 takes 32766):
 * these cases write and read more than that at once, as a large directory, a wide suggestion or a
 * sweep over many deadlines does.
 */
const AT_SCALE: StoreCase[] = [
  returning(
    'directory-store: a large directory (long liaison and supervisor lists) is loaded, changed and reloaded',
    (db, world) => {
      const fake = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `ou_${prefix}${String(i).padStart(30 - prefix.length, '0')}`);
      const large = structuredClone(world.directory);
      large.units[0]!.liaisons = fake(120, 'aa');
      large.supervisors = fake(150, 'bb');
      const first = loadDirectory(db, large);
      const liaisons = () => resolveActor(db, fake(120, 'aa')[119]!).liaisonOf.size;
      const loaded = { members: count(db, 'unit_members'), supervisors: count(db, 'supervisors'), lastLiaison: liaisons() };
      large.units[0]!.liaisons = fake(110, 'aa');
      large.supervisors = fake(30, 'cc');
      const second = loadDirectory(db, large);
      return { first: first.supervisors, loaded, second: second.supervisors, reloaded: { members: count(db, 'unit_members'), supervisors: count(db, 'supervisors'), lastLiaison: liaisons() } };
    },
    {
      first: { total: 150, added: 150, removed: 0 },
      loaded: { members: 147, supervisors: 150, lastLiaison: 1 },
      second: { total: 30, added: 30, removed: 150 },
      reloaded: { members: 137, supervisors: 30, lastLiaison: 0 },
    },
  ),

  returning(
    'audit-store: many entries appended at once keep their order',
    (db) => {
      const sg = newId('sg');
      appendAudit(db, Array.from({ length: 25 }, (_, i) => auditRecord(sg, `step_${i}`, { details: { i } })));
      const entries = auditOfSuggestion(db, sg);
      return { count: entries.length, inOrder: entries.every((e, i) => e.action === `step_${i}` && e.seq === i + 1 && canonical(e.details) === canonical({ i })) };
    },
    { count: 25, inOrder: true },
  ),

  returning(
    'sweep-store: alreadySent and suggestionFacts read long lists of keys and ids',
    (db, world) => {
      const { id } = seed(db, world);
      const store = sweepStore(db);
      const at = NOW.toISOString();
      const claims = Array.from({ length: 1200 }, (_, i): ReminderClaim => {
        const day = `2026-03-${String((i % 28) + 1).padStart(2, '0')}`;
        return { key: `as_${i}|sign|2026-02-12|overdue|${day}`, suggestionId: id('0001'), subjectId: `as_${i}`, kind: 'sign', dueOn: '2026-02-12', level: 'overdue', day };
      });
      db.transaction(() => claims.filter((_, i) => i % 3 === 0).forEach((c) => store.claimReminder(c, at)));
      const sent = store.alreadySent(claims.map((c) => c.key));
      const ids = [id('0002'), ...Array.from({ length: 700 }, (_, i) => `sg_missing${i}`), id('0001')];
      const facts = store.suggestionFacts(ids);
      return { sent: sent.size, firstAndLast: [sent.has(claims[0]!.key), sent.has(claims[1199]!.key), sent.has(claims[1197]!.key)], facts: [...facts.values()].map((f) => f.number).sort() };
    },
    { sent: 400, firstAndLast: [true, false, true], facts: ['0001', '0002'] },
  ),

  returning(
    'import: a suggestion with many units and deputies is stored whole, with every deadline indexed',
    (db, world) => {
      loadDirectory(db, world.directory);
      const [row] = sampleRows(['0001']);
      const wide = { row: 2, values: { ...row!.values, co_units: 'cgj、gaj、zjw、sthjj、jw', co_deputies: 'd02、d03、d04、d05、d06、d07、d08、d09、d10、d11、d12、d13、d14、d15、d16、d17、d18、d19、d20' } };
      const report = importSuggestions(db, [wide], { source: 'cli', actor: 'system:cli', now: world.now, today: TODAY });
      const agg = loadAggregate(db, report.items[0]!.id)!;
      const byKind = new Map<string, number>();
      for (const d of db.select().from(schema.openDeadlines).all()) byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
      const create = listOutbox(db)[0]!.payload;
      return {
        report: { created: report.created, rejected: report.rejected.map((r) => r.reason) },
        deputies: agg.deputies.length,
        assignments: agg.assignments.map((a) => `${a.unitId}:${a.role}`),
        deadlines: Object.fromEntries([...byKind].sort()),
        members: create.kind === 'create_chat' ? create.memberOpenIds.length : 0,
        outbox: listOutbox(db).map((r) => r.kind),
      };
    },
    {
      report: { created: 1, rejected: [] },
      deputies: 20,
      assignments: ['jtw:lead', 'cgj:co', 'gaj:co', 'zjw:co', 'sthjj:co', 'jw:co'],
      deadlines: { answer: 1, co_opinion: 5, first_contact: 1, reassign_window: 6, sign: 6 },
      members: 37,
      outbox: ['create_chat', 'send_card', 'send_card', 'send_card', 'send_card', 'send_card', 'send_card', 'send_card'],
    },
  ),
];

const STATS: StoreCase[] = [
  returning(
    'stats-store: loadStatsAggregates filters by session, kind, timing, category and dates, without the free text',
    (db, world) => {
      const { id } = seed(db, world, ['0001', '0002', '0006', '0024', '0025']);
      const before = loadAggregate(db, id('0001'))!;
      db.transaction((tx) => saveAggregate(tx, before, nextOf(before, 'ou_liaison', '2026-02-11T02:00:00.000Z')));
      const load = (filters: Parameters<typeof loadStatsAggregates>[1]) =>
        loadStatsAggregates(db, filters)
          .map((a) => `${a.suggestion.number} ${a.assignments.map((x) => `${x.unitId}:${x.state}`).join(',')}`)
          .sort();
      const all = loadStatsAggregates(db, {});
      const first = all.find((a) => a.suggestion.number === '0001')!;
      return {
        all: load({}),
        session: load({ session: '市六届人大二次会议', kind: 'suggestion' }).length,
        otherSession: load({ session: '市六届人大一次会议' }),
        interim: load({ timing: 'interim' }),
        category: load({ category: '交通邮电' }),
        uncategorised: load({ category: UNCATEGORISED }),
        dates: load({ from: '2026-04-01', to: '2026-04-30' }),
        children: [first.contacts.length, first.answers.length, first.commitments.length, first.progressReports.length],
        left: {
          body: 'body' in first.suggestion,
          note: 'note' in first.contacts[0]!,
          summary: 'summary' in first.answers[0]!,
          evidence: 'evidence' in first.commitments[0]!,
          key: first.suggestion.key,
          public: first.answers[0]!.public,
        },
        unitNames: [unitNames(db).size, unitNames(db).get('jtw')],
      };
    },
    {
      all: [
        '0001 jtw:signed,cgj:pending_sign',
        '0002 zjw:pending_sign',
        '0006 sthjj:pending_sign,slj:pending_sign',
        '0024 gaj:pending_sign',
        '0025 jtw:pending_sign',
      ],
      session: 5,
      otherSession: [],
      interim: ['0025 jtw:pending_sign'],
      category: ['0001 jtw:signed,cgj:pending_sign', '0025 jtw:pending_sign'],
      uncategorised: [],
      dates: ['0025 jtw:pending_sign'],
      children: [1, 1, 1, 0],
      left: { body: false, note: false, summary: false, evidence: false, key: true, public: false },
      unitNames: [12, '市交通运输委员会'],
    },
  ),
];

const APP: StoreCase[] = [
  returning(
    'merge store (并案): merges read back by member and by lead; a suggestion is merged once (the key refuses a second)',
    (db, world) => {
      const { id, label } = seed(db, world, ['0001', '0002', '0025']);
      const at = NOW.toISOString();
      recordMerges(db, [
        { memberSuggestionId: id('0025'), leadSuggestionId: id('0001'), mergedBy: 'ou_sup', mergedAt: at },
        { memberSuggestionId: id('0002'), leadSuggestionId: id('0001'), mergedBy: 'ou_sup', mergedAt: at },
      ]);
      const twice = caught(() => recordMerges(db, [{ memberSuggestionId: id('0002'), leadSuggestionId: id('0025'), mergedBy: 'ou_sup', mergedAt: at }]));
      const inMerges = suggestionsInMerges(db, [id('0001'), id('0002')]);
      return {
        leadOf0002: label(mergeOfMember(db, id('0002'))?.leadSuggestionId),
        leadOf0001: mergeOfMember(db, id('0001')) ?? null,
        membersOf0001: membersOfLead(db, id('0001')).map((m) => label(m.memberSuggestionId)),
        inMerges: { members: [...inMerges.members].map(label), leads: [...inMerges.leads].map(label) },
        numbers: suggestionNumbers(db, [id('0025'), 'sg_none', id('0001')]).map((n) => n.number),
        refusedTwice: twice !== null,
        rows: count(db, 'suggestion_merges'),
      };
    },
    {
      leadOf0002: 'sg#1',
      leadOf0001: null,
      membersOf0001: ['sg#3', 'sg#2'],
      inMerges: { members: ['sg#2'], leads: ['sg#1'] },
      numbers: ['0025', '0001'],
      refusedTwice: true,
      rows: 2,
    },
  ),

  returning(
    'import: each row in its own savepoint; a rejected row leaves nothing, a re-import changes nothing',
    (db, world) => {
      loadDirectory(db, world.directory);
      const options = { source: 'cli' as const, actor: 'system:cli', now: world.now, today: TODAY };
      const rows = sampleRows(['0001', '0002']);
      const unknownUnit = { row: 4, values: { ...rows[1]!.values, number: '0003', lead_unit: 'nope' } };
      const first = importSuggestions(db, [...rows, unknownUnit], options);
      const tally = () => ({ suggestions: count(db, 'suggestions'), assignments: count(db, 'assignments'), outbox: count(db, 'outbox'), audit: count(db, 'audit_log'), deadlines: count(db, 'open_deadlines') });
      const afterFirst = tally();
      const moved = { row: 2, values: { ...rows[0]!.values, lead_unit: 'zjw', title: '关于优化中心城区公交线网的建议（修订）' } };
      const second = importSuggestions(db, [moved, rows[1]!], options);
      const retitled = importSuggestions(db, [{ row: 2, values: { ...rows[1]!.values, title: '关于加快老旧小区加装电梯的建议（修订）' } }], options);
      const summary = (r: typeof first) => ({ created: r.created, updated: r.updated, unchanged: r.unchanged, rejected: r.rejected.map((x) => `${x.row} ${x.number}`) });
      return { first: summary(first), afterFirst, second: summary(second), retitled: summary(retitled), afterAll: tally() };
    },
    {
      first: { created: 2, updated: 0, unchanged: 0, rejected: ['4 0003'] },
      afterFirst: { suggestions: 2, assignments: 3, outbox: 7, audit: 2, deadlines: 11 },
      second: { created: 0, updated: 0, unchanged: 1, rejected: ['2 0001'] },
      retitled: { created: 0, updated: 1, unchanged: 0, rejected: [] },
      afterAll: { suggestions: 2, assignments: 3, outbox: 7, audit: 3, deadlines: 11 },
    },
  ),

  returning(
    'dispatch: a command saves the change, the deadlines, the outbox rows, the audit entry and the event claim in one transaction',
    (db, world) => {
      const { id, label } = seed(db, world);
      recordChat(db, id('0001'), 'oc_0001', world.now);
      const who = roles(world.directory);
      const liaison = world.directory.units.find((u) => u.id === 'jtw')!.liaisons[0]!;
      const before = loadAggregate(db, id('0001'))!;
      const lead = before.assignments[0]!;
      label(lead.id);
      const outboxBefore = listOutbox(db).length;
      const deadlinesBefore = deadlineRows(db, label);
      const deps: DispatchDeps = { db, clock: () => new Date('2026-02-11T02:00:00.000Z'), timeZone: 'Asia/Shanghai' };
      const event = { id: 'ev_sign_1', type: 'card.action.trigger' };
      const result = dispatch(deps, { actor: liaison, command: { type: 'sign', assignmentId: lead.id }, source: 'card', event, chatId: 'oc_0001' });
      const after = loadAggregate(db, id('0001'))!;
      const duplicate = caught(() => dispatch(deps, { actor: liaison, command: { type: 'sign', assignmentId: lead.id }, source: 'card', event, chatId: 'oc_0001' }));
      return {
        result: result.audit.map((a) => `${a.action} ${a.actorRole} ${a.beforeState}->${a.afterState}`),
        stored: { version: after.suggestion.version, state: after.assignments[0]!.state, signedAt: after.assignments[0]!.signedAt, updatedAt: after.suggestion.updatedAt },
        audit: auditOfSuggestion(db, id('0001')).map((e) => `${e.seq} ${e.action} ${e.outcome} ${who(e.actor)} ${e.actorRole} ${e.source}`),
        outbox: outboxView(db, label).slice(outboxBefore),
        deadlines: difference(deadlinesBefore, deadlineRows(db, label)),
        events: db.select({ id: schema.processedEvents.eventId }).from(schema.processedEvents).all(),
        duplicate: duplicate && { name: duplicate.name },
        unchangedByDuplicate: canonical(loadAggregate(db, id('0001'))) === canonical(after),
      };
    },
    {
      result: ['sign liaison pending_sign->signed'],
      stored: { version: 2, state: 'signed', signedAt: '2026-02-11T02:00:00.000Z', updatedAt: '2026-02-11T02:00:00.000Z' },
      audit: ['1 import_created ok system:cli null cli', '3 sign ok jtw.liaison1 liaison card'],
      outbox: ['ob#8 sg#1 patch_card cd#1 pending', 'ob#9 sg#1 patch_card cd#3 pending'],
      deadlines: { removed: ['sg#1 jtw sign 2026-02-10..2026-02-12'], added: [] },
      events: [{ id: 'ev_sign_1' }],
      duplicate: { name: 'DuplicateEvent' },
      unchangedByDuplicate: true,
    },
  ),

  returning(
    'dispatch: a refusal is audited on its own, with the event claimed, and nothing else changes',
    (db, world) => {
      const { id } = seed(db, world);
      recordChat(db, id('0001'), 'oc_0001', world.now);
      const d01 = world.directory.deputies[0]!.open_id;
      const before = canonical(loadAggregate(db, id('0001')));
      const outbox = count(db, 'outbox');
      const lead = loadAggregate(db, id('0001'))!.assignments[0]!;
      const deps: DispatchDeps = { db, clock: () => new Date('2026-02-11T02:00:00.000Z'), timeZone: 'Asia/Shanghai' };
      const error = caught(() => dispatch(deps, { actor: d01, command: { type: 'sign', assignmentId: lead.id }, source: 'text', event: { id: 'ev_refused', type: 'im.message.receive_v1' } }));
      const last = auditOfSuggestion(db, id('0001')).at(-1)!;
      return {
        error: error && { name: error.name, code: error.code },
        audit: { action: last.action, outcome: last.outcome, actor: roles(world.directory)(last.actor), source: last.source, subjectType: last.subjectType, message: last.message, details: last.details },
        unchanged: canonical(loadAggregate(db, id('0001'))) === before,
        outboxAdded: count(db, 'outbox') - outbox,
        events: db.select({ id: schema.processedEvents.eventId }).from(schema.processedEvents).all(),
      };
    },
    {
      error: { name: 'DomainError', code: 'forbidden' },
      audit: {
        action: 'sign',
        outcome: 'refused',
        actor: 'd01',
        source: 'text',
        subjectType: 'command',
        message: '仅承办单位联络员或负责人可签收',
        details: { code: 'forbidden', en: 'Only the handling unit\'s liaison or head may sign for it' },
      },
      unchanged: true,
      outboxAdded: 0,
      events: [{ id: 'ev_refused' }],
    },
  ),

  throwing(
    'dispatch: a refusal reaches the caller as a DomainError',
    (db, world) => {
      const { id } = seed(db, world);
      const lead = loadAggregate(db, id('0001'))!.assignments[0]!;
      dispatch({ db, clock: () => NOW, timeZone: 'Asia/Shanghai' }, { actor: world.directory.deputies[0]!.open_id, command: { type: 'sign', assignmentId: lead.id }, source: 'card' });
    },
    { name: 'DomainError', code: 'forbidden' },
  ),

  returning(
    'dispatch: a failure at the last write (the audit entry) undoes the save, the deadlines, the outbox rows and the event claim',
    (db, world) => {
      const { id } = seed(db, world);
      const liaison = world.directory.units.find((u) => u.id === 'jtw')!.liaisons[0]!;
      const lead = loadAggregate(db, id('0001'))!.assignments[0]!;
      const snapshot = () =>
        canonical({
          aggregate: loadAggregate(db, id('0001')),
          deadlines: db.select().from(schema.openDeadlines).orderBy(asc(schema.openDeadlines.subjectId), asc(schema.openDeadlines.kind)).all(),
          outbox: listOutbox(db),
          cards: db.select().from(schema.cardMessages).orderBy(asc(schema.cardMessages.id)).all(),
          audit: db.select().from(schema.auditLog).all(),
          events: db.select().from(schema.processedEvents).all(),
        });
      const before = snapshot();
      db.run(sql`create trigger refuse_audit before insert on audit_log when new.action = 'sign' begin select raise(abort, 'the audit log is full'); end`);
      const error = caught(() =>
        dispatch({ db, clock: () => new Date('2026-02-11T02:00:00.000Z'), timeZone: 'Asia/Shanghai' }, { actor: liaison, command: { type: 'sign', assignmentId: lead.id }, source: 'card', event: { id: 'ev_lost', type: 'card.action.trigger' } }),
      );
      return { failed: /the audit log is full/.test(error?.message ?? ''), notDomain: error?.name !== 'DomainError', unchanged: snapshot() === before };
    },
    { failed: true, notDomain: true, unchanged: true },
  ),
];

/** Every case, by name; the same list on both drivers. */
/** 0001 and 0002 answered and approved (0001 public with a confirmed commitment, 0002 not public); 0006 untouched. */
function answeredPair(db: SqliteDb, world: CaseWorld) {
  const { id } = seed(db, world, ['0001', '0002', '0006']);
  const at = '2026-02-11T02:00:00.000Z';
  for (const [number, isPublic] of [['0001', true], ['0002', false]] as const) {
    const before = loadAggregate(db, id(number))!;
    const next = nextOf(before, 'ou_liaison', at);
    Object.assign(next.answers[0]!, { status: 'approved', public: isPublic, privateReason: isPublic ? null : '涉及未公开规划', summary: `${number} 的答复`, decidedBy: 'ou_head', decidedAt: at });
    Object.assign(next.commitments[0]!, { state: 'confirmed', confirmedBy: 'ou_deputy', confirmedAt: at });
    db.transaction((tx) => saveAggregate(tx, before, next));
  }
  return id;
}

const LEDGER: StoreCase[] = [
  returning(
    'ledger-store: loadLedgerSource reads the approved answers, their commitments and evaluations of the filtered suggestions',
    (db, world) => {
      answeredPair(db, world);
      const all = loadLedgerSource(db, {});
      const none = loadLedgerSource(db, { session: '市六届人大一次会议' });
      return {
        suggestions: all.suggestions.size,
        answers: all.answers.map((a) => `${a.summary} ${a.status} ${a.public}`).sort(),
        commitments: all.commitments.map((c) => `${c.content} ${c.state} ${c.dueOn}`),
        units: all.unitNames.get('jtw'),
        none: [none.suggestions.size, none.answers.length, none.commitments.length],
      };
    },
    {
      suggestions: 3,
      answers: ['0001 的答复 approved true', '0002 的答复 approved false'],
      commitments: ['年内新增微循环线路 3 条 confirmed 2026-12-31', '年内新增微循环线路 3 条 confirmed 2026-12-31'],
      units: '市交通运输委员会',
      none: [0, 0, 0],
    },
  ),
  returning(
    'sweep-store: openCommitmentsPage lists the confirmed commitments (policy followUp) with their unit; ledger-store reads their follow-ups and second evaluations',
    (db, world) => {
      answeredPair(db, world);
      const open = sweepStore(db).openCommitmentsPage(undefined, 100);
      const source = loadLedgerSource(db, {});
      return {
        open: open.map((c) => `${c.unitId} ${c.content} ${c.dueOn} ${c.confirmedAt.length > 0}`).sort(),
        followUps: source.commitmentFollowUps.length,
        secondEvaluations: source.commitmentEvaluations.length,
      };
    },
    {
      // 0001 and 0002 are led by different units in the seed.
      open: ['jtw 年内新增微循环线路 3 条 2026-12-31 true', 'zjw 年内新增微循环线路 3 条 2026-12-31 true'],
      followUps: 0,
      secondEvaluations: 0,
    },
  ),
  returning(
    'publication-store: loadPublication returns only public approved answers of non-classified suggestions, with bodies and deputies',
    (db, world) => {
      answeredPair(db, world);
      return loadPublication(db, {}).map((p) => ({ number: p.number, body: p.body.length > 0, deputies: p.deputies.length > 0, answers: p.answers.map((a) => `${a.unitId} ${a.round} ${a.summary}`) }));
    },
    [{ number: '0001', body: true, deputies: true, answers: ['jtw 1 0001 的答复'] }],
  ),
];

export const STORE_CASES: StoreCase[] = [...DATABASE, ...PREPARED, ...AGGREGATES, ...LOGS, ...DEADLINES, ...OUTBOX, ...MESSAGES, ...GROUP_MESSAGES, ...SWEEP, ...AT_SCALE, ...STATS, ...LEDGER, ...APP, ...GROUP_CASES, ...SEARCH_CASES, ...AUDIT_CHAIN_CASES, ...IMPORT_CASES];

export function storeCase(name: string): StoreCase | undefined {
  return STORE_CASES.find((c) => c.name === name);
}
