/**
 * The knowledge base (issue 14), measured against baselines in the same run:
 *
 * 1. A query over DUBAN_BENCH_SEARCH_ROWS (default 100,000) indexed suggestions — ranked by bm25,
 *    the best five with their units and answers — beside a plain `LIKE '%word%'` scan of the same
 *    rows (title, body, category), which finds but cannot rank. Reported as a ratio; the target
 *    is a query under 100 ms on average.
 *    Beside it, the similar items of a new suggestion (往年类似建议), without a target.
 * 2. The import of DUBAN_BENCH_SEARCH_IMPORT (default 10,000) rows through the real import,
 *    with the FTS5 index beside the same import into a database whose `search_index` is a plain
 *    table taking the same documents: what keeping the index costs the import.
 *
 * The 100,000 suggestions are written straight into a real SQLite file (the import would take
 * minutes) with prepared statements, each document made by `searchDocument`, the function the
 * store indexes with, so the index holds what a real change writes. `DUBAN_BENCH_SEARCH_ROWS=5000 npm run bench -- search` runs it small.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, type NodeDb } from '../src/runtimes/node/open-database.ts';
import { searchSuggestions, similarSuggestions } from '../src/adapters/sqlite/search-index.ts';
import { searchDocument } from '../src/core/search-text.ts';
import { loadDirectory } from '../src/adapters/sqlite/directory-store.ts';
import { importSuggestions } from '../src/app/import/import-suggestions.ts';
import type { RawRow } from '../src/app/import/suggestion-row.ts';
import { parseDirectory } from '../src/app/import/read-directory.ts';
import { fmt } from './support.ts';

const QUERY_TARGET_MS = 100;
const RUNS = 5;
const QUERIES = ['电梯', '停车', '养老', '加装电梯', '垃圾分类', '充电桩', '学前教育', '噪声 扰民'];
const TOPICS = ['老旧小区加装电梯', '智慧停车', '社区居家养老', '垃圾分类收运', '新能源汽车充电桩', '普惠性学前教育', '城区噪声扰民', '农村饮水安全', '公交线网优化', '中小学生近视防控'];
const FILLER = ['建议加大资金投入', '建立长效机制', '加强部门协同', '完善考核评价', '强化监督检查', '推动政策落地', '提升服务水平', '加强宣传引导', '明确责任分工', '鼓励社会参与'];
const SUBJECTS = ['营商环境', '数字政府', '科技创新', '乡村振兴', '文化旅游', '生态保护', '应急管理', '人才引进', '食品安全', '安全生产', '社会治理', '法治建设'];

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const envSize = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  return n;
};

/** A suggestion like a real one: a title on a subject or a recurring topic, a body of a few hundred characters. */
function text(rnd: () => number) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const topic = rnd() < 0.2 ? pick(TOPICS) : pick(SUBJECTS);
  const body = `当前${topic}方面仍存在不少问题，群众反映强烈。${Array.from({ length: 12 + Math.floor(rnd() * 12) }, () => pick(FILLER)).join('，')}。`;
  return { title: `关于推进${topic}工作的建议`, body, category: pick(SUBJECTS) };
}

function seedIndexed(db: NodeDb, count: number): void {
  const rnd = random(count);
  const at = '2025-02-10T01:00:00.000Z';
  const sqlite = db.$client;
  const suggestion = sqlite.prepare(
    "insert into suggestions (id, session, number, kind, timing, title, body, category, assigned_on, created_at, updated_at) values (?, ?, ?, 'suggestion', 'session', ?, ?, ?, ?, ?, ?)",
  );
  const doc = sqlite.prepare('insert into search_docs (suggestion_id) values (?)');
  const fts = sqlite.prepare('insert into search_index (rowid, title, body, category, answers, notes) values (?, ?, ?, ?, ?, ?)');
  sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `sg_${i.toString(36).padStart(8, '0')}`;
      const t = text(rnd);
      const year = 2020 + (i % 6);
      suggestion.run(id, `${year}年市人民代表大会`, String(i + 1).padStart(6, '0'), t.title, t.body, t.category, `${year}-02-10`, at, at);
      const docId = doc.run(id).lastInsertRowid;
      // The very document the store writes (searchDocument), written without drizzle's per-call cost.
      const d = searchDocument({ suggestion: { classified: false, ...t } as never, answers: [], progressReports: [] });
      fts.run(docId, d.title, d.body, d.category, d.answers, d.notes);
    }
  })();
}

function time(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function importRows(count: number): RawRow[] {
  const rnd = random(7);
  return Array.from({ length: count }, (_, i) => ({
    row: i + 2,
    values: { session: '2026年市人民代表大会', number: `I${String(i + 1).padStart(6, '0')}`, kind: '建议', timing: '大会', ...text(rnd), lead_deputy: 'd01', lead_unit: 'zjw', assigned_on: '2026-02-10', key: '否', classified: '否' },
  }));
}

function timeImport(rows: RawRow[], withIndex: boolean): number {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'duban-bench-search-')), 'duban.db'));
  if (!withIndex) {
    // The same documents into an ordinary table: what is left is the FTS5 index's own cost.
    db.run(sql`drop table search_terms`);
    db.run(sql`drop table search_index`);
    db.run(sql`create table search_index (title text, body text, category text, answers text, notes text)`);
  }
  loadDirectory(db, parseDirectory(readFileSync(new URL('../test/fixtures/directory.yaml', import.meta.url), 'utf8')));
  const now = new Date('2026-02-10T01:00:00Z');
  const ms = time(() => {
    const report = importSuggestions(db, rows, { source: 'cli', actor: 'system:bench', now, today: '2026-02-10' });
    if (report.created !== rows.length) throw new Error(`import created ${report.created} of ${rows.length}: ${JSON.stringify(report.rejected.slice(0, 3))}`);
  });
  db.$client.close();
  return ms;
}

export async function runSearchBench(): Promise<boolean> {
  const rows = envSize('DUBAN_BENCH_SEARCH_ROWS', 100_000);
  const importing = envSize('DUBAN_BENCH_SEARCH_IMPORT', 10_000);
  console.log(`\n== search: a query over ${rows.toLocaleString('en')} indexed suggestions; an import of ${importing.toLocaleString('en')} rows ==`);

  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'duban-bench-search-')), 'duban.db'));
  const seedMs = time(() => seedIndexed(db, rows));
  console.log(`indexed ${rows.toLocaleString('en')} suggestions in ${fmt(seedMs)} ms (${fmt((seedMs / rows) * 1000)} µs each)`);

  // Every row holding the word, as ranking would need: LIKE reads every row for any word.
  const like = db.$client.prepare('select id from suggestions where title like @p or body like @p or category like @p');
  let worstRatio = Infinity;
  let total = 0;
  console.log('query          fts5+bm25 ms   LIKE scan ms   ratio   hits');
  for (const q of QUERIES) {
    const fts: number[] = [];
    const scan: number[] = [];
    let hits = 0;
    for (let r = 0; r < RUNS; r++) {
      fts.push(time(() => (hits = searchSuggestions(db, q, { limit: 5 }).length)));
      const pattern = `%${q.split(' ')[0]}%`;
      scan.push(time(() => like.all({ p: pattern })));
    }
    const f = median(fts);
    const s = median(scan);
    total += f;
    worstRatio = Math.min(worstRatio, s / f);
    console.log(`${q.padEnd(12, '　')}  ${fmt(f).padStart(12)}   ${fmt(s).padStart(12)}   ${(s / f).toFixed(1).padStart(5)}×  ${hits}`);
  }
  const average = total / QUERIES.length;
  console.log(`average ranked query: ${fmt(average)} ms (target < ${QUERY_TARGET_MS} ms); LIKE scan / ranked query, worst: ${worstRatio.toFixed(1)}×`);
  // 往年类似建议, as each new assignment card asks: any of the title's and body's telling terms.
  const rnd = random(3);
  const similarMs = median(
    Array.from({ length: RUNS }, (_, i) => {
      const t = text(rnd);
      return time(() => similarSuggestions(db, { id: `new_${i}`, ...t, classified: false, assignedOn: '2030-01-01' }));
    }),
  );
  console.log(`similar earlier suggestions for a new one: ${fmt(similarMs)} ms (median of ${RUNS})`);
  db.$client.close();

  const toImport = importRows(importing);
  timeImport(toImport.slice(0, 50), true); // warms the import's code up, so that neither run pays for it
  const withIndex = timeImport(toImport, true);
  const without = timeImport(toImport, false);
  console.log(`import of ${importing.toLocaleString('en')} rows: with the index ${fmt(withIndex)} ms, into a plain table ${fmt(without)} ms (${withIndex >= without ? '+' : ''}${((withIndex / without - 1) * 100).toFixed(0)}%)`);
  return average < QUERY_TARGET_MS;
}
