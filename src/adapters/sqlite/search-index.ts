/**
 * The knowledge base's full-text index (SPEC §5 "查", §7 /api/search): one FTS5 document per
 * suggestion, replaced in the transaction of every change that touches what is searchable (the
 * import, every lifecycle command), and the queries that rank it by bm25.
 *
 * What is indexed, and how Chinese becomes terms, is decided in src/core/search-text.ts. What a
 * result may show is decided here, once, for every caller (API, CLI, the 查询结果 card, the
 * assignment card's 往年类似建议): a classified suggestion shows no body, answer nor note; an
 * answer that is not public is never shown.
 */
import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { matchExpression, queryTerms, queryWords, searchDocument, snippetOf } from '../../core/search-text.ts';
import type { SuggestionAggregate } from '../../core/model.ts';
import { chunked, connectionOf, insertMany, MAX_BOUND_VALUES, type DbOrTx } from './db.ts';
import * as schema from './schema.ts';

/**
 * The FTS5 table the migration created (migrations/*_search.sql). Declared here, not in
 * schema.ts, because drizzle-kit would generate it as an ordinary table; `rowid` is search_docs.doc_id.
 */
export const searchIndex = sqliteTable('search_index', {
  rowid: integer('rowid').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  category: text('category').notNull(),
  answers: text('answers').notNull(),
  notes: text('notes').notNull(),
});

/**
 * bm25 weights of title, body, category, answers, notes: a word in the title says most about what
 * a suggestion is about; the body is long and says it again.
 */
const RANK = sql`bm25(search_index, 10.0, 2.0, 4.0, 1.0, 1.0)`;

/** Replaces the suggestion's document with what it holds now. Runs inside the change's transaction. */
export function indexSuggestion(tx: DbOrTx, agg: Pick<SuggestionAggregate, 'suggestion' | 'answers' | 'progressReports'>): void {
  const suggestionId = agg.suggestion.id;
  let docId = tx.select({ docId: schema.searchDocs.docId }).from(schema.searchDocs).where(eq(schema.searchDocs.suggestionId, suggestionId)).get()?.docId;
  if (docId === undefined) {
    docId = tx.insert(schema.searchDocs).values({ suggestionId }).returning({ docId: schema.searchDocs.docId }).get().docId;
  } else {
    tx.delete(searchIndex).where(eq(searchIndex.rowid, docId)).run();
  }
  tx.insert(searchIndex)
    .values({ rowid: docId, ...searchDocument(agg) })
    .run();
}

/**
 * Indexes suggestions that have no document yet (the import's new ones, issue 11): their
 * documents' ids in one statement, the documents in a few more, whatever their number.
 */
export function indexNewSuggestions(tx: DbOrTx, aggs: ReadonlyArray<Pick<SuggestionAggregate, 'suggestion' | 'answers' | 'progressReports'>>): void {
  if (aggs.length === 0) return;
  const docs = newDocuments(tx).all({ ids: JSON.stringify(aggs.map((a) => a.suggestion.id)) });
  const docOf = new Map(docs.map((d) => [d.suggestionId, d.docId]));
  insertMany(
    tx,
    searchIndex,
    aggs.map((agg) => ({ rowid: docOf.get(agg.suggestion.id)!, ...searchDocument(agg) })),
  );
}

/** A document id for each suggestion of a JSON list, prepared once per connection. */
const newDocumentStatements = new WeakMap<object, ReturnType<typeof prepareNewDocuments>>();
function newDocuments(db: DbOrTx) {
  let statement = newDocumentStatements.get(connectionOf(db));
  if (!statement) newDocumentStatements.set(connectionOf(db), (statement = prepareNewDocuments(db)));
  return statement;
}
const prepareNewDocuments = (db: DbOrTx) =>
  db
    .insert(schema.searchDocs)
    .select(sql`select null, value from json_each(${sql.placeholder('ids')}) order by key`)
    .returning({ docId: schema.searchDocs.docId, suggestionId: schema.searchDocs.suggestionId })
    .prepare();

/** Re-reads what is searchable of a suggestion and indexes it: for writers that hold no aggregate. */
export function reindexSuggestion(tx: DbOrTx, suggestionId: string): void {
  const suggestion = tx.select().from(schema.suggestions).where(eq(schema.suggestions.id, suggestionId)).get();
  if (!suggestion) return;
  const answers = tx.select().from(schema.answers).where(eq(schema.answers.suggestionId, suggestionId)).all();
  const progressReports = tx.select().from(schema.progressReports).where(eq(schema.progressReports.suggestionId, suggestionId)).all();
  indexSuggestion(tx, { suggestion, answers, progressReports });
}

export interface SearchFilters {
  session?: string | undefined;
  unit?: string | undefined;
  category?: string | undefined;
  resultClass?: 'A' | 'B' | 'C' | 'D' | undefined;
  /** The year the suggestion was assigned (YYYY). */
  year?: string | undefined;
}

export interface SearchOptions extends SearchFilters {
  limit: number;
  /** Leave classified suggestions out altogether (the group: SPEC §5); operators see their titles. */
  excludeClassified?: boolean | undefined;
  /** Leave these suggestions out (a suggestion is not similar to itself). */
  excludeIds?: readonly string[] | undefined;
  /** Only suggestions assigned before this date (往年类似建议: earlier ones). */
  assignedBefore?: string | undefined;
}

export interface SearchHit {
  id: string;
  session: string;
  number: string;
  title: string;
  category: string;
  assignedOn: string;
  year: string;
  classified: boolean;
  status: 'open' | 'closed' | 'withdrawn';
  units: string[];
  /** The latest approved public answer; null when there is none, or it is not public, or the suggestion is classified. */
  answer: { resultClass: 'A' | 'B' | 'C' | 'D'; summary: string; unit: string; date: string } | null;
  /** The text around the first word found (title, body, answer or note; never a classified one's body). */
  snippet: string;
  /** bm25: lower is more relevant. */
  score: number;
}

/**
 * The suggestions that hold every word of `query` (`all`), or any of its terms, best first
 * (`any`: for similar items, where a long text asks the question).
 */
export function searchSuggestions(db: DbOrTx, query: string, options: SearchOptions, mode: 'all' | 'any' = 'all'): SearchHit[] {
  return search(db, query, options, mode).map((r) => r.hit);
}

/** A hit and the text it was found in (what may be shown of it), for the similar items' check. */
interface Found {
  hit: SearchHit;
  searchable: string;
}

function search(db: DbOrTx, query: string, options: SearchOptions, mode: 'all' | 'any'): Found[] {
  const words = queryWords(query);
  const terms = queryTerms(words).slice(0, mode === 'any' ? MAX_SIMILAR_TERMS : undefined);
  if (terms.length === 0) return [];
  const s = schema.suggestions;
  const where: SQL[] = [sql`search_index MATCH ${matchExpression(terms, mode)}`];
  if (options.session) where.push(eq(s.session, options.session));
  if (options.category) where.push(eq(s.category, options.category));
  if (options.year) where.push(sql`substr(${s.assignedOn}, 1, 4) = ${options.year}`);
  if (options.excludeClassified) where.push(eq(s.classified, false));
  if (options.assignedBefore) where.push(sql`${s.assignedOn} < ${options.assignedBefore}`);
  for (const id of options.excludeIds ?? []) where.push(ne(s.id, id));
  if (options.unit) {
    where.push(sql`exists (select 1 from ${schema.assignments} where ${schema.assignments.suggestionId} = ${s.id} and ${schema.assignments.unitId} = ${options.unit})`);
  }
  if (options.resultClass) {
    const a = schema.answers;
    // Only what may be shown can be filtered on: a hidden class is not revealed by a filter.
    where.push(
      sql`${s.classified} = 0 and exists (select 1 from ${a} where ${a.suggestionId} = ${s.id} and ${a.status} = 'approved' and ${a.public} = 1 and ${a.resultClass} = ${options.resultClass})`,
    );
  }
  const rows = db
    .select({
      id: s.id,
      session: s.session,
      number: s.number,
      title: s.title,
      body: s.body,
      category: s.category,
      assignedOn: s.assignedOn,
      classified: s.classified,
      status: s.status,
      score: sql<number>`${RANK}`,
    })
    .from(searchIndex)
    .innerJoin(schema.searchDocs, eq(schema.searchDocs.docId, searchIndex.rowid))
    .innerJoin(s, eq(s.id, schema.searchDocs.suggestionId))
    .where(and(...where))
    .orderBy(RANK, asc(s.assignedOn))
    .limit(options.limit)
    .all();
  return describe(db, rows, words);
}

type Row = Pick<SearchHit, 'id' | 'session' | 'number' | 'title' | 'category' | 'assignedOn' | 'classified' | 'status' | 'score'> & { body: string };

/** Units, the answer that may be shown, and a snippet, for each hit: a few indexed reads per hit. */
function describe(db: DbOrTx, rows: Row[], words: string[]): Found[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const unitNames = new Map(db.select().from(schema.units).all().map((u) => [u.id, u.name]));
  const assignments: Array<{ id: string; suggestionId: string; unitId: string; role: string; state: string }> = [];
  const answers: Array<typeof schema.answers.$inferSelect> = [];
  const notes: Array<{ suggestionId: string; text: string }> = [];
  for (const part of chunked(ids, MAX_BOUND_VALUES - 10)) {
    const a = schema.assignments;
    assignments.push(...db.select({ id: a.id, suggestionId: a.suggestionId, unitId: a.unitId, role: a.role, state: a.state }).from(a).where(inArray(a.suggestionId, part)).orderBy(asc(a.createdAt)).all());
    const an = schema.answers;
    answers.push(...db.select().from(an).where(and(inArray(an.suggestionId, part), eq(an.status, 'approved'), eq(an.public, true))).orderBy(desc(an.decidedAt), desc(an.submittedAt)).all());
    const p = schema.progressReports;
    notes.push(...db.select({ suggestionId: p.suggestionId, text: p.text }).from(p).where(inArray(p.suggestionId, part)).all());
  }
  return rows.map((r) => {
    const own = assignments.filter((a) => a.suggestionId === r.id && a.state !== 'withdrawn');
    const units = [...own.filter((a) => a.role !== 'co'), ...own.filter((a) => a.role === 'co')].map((a) => unitNames.get(a.unitId) ?? a.unitId);
    const answerRow = r.classified ? undefined : answers.find((a) => a.suggestionId === r.id);
    const answerUnit = answerRow && assignments.find((a) => a.id === answerRow.assignmentId);
    const answer = answerRow
      ? {
          resultClass: answerRow.resultClass,
          summary: answerRow.summary,
          unit: unitNames.get(answerUnit?.unitId ?? '') ?? '',
          date: (answerRow.decidedAt ?? answerRow.submittedAt).slice(0, 10),
        }
      : null;
    const searchable = r.classified ? [r.title, r.category] : [r.title, r.body, r.category, ...(answer ? [answer.summary] : []), ...notes.filter((n) => n.suggestionId === r.id).map((n) => n.text)];
    let snippet = '';
    for (const text of searchable) {
      const found = snippetOf(text, words);
      if (found) {
        snippet = found;
        break;
      }
    }
    const hit: SearchHit = {
      id: r.id,
      session: r.session,
      number: r.number,
      title: r.title,
      category: r.category,
      assignedOn: r.assignedOn,
      year: r.assignedOn.slice(0, 4),
      classified: r.classified,
      status: r.status,
      units,
      answer,
      // Found only through a term across a word's edge: the start of what may be shown.
      snippet: snippet || (snippetOf(r.classified ? r.title : r.body || r.title, ['']) ?? ''),
      score: r.score,
    };
    return { hit, searchable: searchable.join('\n') };
  });
}

/** How much of a new suggestion asks for similar ones: its title and the start of its body. */
const SIMILAR_BODY_CHARS = 200;
const MAX_SIMILAR_TERMS = 80;
/**
 * A term in more than this share of the documents (and in more than COMMON_TERM_DOCS: a small
 * base has no common words yet) says nothing about a topic: 关于, 建议, 的建, 加强.
 */
const COMMON_TERM_SHARE = 0.05;
const COMMON_TERM_DOCS = 10;

/** The frame of nearly every title (关于…的建议/议案/提案): never a topic, however few suggestions are stored. */
const BOILERPLATE = new Set(queryTerms(['关于', '的建议', '的议案', '的提案']));

/** fts5vocab over the index (the migration): how many documents hold each term. */
const searchTerms = sqliteTable('search_terms', { term: text('term').notNull(), doc: integer('doc').notNull() });

/**
 * 往年类似建议: the earlier suggestions most like this one, by its title and the start of its body:
 * any of their terms that is not common to most suggestions; bm25 favours those sharing the most,
 * and the rarest. One that shares none of the title's telling terms is not similar: the title says
 * what a suggestion is about, a body's chance words do not. Never a classified one: they go
 * on a card in the group. A classified suggestion asks with its title only.
 */
export function similarSuggestions(
  db: DbOrTx,
  s: { id: string; title: string; body: string; classified: boolean; assignedOn: string },
  limit = 3,
): SearchHit[] {
  // Without its frame, so that no window spans it and the topic (关于|加快…的|建议).
  const title = s.title.replace(/^\s*关于/, '').replace(/的(建议|议案|提案)\s*$/, '');
  const text = s.classified ? title : `${title} ${Array.from(s.body).slice(0, SIMILAR_BODY_CHARS).join('')}`;
  const terms = queryTerms(queryWords(text))
    .filter((t) => !BOILERPLATE.has(t))
    .slice(0, MAX_SIMILAR_TERMS);
  const documents = db.select({ n: sql<number>`count(*)` }).from(schema.searchDocs).get()?.n ?? 0;
  const tooCommon = Math.max(COMMON_TERM_DOCS, Math.ceil(documents * COMMON_TERM_SHARE));
  const frequency = new Map<string, number>();
  for (const part of chunked(terms, MAX_BOUND_VALUES - 10)) {
    for (const row of db.select().from(searchTerms).where(inArray(searchTerms.term, part)).all()) frequency.set(row.term, row.doc);
  }
  const telling = terms.filter((t) => (frequency.get(t) ?? 0) > 0 && (frequency.get(t) ?? 0) <= tooCommon);
  const titleTerms = new Set(queryTerms(queryWords(title)).filter((t) => telling.includes(t)));
  if (titleTerms.size === 0) return [];
  const candidates = search(db, telling.join(' '), { limit: limit * 4, excludeClassified: true, excludeIds: [s.id], assignedBefore: s.assignedOn }, 'any');
  return candidates
    .filter((found) => sharedTerms(found.searchable, [...titleTerms]).length > 0)
    .slice(0, limit)
    .map((found) => found.hit);
}

function sharedTerms(text: string, terms: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return terms.filter((t) => lower.includes(t));
}

/** The suggestion ids that hold every word of `query`: the `q` filter of the suggestion list. */
export function matchingSuggestions(query: string): SQL | undefined {
  const terms = queryTerms(queryWords(query));
  if (terms.length === 0) return undefined;
  return sql`${schema.suggestions.id} in (select ${schema.searchDocs.suggestionId} from ${schema.searchDocs} where ${schema.searchDocs.docId} in (select rowid from search_index where search_index match ${matchExpression(terms, 'all')}))`;
}
