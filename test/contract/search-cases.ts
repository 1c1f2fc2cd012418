/**
 * Store contract cases for the knowledge base (issue 14): the FTS5 index exists on both drivers
 * (better-sqlite3 and a Durable Object's SQLite), is written in the transaction of the change and
 * rolled back with it, ranks by bm25, matches two-character Chinese words, and never finds nor
 * shows a classified suggestion's body or an answer that is not public. Part of STORE_CASES.
 */
import { eq, sql } from 'drizzle-orm';
import { loadAggregate, saveAggregate } from '../../src/adapters/sqlite/aggregate-store.ts';
import type { SqliteDb } from '../../src/adapters/sqlite/db.ts';
import * as schema from '../../src/adapters/sqlite/schema.ts';
import { indexSuggestion, searchSuggestions, similarSuggestions } from '../../src/adapters/sqlite/search-index.ts';
import { newId } from '../../src/core/ids.ts';
import type { AnswerRow, SuggestionAggregate } from '../../src/core/model.ts';
import { caught, NOW, returning, seed, type StoreCase } from './case-kit.ts';

const numbers = (db: SqliteDb, q: string, options: Parameters<typeof searchSuggestions>[2] = { limit: 10 }) => searchSuggestions(db, q, options).map((h) => h.number);

function withAnswer(before: SuggestionAggregate, summary: string, visible: boolean, status: AnswerRow['status'] = 'approved'): SuggestionAggregate {
  const next = structuredClone(before);
  next.suggestion.version++;
  const lead = next.assignments[0]!;
  next.answers.push({
    id: newId('an'),
    suggestionId: next.suggestion.id,
    assignmentId: lead.id,
    round: 1,
    resultClass: 'A',
    summary,
    public: visible,
    privateReason: visible ? null : '涉及未公开规划',
    status,
    submittedBy: 'ou_x',
    submittedAt: NOW.toISOString(),
    decidedBy: status === 'approved' ? 'ou_head' : null,
    decidedAt: status === 'approved' ? NOW.toISOString() : null,
    returnReason: null,
    reviewedBy: null,
    reviewedAt: null,
  });
  return next;
}

/** The tables the search migration creates beside the schema's: the FTS5 table, its shadow tables, its vocabulary. */
export const SEARCH_TABLES = ['search_index', 'search_index_config', 'search_index_content', 'search_index_data', 'search_index_docsize', 'search_index_idx', 'search_terms'];

export const SEARCH_CASES: StoreCase[] = [
  returning(
    'search-index: an import indexes each suggestion; two-character words and longer ones match, best first by bm25, with its unit',
    (db, world) => {
      seed(db, world, ['0001', '0002', '0006', '0025']);
      const hits = searchSuggestions(db, '加装电梯', { limit: 5 });
      return {
        docs: db.select({ n: sql<number>`count(*)` }).from(schema.searchDocs).get()!.n,
        电梯: numbers(db, '电梯'),
        加装电梯: hits.map((h) => ({ number: h.number, units: h.units, year: h.year, answer: h.answer })),
        交通: numbers(db, '交通'),
        客运班线: numbers(db, '客运 班线'),
        none: numbers(db, '航天'),
        oneCharacter: numbers(db, '车'),
        filtered: numbers(db, '交通', { limit: 5, year: '2026', unit: 'jtw' }),
      };
    },
    {
      docs: 4,
      电梯: ['0002'],
      加装电梯: [{ number: '0002', units: ['市住房和城乡建设委员会'], year: '2026', answer: null }],
      交通: ['0001', '0025'],
      客运班线: ['0025'],
      none: [],
      oneCharacter: [],
      filtered: ['0001', '0025'],
    },
  ),

  returning(
    'search-index: written in the transaction of the change: an approved public answer is found after commit, nothing of a rolled-back one',
    (db, world) => {
      const { id } = seed(db, world, ['0001', '0002']);
      const before = loadAggregate(db, id('0001'))!;
      const failed = caught(() =>
        db.transaction((tx) => {
          const next = withAnswer(before, '新开通微循环巴士线路', true);
          saveAggregate(tx, before, next);
          indexSuggestion(tx, next);
          throw new Error('the change failed');
        }),
      );
      const afterRollback = numbers(db, '微循环巴士');
      db.transaction((tx) => {
        const next = withAnswer(before, '新开通微循环巴士线路', true);
        saveAggregate(tx, before, next);
        indexSuggestion(tx, next);
      });
      const hit = searchSuggestions(db, '微循环巴士', { limit: 5 })[0];
      return { failed: failed?.message, afterRollback, afterCommit: hit && { number: hit.number, answer: hit.answer, snippet: hit.snippet }, docs: db.select({ n: sql<number>`count(*)` }).from(schema.searchDocs).get()!.n };
    },
    {
      failed: 'the change failed',
      afterRollback: [],
      afterCommit: { number: '0001', answer: { resultClass: 'A', summary: '新开通微循环巴士线路', unit: '市交通运输委员会', date: '2026-02-10' }, snippet: '新开通微循环巴士线路' },
      docs: 2,
    },
  ),

  returning(
    'search-index: a classified body and an answer that is not public (or not approved) are never found nor shown',
    (db, world) => {
      const { id } = seed(db, world, ['0002', '0024']);
      // The classified suggestion's body holds a word no one may find it by.
      db.update(schema.suggestions).set({ body: '涉及雷达站址的具体位置' }).where(eq(schema.suggestions.id, id('0024'))).run();
      const secret = loadAggregate(db, id('0024'))!;
      const elevator = loadAggregate(db, id('0002'))!;
      db.transaction((tx) => {
        const next = withAnswer(secret, '已落实雷达站防护围栏', true);
        saveAggregate(tx, secret, next);
        indexSuggestion(tx, next);
        const hidden = withAnswer(elevator, '电梯补贴资金另行下达', false);
        saveAggregate(tx, elevator, hidden);
        indexSuggestion(tx, hidden);
        const pending = withAnswer(hidden, '成片加装试点名单待审', true, 'pending_approval');
        saveAggregate(tx, hidden, pending);
        indexSuggestion(tx, pending);
      });
      const byTitle = searchSuggestions(db, '安全防护', { limit: 5 });
      const byElevator = searchSuggestions(db, '电梯', { limit: 5 });
      return {
        secretBody: numbers(db, '雷达站'),
        secretAnswer: numbers(db, '防护围栏'),
        hiddenAnswer: numbers(db, '补贴资金'),
        pendingAnswer: numbers(db, '试点名单'),
        byTitle: byTitle.map((h) => ({ number: h.number, classified: h.classified, answer: h.answer, snippet: h.snippet })),
        byTitleInGroup: numbers(db, '安全防护', { limit: 5, excludeClassified: true }),
        elevator: byElevator.map((h) => ({ number: h.number, answer: h.answer })),
        classFilter: numbers(db, '电梯', { limit: 5, resultClass: 'A' }),
      };
    },
    {
      secretBody: [],
      secretAnswer: [],
      hiddenAnswer: [],
      pendingAnswer: [],
      byTitle: [{ number: '0024', classified: true, answer: null, snippet: '关于某重要设施周边安全防护的建议' }],
      byTitleInGroup: [],
      elevator: [{ number: '0002', answer: null }],
      classFilter: [],
    },
  ),

  returning(
    'search-index: similar earlier suggestions share telling terms, never the suggestion itself nor a later or classified one',
    (db, world) => {
      const { id } = seed(db, world, ['0001', '0002', '0006', '0024', '0025']);
      const asOf = (number: string, assignedOn: string) => ({ ...loadAggregate(db, id(number))!.suggestion, assignedOn });
      const fresh = { id: 'sg_new', title: '关于推进既有住宅加装电梯工作的建议', body: '老旧小区加装电梯审批难、补贴少。', classified: false, assignedOn: '2027-02-01' };
      return {
        elevator: similarSuggestions(db, fresh).map((h) => h.number),
        itself: similarSuggestions(db, asOf('0002', '2027-01-01')).map((h) => h.number),
        earlierOnly: similarSuggestions(db, { ...fresh, assignedOn: '2026-02-10' }).map((h) => h.number),
        unrelated: similarSuggestions(db, { ...fresh, title: '关于发展低空经济的建议', body: '无人机物流试点。' }).map((h) => h.number),
      };
    },
    { elevator: ['0002'], itself: [], earlierOnly: [], unrelated: [] },
  ),
];
