/**
 * Store contract cases for the import's slices written together (issue 11): the multi-row insert
 * (`insertMany`, rows bound as one JSON value) stores what the prepared single-row insert stores;
 * a slice the database refuses is written again row by row, so that only the refused row is
 * rejected; and what the import builds in memory for a new suggestion (its deadlines, its board's
 * light, its search document, its group's members) is what the stores compute again from the
 * aggregate read back. Part of STORE_CASES (store-cases.ts): run on both drivers.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { loadAggregate } from '../../src/adapters/sqlite/aggregate-store.ts';
import { verifyAuditChain } from '../../src/adapters/sqlite/audit-chain.ts';
import { insertMany, insertRows, type SqliteDb } from '../../src/adapters/sqlite/db.ts';
import { defaultDeadlineContext, ensureDeadlineIndex } from '../../src/adapters/sqlite/deadline-index.ts';
import { loadDirectory } from '../../src/adapters/sqlite/directory-store.ts';
import { initialMembers } from '../../src/adapters/sqlite/group-membership.ts';
import * as schema from '../../src/adapters/sqlite/schema.ts';
import { reindexSuggestion } from '../../src/adapters/sqlite/search-index.ts';
import { importSuggestions } from '../../src/app/import/import-suggestions.ts';
import { count, NOW, returning, sampleRows, TODAY, type StoreCase } from './case-kit.ts';

const OPTIONS = { source: 'cli' as const, actor: 'system:cli', now: NOW, today: TODAY };

/** Text that must come back as it went in: quotes, backslashes, RTL and zero-width marks, a wide character. */
const AWKWARD = 'a "quoted" \\ back\\slash \u202eRTL\u202c zero\u200bwidth 𠀀 {"json":1} \' single';

function outboxRow(prefix: string, i: number) {
  const at = NOW.toISOString();
  return { id: `ob_${prefix}${String(i).padStart(3, '0')}`, suggestionId: null, kind: 'send_text', payload: { kind: 'send_text' as const, chatId: 'oc_many', text: `${i} ${AWKWARD}` }, nextAttemptAt: at, createdAt: at };
}

function suggestionRow(prefix: string, i: number) {
  const at = NOW.toISOString();
  return {
    id: `sg_${prefix}${String(i).padStart(3, '0')}`,
    session: prefix,
    number: String(i),
    kind: 'suggestion' as const,
    timing: i % 2 ? ('interim' as const) : ('session' as const),
    title: `${i} ${AWKWARD}`,
    key: i % 3 === 0,
    keyLeader: i % 2 ? null : `领导${i}`,
    classified: i % 4 === 0,
    assignedOn: '2026-02-10',
    boardLight: i % 5 === 0 ? ('red' as const) : null,
    createdAt: at,
    updatedAt: at,
  };
}

/** Each stored row without the column that differs by construction, and SQLite's type of every value. */
function storedRows(db: SqliteDb, table: 'outbox' | 'suggestions', prefix: string) {
  const rows =
    table === 'outbox'
      ? db.select().from(schema.outbox).orderBy(asc(schema.outbox.seq)).all().filter((r) => r.id.startsWith(`ob_${prefix}`)).map(({ seq: _seq, id: _id, ...r }) => r)
      : db.select().from(schema.suggestions).where(eq(schema.suggestions.session, prefix)).orderBy(asc(sql`rowid`)).all().map(({ id: _id, session: _session, ...r }) => r);
  const types = db.all<Record<string, string>>(
    table === 'outbox'
      ? sql`select typeof(payload) p, typeof(status) s, typeof(attempts) a, typeof(result) r, typeof(last_error) e from outbox where id like ${`ob_${prefix}%`} order by seq`
      : sql`select typeof(key) k, typeof(key_leader) l, typeof(classified) c, typeof(version) v, typeof(board_light) b, typeof(body) t from suggestions where session = ${prefix} order by rowid`,
  );
  return JSON.stringify([rows, types]);
}

export const IMPORT_CASES: StoreCase[] = [
  returning(
    'insertMany: rows written in one statement (one JSON value) read back as the prepared single-row insert writes them: json, booleans, nulls, defaults, order',
    (db) => {
      insertMany(db, schema.outbox, Array.from({ length: 12 }, (_, i) => outboxRow('m', i)));
      insertRows(db, schema.outbox, Array.from({ length: 12 }, (_, i) => outboxRow('r', i)));
      insertMany(db, schema.suggestions, Array.from({ length: 12 }, (_, i) => suggestionRow('m', i)));
      insertRows(db, schema.suggestions, Array.from({ length: 12 }, (_, i) => suggestionRow('r', i)));
      const many = db.select({ id: schema.outbox.id }).from(schema.outbox).orderBy(asc(schema.outbox.seq)).all().map((r) => r.id).filter((id) => id.startsWith('ob_m'));
      return {
        outboxSame: storedRows(db, 'outbox', 'm') === storedRows(db, 'outbox', 'r'),
        suggestionsSame: storedRows(db, 'suggestions', 'm') === storedRows(db, 'suggestions', 'r'),
        inOrder: many.join() === Array.from({ length: 12 }, (_, i) => outboxRow('m', i).id).join(),
        text: db.select({ payload: schema.outbox.payload }).from(schema.outbox).where(eq(schema.outbox.id, 'ob_m003')).get()!.payload,
      };
    },
    { outboxSame: true, suggestionsSame: true, inOrder: true, text: { kind: 'send_text', chatId: 'oc_many', text: `3 ${AWKWARD}` } },
  ),

  returning(
    'import: a slice the database refuses is written again row by row; only the row it refuses is rejected, with its reason, and nothing of it stays',
    (db, world) => {
      loadDirectory(db, world.directory);
      // A real constraint the checks before writing cannot know: 0006's search document already exists when the import adds it.
      db.run(sql.raw("CREATE TRIGGER take_document AFTER INSERT ON suggestions WHEN new.number = '0006' BEGIN INSERT INTO search_docs (suggestion_id) VALUES (new.id); END"));
      const report = importSuggestions(db, sampleRows(['0001', '0002', '0006', '0024', '0025']), OPTIONS);
      const ids = new Set(db.select({ id: schema.suggestions.id }).from(schema.suggestions).all().map((s) => s.id));
      const orphans = [schema.outbox, schema.cardMessages, schema.openDeadlines, schema.assignments, schema.searchDocs].reduce(
        (n, table) => n + db.select({ suggestionId: table.suggestionId }).from(table).all().filter((r) => !ids.has(r.suggestionId ?? '')).length,
        0,
      );
      return {
        created: report.created,
        rejected: report.rejected.map((r) => `${r.row} ${r.number} ${/UNIQUE constraint failed/.test(r.reason)}`),
        items: report.items.map((i) => i.number),
        suggestions: count(db, 'suggestions'),
        searchDocs: count(db, 'search_docs'),
        audit: count(db, 'audit_log'),
        orphans,
        chain: verifyAuditChain(db).ok,
      };
    },
    { created: 4, rejected: ['4 0006 true'], items: ['0001', '0002', '0024', '0025'], suggestions: 4, searchDocs: 4, audit: 4, orphans: 0, chain: true },
  ),

  returning(
    'import: what a slice builds in memory for its new suggestions is what the stores compute from the aggregates read back (deadlines, board light, search document, group members)',
    (db, world) => {
      loadDirectory(db, world.directory);
      const report = importSuggestions(db, sampleRows(['0001', '0002', '0006', '0024', '0025']), OPTIONS);
      const deadlines = () => JSON.stringify(db.select().from(schema.openDeadlines).orderBy(asc(schema.openDeadlines.subjectId), asc(schema.openDeadlines.kind)).all());
      const lights = () => JSON.stringify(db.select({ id: schema.suggestions.id, light: schema.suggestions.boardLight }).from(schema.suggestions).orderBy(asc(schema.suggestions.id)).all());
      const documents = () => JSON.stringify(db.all(sql`select d.suggestion_id, i.title, i.body, i.category, i.answers, i.notes from search_docs d join search_index i on i.rowid = d.doc_id order by d.suggestion_id`));
      const imported = { deadlines: deadlines(), lights: lights(), documents: documents() };
      const members = db
        .select()
        .from(schema.outbox)
        .where(eq(schema.outbox.kind, 'create_chat'))
        .orderBy(asc(schema.outbox.seq))
        .all()
        .map((r) => (r.payload.kind === 'create_chat' ? r.payload.memberOpenIds.join() : ''));
      const rebuilt = ensureDeadlineIndex(db, defaultDeadlineContext(), 'contract', TODAY);
      db.transaction((tx) => report.items.forEach((i) => reindexSuggestion(tx, i.id)));
      return {
        rebuilt,
        deadlinesSame: deadlines() === imported.deadlines,
        lightsSame: lights() === imported.lights,
        documentsSame: documents() === imported.documents,
        membersSame: members.join('|') === report.items.map((i) => initialMembers(db, loadAggregate(db, i.id)!).join()).join('|'),
        lit: JSON.parse(imported.lights).every((l: { light: string | null }) => l.light !== null),
      };
    },
    { rebuilt: 5, deadlinesSame: true, lightsSame: true, documentsSame: true, membersSame: true, lit: true },
  ),
];
