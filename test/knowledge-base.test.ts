/**
 * The knowledge base (issue 14) on a real SQLite file: relevance over a corpus built here (the
 * sample suggestions, topics that come back with near-duplicates, and a few hundred generated
 * ones over four years); the similar items of a new suggestion; the index kept up to date through
 * dispatch; the migration's backfill giving the same terms as the stores; and the cards, which
 * never show a classified body nor an answer that is not public.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { asc, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAggregate } from '../src/adapters/sqlite/aggregate-store.ts';
import { cardRecord } from '../src/adapters/sqlite/card-store.ts';
import * as schema from '../src/adapters/sqlite/schema.ts';
import { reindexSuggestion, searchIndex, searchSuggestions, similarSuggestions } from '../src/adapters/sqlite/search-index.ts';
import { renderPostedCard } from '../src/adapters/cards/posted-card.ts';
import { renderSearchResultsCard } from '../src/adapters/cards/render-card.ts';
import { importSuggestions } from '../src/app/import/import-suggestions.ts';
import { searchResultsCard, searchKnowledge } from '../src/app/knowledge-base.ts';
import { listSuggestions } from '../src/app/suggestion-queries.ts';
import { textCommand } from '../src/transports/lark/event-handlers.ts';
import { defaultPolicy } from '../src/core/deadlines/policy.ts';
import { createWorkingDayCalendar } from '../src/core/calendar/working-day-calendar.ts';
import { MIGRATIONS_FOLDER } from '../src/runtimes/node/open-database.ts';
import { noiseRows, sessionOf, topicRows, TOPICS } from './support/search-corpus.ts';
import { sampleWorld, unit } from './support/world.ts';

type World = Awaited<ReturnType<typeof sampleWorld>>;

const byNumber = (w: World, session: string, number: string) =>
  w.db
    .select()
    .from(schema.suggestions)
    .where(sql`${schema.suggestions.session} = ${session} and ${schema.suggestions.number} = ${number}`)
    .get()!;

/** An answer written straight into the store (setup), then the document indexed again, as a change would. */
function answer(w: World, suggestionId: string, summary: string, visible: boolean, resultClass: 'A' | 'B' | 'C' | 'D' = 'A') {
  const a = w.db.select().from(schema.assignments).where(eq(schema.assignments.suggestionId, suggestionId)).get()!;
  w.db.transaction((tx) => {
    tx.insert(schema.answers)
      .values({
        id: `an_${Math.random().toString(36).slice(2)}`,
        suggestionId,
        assignmentId: a.id,
        round: 1,
        resultClass,
        summary,
        public: visible,
        privateReason: visible ? null : '涉及未公开规划',
        status: 'approved',
        submittedBy: unit(a.unitId).liaison,
        submittedAt: '2024-05-01T02:00:00.000Z',
        decidedBy: unit(a.unitId).head,
        decidedAt: '2024-05-02T02:00:00.000Z',
      })
      .run();
    reindexSuggestion(tx, suggestionId);
  });
}

describe('relevance over a corpus of earlier suggestions', () => {
  let w: World;
  beforeAll(async () => {
    w = await sampleWorld();
    const rows = [...topicRows(), ...noiseRows(320, [2022, 2023, 2024, 2025])];
    const report = importSuggestions(w.db, rows, { source: 'cli', actor: 'system:cli', now: new Date('2026-02-10T01:00:00Z'), today: '2026-02-10' });
    expect(report.rejected).toEqual([]);
    expect(w.db.select({ n: sql<number>`count(*)` }).from(schema.searchDocs).get()!.n).toBe(30 + TOPICS.length * 2 + 320);
  });

  it.each(TOPICS.map((t, i) => [t.query, `T${String(i + 1).padStart(2, '0')}`]))('查 %s finds the earlier suggestion %s in the top three', (query, expected) => {
    const top = searchSuggestions(w.db, query, { limit: 3 }).map((h) => h.number);
    expect(top).toContain(expected);
  });

  it('asks with at least 20 queries, two-character words among them', () => {
    expect(TOPICS.length).toBeGreaterThanOrEqual(20);
    expect(TOPICS.filter((t) => Array.from(t.query).length === 2).length).toBeGreaterThanOrEqual(10);
  });

  it.each(TOPICS.map((_, i) => String(i + 1).padStart(2, '0')))('the near-duplicate R%s lists its original among its similar earlier suggestions', (n) => {
    const again = byNumber(w, sessionOf(2025), `R${n}`);
    const similar = similarSuggestions(w.db, again).map((h) => h.number);
    expect(similar).toContain(`T${n}`);
    expect(similar.length).toBeLessThanOrEqual(3);
    // The year of a near-duplicate is later: the original never lists it.
    expect(similarSuggestions(w.db, byNumber(w, sessionOf(2023), `T${n}`)).map((h) => h.number)).not.toContain(`R${n}`);
  });

  it('ranks a suggestion with the word in its title above one with it only in its body, and filters by session, unit, year and class', () => {
    const hits = searchKnowledge(w, { q: '电梯' }).items;
    expect(hits.map((h) => h.number).slice(0, 3).sort()).toEqual(['0002', 'R01', 'T01']);
    expect(hits[0]).toMatchObject({ title: expect.stringContaining('电梯'), snippet: expect.stringContaining('电梯') });
    expect(searchKnowledge(w, { q: '电梯', year: '2025' }).items.map((h) => h.number)).toEqual(['R01']);
    expect(searchKnowledge(w, { q: '电梯', session: sessionOf(2023) }).items.map((h) => h.number)).toEqual(['T01']);
    expect(searchKnowledge(w, { q: '外卖', unit: 'rsj' }).items.map((h) => h.number).sort()).toEqual(['R04', 'T04']);
    expect(searchKnowledge(w, { q: '外卖', unit: 'jtw' }).items).toEqual([]);
    answer(w, byNumber(w, sessionOf(2023), 'T04').id, '已推动平台为骑手缴纳职业伤害保险', true, 'A');
    expect(searchKnowledge(w, { q: '外卖', resultClass: 'A' }).items.map((h) => h.number)).toEqual(['T04']);
    expect(searchKnowledge(w, { q: '职业伤害保险' }).items.map((h) => h.number)).toContain('T04');
  });

  it('refuses a query with no word of two characters, naming the problem', () => {
    expect(() => searchKnowledge(w, { q: '车' })).toThrow(/two characters/);
    expect(() => searchKnowledge(w, { q: '电梯', limit: 0 })).toThrow(/limit/);
    expect(() => searchKnowledge(w, { q: '电梯', year: '25' })).toThrow(/year/);
  });

  it('times one query over this corpus well under a second', () => {
    const start = performance.now();
    for (const t of TOPICS) searchSuggestions(w.db, t.query, { limit: 5 });
    expect((performance.now() - start) / TOPICS.length).toBeLessThan(200);
  });
});

describe('classified suggestions and answers that are not public', () => {
  let w: World;
  let secretId: string;
  let hiddenId: string;
  let openId: string;
  beforeAll(async () => {
    w = await sampleWorld();
    const rows = [
      { title: '关于雷达站周边电梯安全防护的建议', body: '雷达站址位于某山顶，电梯井道需加固。', classified: '是', number: 'S1' },
      { title: '关于老旧小区加装电梯资金的建议', body: '加装电梯资金缺口大。', classified: '否', number: 'S2' },
      { title: '关于推广加装电梯代建模式的建议', body: '加装电梯由国企代建。', classified: '否', number: 'S3' },
    ].map((r, i) => ({
      row: i + 2,
      values: { session: sessionOf(2024), kind: '建议', timing: '大会', key: '否', category: '城乡建设', lead_deputy: 'd01', lead_unit: 'zjw', assigned_on: '2024-02-20', ...r },
    }));
    expect(importSuggestions(w.db, rows, { source: 'cli', actor: 'system:cli', now: new Date('2026-02-10T01:00:00Z'), today: '2026-02-10' }).rejected).toEqual([]);
    secretId = byNumber(w, sessionOf(2024), 'S1').id;
    hiddenId = byNumber(w, sessionOf(2024), 'S2').id;
    openId = byNumber(w, sessionOf(2024), 'S3').id;
    answer(w, secretId, '雷达站电梯井道已加固完毕', true);
    answer(w, hiddenId, '电梯补贴资金另行秘密下达', false, 'B');
    answer(w, openId, '代建模式已在三个区试点推广', true, 'A');
  });

  const everywhere = (text: string) => JSON.stringify(text);

  it('never finds a classified body, its answer, nor an answer that is not public', () => {
    expect(searchKnowledge(w, { q: '雷达站址' }).items).toEqual([]);
    expect(searchKnowledge(w, { q: '井道 加固' }).items).toEqual([]);
    expect(searchKnowledge(w, { q: '秘密下达' }).items).toEqual([]);
    expect(searchKnowledge(w, { q: '电梯', resultClass: 'B' }).items).toEqual([]);
  });

  it('shows a classified suggestion to operators by its title only, and hides answers that are not public', () => {
    const items = searchKnowledge(w, { q: '电梯', limit: 50 }).items;
    const secret = items.find((h) => h.id === secretId)!;
    expect(secret).toMatchObject({ classified: true, answer: null });
    const hidden = items.find((h) => h.id === hiddenId)!;
    expect(hidden.answer).toBeNull();
    expect(items.find((h) => h.id === openId)!.answer).toMatchObject({ resultClass: 'A', summary: '代建模式已在三个区试点推广' });
    const shown = JSON.stringify(items);
    for (const secretText of ['雷达站址', '井道需加固', '已加固完毕', '秘密下达']) expect(shown).not.toContain(secretText);
  });

  it('the 查询结果 card leaves classified suggestions out, and shows only public answers', () => {
    const model = searchResultsCard(w.db, '加装电梯');
    expect(model.results.length).toBeLessThanOrEqual(5);
    const card = JSON.stringify(renderSearchResultsCard(model));
    expect(card).toContain('查询结果');
    expect(card).toContain('代建模式已在三个区试点推广');
    expect(card).toContain('A类');
    expect(card).toContain('暂无可公开的答复');
    for (const secretText of ['雷达站', '已加固完毕', '秘密下达']) expect(card).not.toContain(secretText);
    expect(JSON.stringify(renderSearchResultsCard(searchResultsCard(w.db, '雷达站')))).toContain('没有找到');
  });

  it('a new assignment card lists similar earlier suggestions with public answers only (往年类似建议)', () => {
    const rows = [
      {
        row: 2,
        values: { session: sessionOf(2026), number: 'X1', kind: '建议', timing: '大会', key: '否', classified: '否', category: '城乡建设', title: '关于加装电梯资金筹措的建议', body: '老旧小区加装电梯资金筹措难。', lead_deputy: 'd02', lead_unit: 'zjw', assigned_on: '2026-02-10' },
      },
    ];
    const report = importSuggestions(w.db, rows, { source: 'cli', actor: 'system:cli', now: new Date('2026-02-10T01:00:00Z'), today: '2026-02-10' });
    const id = report.items[0]!.id;
    const agg = loadAggregate(w.db, id)!;
    const posted = w.db
      .select()
      .from(schema.cardMessages)
      .where(sql`${schema.cardMessages.suggestionId} = ${id} and ${schema.cardMessages.kind} = 'assignment'`)
      .get()!;
    const ctx = { now: new Date('2026-02-10T01:00:00Z'), timeZone: 'Asia/Shanghai', policy: defaultPolicy, calendar: createWorkingDayCalendar() };
    const card = everywhere(JSON.stringify(renderPostedCard(w.db, cardRecord(w.db, posted.id)!, ctx)));
    expect(agg.suggestion.title).toContain('电梯');
    expect(card).toContain('往年类似建议');
    expect(card).toContain('关于推广加装电梯代建模式的建议');
    expect(card).toContain('代建模式已在三个区试点推广');
    expect(card).toContain('关于老旧小区加装电梯资金的建议');
    for (const secretText of ['雷达站', '已加固完毕', '秘密下达']) expect(card).not.toContain(secretText);
  });
});

describe('the index follows every change', () => {
  it('a progress report and an approved public answer through dispatch are found at once; a re-import that changes the title is too', async () => {
    const w = await sampleWorld();
    const a = w.assignment('0001', 'jtw');
    const jtw = unit('jtw');
    w.act(jtw.liaison, { type: 'sign', assignmentId: a.id });
    expect(searchSuggestions(w.db, '首末班', { limit: 5 })).toEqual([]);
    w.act(jtw.liaison, { type: 'report_progress', assignmentId: a.id, text: '已调整12条线路首末班时间' });
    expect(searchSuggestions(w.db, '首末班', { limit: 5 }).map((h) => h.number)).toEqual(['0001']);
    const queries = { db: w.db, clock: () => new Date('2026-02-11T01:00:00Z'), calendar: createWorkingDayCalendar(), policy: defaultPolicy, config: { timeZone: 'Asia/Shanghai' } };
    expect(listSuggestions(queries as never, { q: '首末班' }).items.map((s: { number: string }) => s.number)).toEqual(['0001']);

    const rows = readFileSync(new URL('./fixtures/suggestions.csv', import.meta.url), 'utf8');
    expect(rows).toContain('关于加快老旧小区加装电梯的建议');
    const renamed = {
      row: 2,
      values: { session: '市六届人大二次会议', number: '0002', kind: '建议', timing: '大会', title: '关于加快老旧小区增设升降梯的建议', body: '简化审批流程，统一补贴标准，推动成片加装。', category: '城乡建设与管理', lead_deputy: 'd04', co_deputies: 'd05', lead_unit: 'zjw', assigned_on: '2026-02-10', key: '否', classified: '否' },
    };
    const report = importSuggestions(w.db, [renamed], { source: 'cli', actor: 'system:cli', now: new Date('2026-02-10T02:00:00Z'), today: '2026-02-10' });
    expect(report.updated).toBe(1);
    expect(searchSuggestions(w.db, '升降梯', { limit: 5 }).map((h) => h.number)).toEqual(['0002']);
    expect(searchSuggestions(w.db, '电梯', { limit: 5 }).map((h) => h.number)).toEqual([]);
  });

  it('the migration backfills existing rows with the very terms the stores write', async () => {
    const w = await sampleWorld();
    w.act(unit('jtw').liaison, { type: 'sign', assignmentId: w.assignment('0001', 'jtw').id });
    w.act(unit('jtw').liaison, { type: 'report_progress', assignmentId: w.assignment('0001', 'jtw').id, text: '已完成线网调查，优化方案（草案）征求意见中' });
    answer(w, w.suggestionId('0002'), '已出台加装电梯补贴办法', true);
    answer(w, w.suggestionId('0003'), '幼儿园移交另行研究', false);
    answer(w, w.suggestionId('0024'), '防护设施已建成', true);
    const terms = () =>
      w.db
        .select({ docId: schema.searchDocs.docId, suggestionId: schema.searchDocs.suggestionId, title: searchIndex.title, body: searchIndex.body, category: searchIndex.category, answers: searchIndex.answers, notes: searchIndex.notes })
        .from(searchIndex)
        .innerJoin(schema.searchDocs, eq(schema.searchDocs.docId, searchIndex.rowid))
        .orderBy(asc(schema.searchDocs.suggestionId))
        .all()
        .map(({ docId: _docId, ...columns }) => Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, k === 'suggestionId' ? v : v.split(' ').filter(Boolean).sort()])));
    const written = terms();
    expect(written).toHaveLength(30);
    // As before the migration: no documents; then its backfill statements, as the file has them.
    w.db.run(sql`delete from search_index`);
    w.db.run(sql`delete from search_docs`);
    // Found by name, not number: the merge may renumber it.
    const name = readdirSync(MIGRATIONS_FOLDER).find((f) => /^\d+_search\.sql$/.test(f))!;
    const file = readFileSync(`${MIGRATIONS_FOLDER}/${name}`, 'utf8');
    const backfill = file.split('--> statement-breakpoint').filter((s) => /INSERT INTO `search_(docs|index)`/.test(s));
    expect(backfill).toHaveLength(2);
    for (const statement of backfill) w.db.run(sql.raw(statement));
    expect(terms()).toEqual(written);
    expect(searchSuggestions(w.db, '线网调查', { limit: 5 }).map((h) => h.number)).toEqual(['0001']);
  });
});

describe('the group commands', () => {
  it('reads 查 <words> after a mention and /search <words> without one', () => {
    expect(textCommand('@_user_1 查 加装电梯', true)).toEqual({ search: '加装电梯' });
    expect(textCommand('/search 停车 收费', false)).toEqual({ search: '停车 收费' });
    expect(textCommand('/search', false)).toEqual({ search: '' });
    expect(textCommand('查 电梯', false)).toBeUndefined();
    expect(textCommand('@_user_1 查看进度', true)).toBeUndefined();
  });
});
