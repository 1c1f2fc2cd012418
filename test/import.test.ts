/**
 * Importing suggestions (SPEC §7, §8) from CSV, XLSX and JSON into a real SQLite file: what is
 * written for good rows, that bad rows are rejected with the row number a person sees and a
 * reason naming the problem while leaving nothing behind, idempotent re-import, the updates a
 * re-import may and may not make, unreadable files, and a large file in one call.
 */
import { readFileSync } from 'node:fs';
import { asc } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { NodeDb } from '../src/runtimes/node/open-database.ts';
import * as schema from '../src/adapters/sqlite/schema.ts';
import { newId, type NewId } from '../src/core/ids.ts';
import { formatOfPath, readTable, TableReadError, type TableFormat } from '../src/transports/cli/read-table.ts';
import { importSuggestions, importSuggestionsInSlices, type ImportOptions, type ImportReport } from '../src/app/import/import-suggestions.ts';
import { verifyAuditChain } from '../src/adapters/sqlite/audit-chain.ts';
import { loadDirectory } from '../src/adapters/sqlite/directory-store.ts';
import { directory, fixturePath, freshDb } from './support/world.ts';

const SESSION = '市六届人大二次会议';
const NOW = new Date('2026-02-10T01:00:00Z');
const LATER = new Date('2026-03-02T03:30:00Z');
const OPTIONS: ImportOptions = { source: 'cli', actor: 'system:cli', now: NOW, today: '2026-02-10' };
const LATER_OPTIONS: ImportOptions = { source: 'admin_api', actor: 'system:admin', now: LATER, today: '2026-03-02' };

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** A fresh database file with the sample directory loaded. */
function emptyWorld(): NodeDb {
  const { db } = freshDb();
  loadDirectory(db, directory);
  return db;
}

const sampleCsvText = () => readFileSync(fixturePath('suggestions.csv'), 'utf8');

async function importFile(db: NodeDb, content: Buffer | string, format: TableFormat, options: ImportOptions = OPTIONS): Promise<ImportReport> {
  const rows = await readTable(typeof content === 'string' ? Buffer.from(content, 'utf8') : content, format);
  return importSuggestions(db, rows, options);
}

/** Every row of the tables an import writes, in a stable order: the database as it is. */
function dump(db: NodeDb) {
  return {
    suggestions: db.select().from(schema.suggestions).orderBy(asc(schema.suggestions.id)).all(),
    assignments: db.select().from(schema.assignments).orderBy(asc(schema.assignments.id)).all(),
    suggestionDeputies: db
      .select()
      .from(schema.suggestionDeputies)
      .orderBy(asc(schema.suggestionDeputies.suggestionId), asc(schema.suggestionDeputies.position))
      .all(),
    audit: db.select().from(schema.auditLog).orderBy(asc(schema.auditLog.seq)).all(),
  };
}

/** What was imported, without generated ids and timestamps: comparable across databases. */
function normalised(db: NodeDb) {
  const assignments = db.select().from(schema.assignments).all();
  const links = db.select().from(schema.suggestionDeputies).all();
  return db
    .select()
    .from(schema.suggestions)
    .all()
    .map(({ id, createdAt: _c, updatedAt: _u, ...suggestion }) => ({
      ...suggestion,
      assignments: assignments
        .filter((a) => a.suggestionId === id)
        .map(({ id: _id, suggestionId: _s, createdAt: _ca, ...a }) => a)
        .sort((x, y) => `${x.role}:${x.unitId}`.localeCompare(`${y.role}:${y.unitId}`)),
      deputies: links
        .filter((d) => d.suggestionId === id)
        .map(({ suggestionId: _s, ...d }) => d)
        .sort((x, y) => x.position - y.position),
    }))
    .sort((x, y) => `${x.session}\u0000${x.number}`.localeCompare(`${y.session}\u0000${y.number}`));
}

function suggestionByNumber(db: NodeDb, number: string, session = SESSION) {
  return db
    .select()
    .from(schema.suggestions)
    .all()
    .find((s) => s.session === session && s.number === number);
}

function assignmentsOf(db: NodeDb, suggestionId: string) {
  return db
    .select()
    .from(schema.assignments)
    .all()
    .filter((a) => a.suggestionId === suggestionId)
    .sort((x, y) => `${x.role}:${x.unitId}`.localeCompare(`${y.role}:${y.unitId}`));
}

function deputiesOf(db: NodeDb, suggestionId: string) {
  return db
    .select()
    .from(schema.suggestionDeputies)
    .all()
    .filter((d) => d.suggestionId === suggestionId)
    .sort((x, y) => x.position - y.position)
    .map((d) => ({ deputyId: d.deputyId, role: d.role, position: d.position }));
}

/** The sample CSV as a grid: header names and each row's cells, in file order. */
function sampleGrid(): { header: string[]; rows: string[][] } {
  // The fixture has no quoted cells (checked here), so splitting on commas is exact.
  const lines = sampleCsvText().replace(/^\uFEFF/, '').trimEnd().split('\n');
  expect(lines.join('\n')).not.toContain('"');
  const [header, ...rows] = lines.map((l) => l.replace(/\r$/, '').split(','));
  return { header: header!, rows };
}

/** Chinese header → English field name, written out here rather than taken from src/. */
const ZH_TO_EN: Record<string, string> = {
  届次: 'session',
  编号: 'number',
  类型: 'kind',
  提出时间: 'timing',
  标题: 'title',
  内容: 'body',
  类别: 'category',
  领衔代表: 'lead_deputy',
  附议代表: 'co_deputies',
  主办单位: 'lead_unit',
  协办单位: 'co_units',
  分办单位: 'split_units',
  交办日期: 'assigned_on',
  重点督办: 'key',
  督办领导: 'key_leader',
  涉密: 'classified',
};
type Field =
  | 'session'
  | 'number'
  | 'kind'
  | 'timing'
  | 'title'
  | 'body'
  | 'category'
  | 'lead_deputy'
  | 'co_deputies'
  | 'lead_unit'
  | 'co_units'
  | 'split_units'
  | 'assigned_on'
  | 'key'
  | 'key_leader'
  | 'classified';
const EN_TO_ZH = Object.fromEntries(Object.entries(ZH_TO_EN).map(([zh, en]) => [en, zh])) as Record<Field, string>;
const FIELDS = Object.values(ZH_TO_EN) as Field[];

type Row = Partial<Record<Field, string>>;

/** One good row of suggestion `number`: lead jtw + co cgj, deputies d01 (lead) and d02. */
function good(number: string, changes: Row = {}): Row {
  return {
    session: SESSION,
    number,
    kind: '建议',
    timing: '大会',
    title: `关于第${number}号事项的建议`,
    body: '建议加强管理，提升服务。',
    category: '交通邮电',
    lead_deputy: 'd01',
    co_deputies: 'd02',
    lead_unit: 'jtw',
    co_units: 'cgj',
    split_units: '',
    assigned_on: '2026-02-10',
    key: '否',
    key_leader: '',
    classified: '否',
    ...changes,
  };
}

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** A CSV file with Chinese headers; `null` writes an empty line (a blank row in a spreadsheet). */
function csvOf(rows: Array<Row | null>, headers: 'zh' | 'en' = 'zh'): string {
  const head = FIELDS.map((f) => (headers === 'zh' ? EN_TO_ZH[f] : f)).join(',');
  const body = rows.map((r) => (r === null ? '' : FIELDS.map((f) => quote(r[f] ?? '')).join(',')));
  return [head, ...body].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// 1. The sample file
// ---------------------------------------------------------------------------------------------

describe('importing the sample CSV', () => {
  it('creates 30 suggestions and rejects none; the report lists every row with its number', async () => {
    const db = emptyWorld();
    const report = await importFile(db, sampleCsvText(), 'csv');
    expect(report).toMatchObject({ total: 30, created: 30, updated: 0, unchanged: 0, rejected: [], unknownColumns: [] });
    expect(report.items.map((i) => [i.row, i.number, i.outcome, i.session])).toEqual(
      Array.from({ length: 30 }, (_, i) => [i + 2, String(i + 1).padStart(4, '0'), 'created', SESSION]),
    );
    const ids = db.select().from(schema.suggestions).all();
    expect(ids).toHaveLength(30);
    expect(new Set(report.items.map((i) => i.id))).toEqual(new Set(ids.map((s) => s.id)));
    expect(db.select().from(schema.assignments).all()).toHaveLength(42);
    expect(db.select().from(schema.suggestionDeputies).all()).toHaveLength(44);
  });

  it('0001: lead jtw + co cgj awaiting sign-for, deputies d01 (lead), d02, d03, key-supervised with its leader', async () => {
    const db = emptyWorld();
    await importFile(db, sampleCsvText(), 'csv');
    const s = suggestionByNumber(db, '0001')!;
    expect(s).toEqual({
      id: expect.stringMatching(/^sg_/),
      session: SESSION,
      number: '0001',
      kind: 'suggestion',
      timing: 'session',
      title: '关于优化中心城区公交线网的建议',
      // The body holds a 、 and a full-width comma: text fields are never split like lists.
      body: '部分线路重复设置、换乘不便，建议结合轨道交通优化公交线网并增设微循环线路。',
      category: '交通邮电',
      key: true,
      keyLeader: '常务副市长 陈建华',
      classified: false,
      assignedOn: '2026-02-10',
      status: 'open',
      version: 1,
      // Sign-for is due 2026-02-12, within 7 days: the status board is posted yellow.
      boardLight: 'yellow',
      createdAt: '2026-02-10T01:00:00.000Z',
      updatedAt: '2026-02-10T01:00:00.000Z',
    });
    const assignments = assignmentsOf(db, s.id);
    expect(assignments.map((a) => ({ unitId: a.unitId, role: a.role, state: a.state, assignedOn: a.assignedOn, round: a.round }))).toEqual([
      { unitId: 'cgj', role: 'co', state: 'pending_sign', assignedOn: '2026-02-10', round: 1 },
      { unitId: 'jtw', role: 'lead', state: 'pending_sign', assignedOn: '2026-02-10', round: 1 },
    ]);
    for (const a of assignments) {
      expect(a.id).toMatch(/^as_/);
      expect(a).toMatchObject({ signedAt: null, closedAt: null, replacesAssignmentId: null, stateBeforeReassign: null, createdAt: '2026-02-10T01:00:00.000Z' });
    }
    expect(deputiesOf(db, s.id)).toEqual([
      { deputyId: 'd01', role: 'lead', position: 0 },
      { deputyId: 'd02', role: 'co', position: 1 },
      { deputyId: 'd03', role: 'co', position: 2 },
    ]);
  });

  it('0006 and 0010 are split between two units with no lead; 0003 has one deputy and a co-handler', async () => {
    const db = emptyWorld();
    await importFile(db, sampleCsvText(), 'csv');
    const s6 = suggestionByNumber(db, '0006')!;
    expect(assignmentsOf(db, s6.id).map((a) => [a.role, a.unitId, a.state])).toEqual([
      ['split', 'slj', 'pending_sign'],
      ['split', 'sthjj', 'pending_sign'],
    ]);
    expect(deputiesOf(db, s6.id)).toEqual([
      { deputyId: 'd10', role: 'lead', position: 0 },
      { deputyId: 'd11', role: 'co', position: 1 },
    ]);
    const s10 = suggestionByNumber(db, '0010')!;
    expect(assignmentsOf(db, s10.id).map((a) => [a.role, a.unitId])).toEqual([
      ['split', 'gaj'],
      ['split', 'jw'],
    ]);
    const s3 = suggestionByNumber(db, '0003')!;
    expect(assignmentsOf(db, s3.id).map((a) => [a.role, a.unitId])).toEqual([
      ['co', 'zjw'],
      ['lead', 'jw'],
    ]);
    expect(deputiesOf(db, s3.id)).toEqual([{ deputyId: 'd06', role: 'lead', position: 0 }]);
  });

  it('reads kind 议案, timing 闭会 with its own assignment date, and the key and classified flags', async () => {
    const db = emptyWorld();
    await importFile(db, sampleCsvText(), 'csv');
    const s23 = suggestionByNumber(db, '0023')!;
    expect(s23).toMatchObject({ kind: 'motion', timing: 'session', key: false, keyLeader: null });
    expect(deputiesOf(db, s23.id).map((d) => `${d.role}:${d.deputyId}`)).toEqual(['lead:d14', 'co:d15', 'co:d16']);

    const s25 = suggestionByNumber(db, '0025')!;
    expect(s25).toMatchObject({ timing: 'interim', kind: 'suggestion', assignedOn: '2026-04-15' });
    expect(assignmentsOf(db, s25.id).map((a) => [a.unitId, a.role, a.assignedOn])).toEqual([['jtw', 'lead', '2026-04-15']]);
    expect(suggestionByNumber(db, '0030')).toMatchObject({ timing: 'interim', assignedOn: '2026-09-01' });

    const all = db.select().from(schema.suggestions).all();
    const numbers = (pick: (s: (typeof all)[number]) => boolean) =>
      all
        .filter(pick)
        .map((s) => s.number)
        .sort();
    expect(numbers((s) => s.key)).toEqual(['0001', '0004', '0013']);
    expect(numbers((s) => s.classified)).toEqual(['0024']);
    expect(numbers((s) => s.kind === 'motion')).toEqual(['0023']);
    expect(numbers((s) => s.timing === 'interim')).toEqual(['0025', '0026', '0027', '0028', '0029', '0030']);
    expect(suggestionByNumber(db, '0004')).toMatchObject({ key: true, keyLeader: '副市长 刘晓敏' });
    expect(suggestionByNumber(db, '0024')).toMatchObject({ classified: true, key: false, body: '（涉密件，正文不在群内发布）' });
  });

  it('writes one import_created audit entry per suggestion, naming its assignments', async () => {
    const db = emptyWorld();
    await importFile(db, sampleCsvText(), 'csv');
    const audit = db.select().from(schema.auditLog).all();
    const suggestions = db.select().from(schema.suggestions).all();
    expect(audit).toHaveLength(30);
    expect(audit.map((e) => e.suggestionId).sort()).toEqual(suggestions.map((s) => s.id).sort());
    for (const s of suggestions) {
      const entry = audit.find((e) => e.suggestionId === s.id)!;
      expect(entry).toMatchObject({
        at: '2026-02-10T01:00:00.000Z',
        actor: 'system:cli',
        source: 'cli',
        action: 'import_created',
        outcome: 'ok',
        subjectType: 'suggestion',
        subjectId: s.id,
        afterState: 'open',
        message: `${SESSION} ${s.number}`,
      });
      const details = entry.details as { assignments: Array<{ id: string; unitId: string; role: string }> };
      const expected = assignmentsOf(db, s.id).map((a) => ({ id: a.id, unitId: a.unitId, role: a.role }));
      expect([...details.assignments].sort((x, y) => x.id.localeCompare(y.id))).toEqual(expected.sort((x, y) => x.id.localeCompare(y.id)));
    }
  });

  it('a row without 交办日期 is assigned on the import’s today', async () => {
    const db = emptyWorld();
    const report = await importFile(db, csvOf([good('0101', { assigned_on: '' })]), 'csv', { ...OPTIONS, today: '2026-02-11' });
    expect(report.created).toBe(1);
    const s = suggestionByNumber(db, '0101')!;
    expect(s.assignedOn).toBe('2026-02-11');
    expect(assignmentsOf(db, s.id).map((a) => a.assignedOn)).toEqual(['2026-02-11', '2026-02-11']);
  });

  it('accepts 2026/2/1 dates, full-width and ASCII list separators, and reports columns it does not know', async () => {
    const db = emptyWorld();
    const text = csvOf([
      good('0101', { assigned_on: '2026/2/1', co_deputies: 'd02，d03；d04', co_units: 'cgj;zjw,jw' }),
      good('0102', { assigned_on: '2026-2-3', kind: 'Proposal', timing: 'INTERIM', key: 'yes', classified: 'Y' }),
    ]).replace(/^(.*)$/m, '$1,备注'); // an extra column in the header only
    const report = await importFile(db, text, 'csv');
    expect(report).toMatchObject({ created: 2, rejected: [], unknownColumns: ['备注'] });
    const s1 = suggestionByNumber(db, '0101')!;
    expect(s1.assignedOn).toBe('2026-02-01');
    expect(deputiesOf(db, s1.id).map((d) => d.deputyId)).toEqual(['d01', 'd02', 'd03', 'd04']);
    expect(assignmentsOf(db, s1.id).map((a) => `${a.role}:${a.unitId}`)).toEqual(['co:cgj', 'co:jw', 'co:zjw', 'lead:jtw']);
    expect(suggestionByNumber(db, '0102')).toMatchObject({ assignedOn: '2026-02-03', kind: 'proposal', timing: 'interim', key: true, classified: true });
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Idempotent re-import
// ---------------------------------------------------------------------------------------------

describe('re-importing the same file', () => {
  it('changes nothing: 30 unchanged, and every table is exactly as it was', async () => {
    const db = emptyWorld();
    const first = await importFile(db, sampleCsvText(), 'csv');
    const before = dump(db);
    expect(before.audit).toHaveLength(30);

    // A later clock and another source: an unchanged row must not even touch its timestamps.
    const again = await importFile(db, sampleCsvText(), 'csv', LATER_OPTIONS);
    expect(again).toMatchObject({ total: 30, created: 0, updated: 0, unchanged: 30, rejected: [] });
    expect(again.items.map((i) => i.outcome)).toEqual(Array(30).fill('unchanged'));
    expect(again.items.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
    expect(dump(db)).toEqual(before);
  });

  it('the same data in another format is also unchanged (XLSX after CSV)', async () => {
    const db = emptyWorld();
    await importFile(db, sampleCsvText(), 'csv');
    const before = dump(db);
    const again = await importFile(db, await xlsxOfGrid(sampleGrid()), 'xlsx', LATER_OPTIONS);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 30, rejected: [] });
    expect(dump(db)).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Other formats and header languages
// ---------------------------------------------------------------------------------------------

async function xlsxOfGrid(grid: { header: string[]; rows: unknown[][] }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('建议');
  ws.addRow(grid.header);
  for (const r of grid.rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const KIND_EN: Record<string, string> = { 建议: 'suggestion', 议案: 'motion', 提案: 'proposal' };
const TIMING_EN: Record<string, string> = { 大会: 'session', 闭会: 'interim' };
const LIST_FIELDS = new Set(['co_deputies', 'co_units', 'split_units']);

/** The sample as the admin API would send it: English names, arrays, booleans, English kind. */
function sampleAsJson(): Array<Record<string, unknown>> {
  const { header, rows } = sampleGrid();
  return rows.map((cells) => {
    const item: Record<string, unknown> = {};
    header.forEach((zh, i) => {
      const field = ZH_TO_EN[zh]!;
      const cell = cells[i] ?? '';
      if (LIST_FIELDS.has(field)) item[field] = cell.split('、').filter(Boolean);
      else if (field === 'key' || field === 'classified') item[field] = cell === '是';
      else if (field === 'kind') item[field] = KIND_EN[cell];
      else if (field === 'timing') item[field] = TIMING_EN[cell];
      else if (field === 'key_leader') item[field] = cell === '' ? null : cell;
      else if (cell !== '') item[field] = cell; // empty optional fields are simply left out
    });
    return item;
  });
}

describe('the same suggestions from every format', () => {
  async function fromCsv() {
    const db = emptyWorld();
    await importFile(db, sampleCsvText(), 'csv');
    return normalised(db);
  }

  it('XLSX with Chinese headers imports to the same suggestions as the CSV', async () => {
    const expected = await fromCsv();
    expect(expected).toHaveLength(30);
    const db = emptyWorld();
    const report = await importFile(db, await xlsxOfGrid(sampleGrid()), 'xlsx');
    expect(report).toMatchObject({ total: 30, created: 30, rejected: [], unknownColumns: [] });
    expect(report.items.map((i) => i.row)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    expect(normalised(db)).toEqual(expected);
  });

  it('JSON with English field names, arrays, booleans and English kind/timing imports to the same suggestions', async () => {
    const expected = await fromCsv();
    const items = sampleAsJson();
    expect(items[0]).toMatchObject({ number: '0001', kind: 'suggestion', co_deputies: ['d02', 'd03'], key: true, classified: false });
    const db = emptyWorld();
    const report = await importFile(db, JSON.stringify(items), 'json');
    expect(report).toMatchObject({ total: 30, created: 30, rejected: [], unknownColumns: [] });
    expect(report.items.map((i) => i.row)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(normalised(db)).toEqual(expected);
  });

  it('JSON kind and timing may be given in Chinese, and a single object is one row', async () => {
    const db = emptyWorld();
    const [first] = sampleAsJson();
    const report = await importFile(db, JSON.stringify({ ...first, kind: '议案', timing: '闭会' }), 'json');
    expect(report).toMatchObject({ total: 1, created: 1, rejected: [] });
    expect(report.items[0]).toMatchObject({ row: 1, number: '0001' });
    expect(suggestionByNumber(db, '0001')).toMatchObject({ kind: 'motion', timing: 'interim', key: true });
  });

  it('CSV with English headers imports to the same suggestions', async () => {
    const expected = await fromCsv();
    const [zhHeader, ...lines] = sampleCsvText().split('\n');
    const enHeader = zhHeader!
      .replace(/^\uFEFF/, '')
      .split(',')
      .map((h) => ZH_TO_EN[h.trim()]!)
      .join(',');
    expect(enHeader).toMatch(/^session,number,kind,timing,title,/);
    const db = emptyWorld();
    const report = await importFile(db, [enHeader, ...lines].join('\n'), 'csv');
    expect(report).toMatchObject({ created: 30, rejected: [], unknownColumns: [] });
    expect(normalised(db)).toEqual(expected);
  });

  it('a CSV with a byte-order mark and CRLF line ends reads the same', async () => {
    const expected = await fromCsv();
    const db = emptyWorld();
    const text = '\uFEFF' + sampleCsvText().replace(/^\uFEFF/, '').replace(/\r?\n/g, '\r\n');
    const report = await importFile(db, text, 'csv');
    expect(report).toMatchObject({ created: 30, rejected: [], unknownColumns: [] });
    expect(normalised(db)).toEqual(expected);
  });

  it('XLSX with English headers, real Date cells, rich-text titles, boolean, numeric and formula cells', async () => {
    const expected = await fromCsv();
    const { header, rows } = sampleGrid();
    const cells: unknown[][] = rows.map((r) =>
      header.map((zh, i) => {
        const cell = r[i] ?? '';
        const field = ZH_TO_EN[zh]!;
        if (field === 'assigned_on') {
          const [y, m, d] = cell.split('-').map(Number);
          return new Date(Date.UTC(y!, m! - 1, d!));
        }
        if (field === 'title') return { richText: [{ text: cell.slice(0, 2), font: { bold: true } }, { text: cell.slice(2) }] };
        if (field === 'key' || field === 'classified') return cell === '是';
        return cell;
      }),
    );
    // One more row: a numeric 编号, empty cells, and a formula whose result is the category.
    const extra: Record<string, unknown> = {
      session: SESSION,
      number: 31,
      kind: 'proposal',
      timing: 'interim',
      title: { richText: [{ text: '关于' }, { text: '数字编号', font: { italic: true } }, { text: '的提案' }] },
      category: { formula: '"交通"&"邮电"', result: '交通邮电' },
      lead_deputy: 'd05',
      lead_unit: 'jtw',
      assigned_on: new Date(Date.UTC(2026, 2, 5, 9, 30)),
      key: true,
      key_leader: '副市长 王立群',
      classified: false,
    };
    const enHeader = header.map((zh) => ZH_TO_EN[zh]!);
    cells.push(enHeader.map((f) => extra[f] ?? null));
    const buffer = await xlsxOfGrid({ header: enHeader, rows: cells });

    // The file really holds Date and rich-text cells (the test would prove nothing otherwise).
    const check = new ExcelJS.Workbook();
    await check.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = check.worksheets[0]!;
    expect(sheet.getRow(2).getCell(enHeader.indexOf('assigned_on') + 1).value).toBeInstanceOf(Date);
    expect(sheet.getRow(2).getCell(enHeader.indexOf('title') + 1).value).toHaveProperty('richText');
    expect(sheet.getRow(32).getCell(enHeader.indexOf('number') + 1).value).toBe(31);

    const db = emptyWorld();
    const report = await importFile(db, buffer, 'xlsx');
    expect(report).toMatchObject({ total: 31, created: 31, rejected: [], unknownColumns: [] });
    expect(normalised(db).filter((s) => s.number !== '31')).toEqual(expected);
    const s31 = suggestionByNumber(db, '31')!;
    expect(s31).toMatchObject({
      kind: 'proposal',
      timing: 'interim',
      title: '关于数字编号的提案',
      category: '交通邮电',
      assignedOn: '2026-03-05',
      key: true,
      keyLeader: '副市长 王立群',
      classified: false,
      body: '',
    });
    expect(assignmentsOf(db, s31.id).map((a) => [a.role, a.unitId, a.assignedOn])).toEqual([['lead', 'jtw', '2026-03-05']]);
    expect(deputiesOf(db, s31.id)).toEqual([{ deputyId: 'd05', role: 'lead', position: 0 }]);
  });

  it('XLSX row numbers are the sheet’s, blank rows included', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.getRow(1).values = ['届次', '编号', '标题', '主办单位'];
    ws.getRow(2).values = [SESSION, '0201', '好的一行', 'jtw'];
    // row 3 left blank
    ws.getRow(4).values = [SESSION, '0202', '', 'jtw'];
    ws.getRow(5).values = [SESSION, '0203', '又一行', 'jtw'];
    const db = emptyWorld();
    const report = await importFile(db, Buffer.from(await wb.xlsx.writeBuffer()), 'xlsx');
    expect(report.items.map((i) => [i.row, i.number])).toEqual([
      [2, '0201'],
      [5, '0203'],
    ]);
    expect(report.rejected).toEqual([{ row: 4, number: '0202', reason: expect.stringContaining('缺少标题') }]);
  });

  it('XLSX hyperlink cells give their text, plain or rich', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['届次', '编号', '标题', '内容', '主办单位']);
    ws.addRow([
      SESSION,
      '0301',
      // A title pasted from a web page: a link whose text carries formatting.
      { text: { richText: [{ text: '关于', font: { bold: true } }, { text: '网页链接的建议' }] }, hyperlink: 'https://example.org/a' },
      { text: '见链接', hyperlink: 'https://example.org/b' },
      'jtw',
    ]);
    const rows = await readTable(Buffer.from(await wb.xlsx.writeBuffer()), 'xlsx');
    expect(rows).toEqual([{ row: 2, values: { 届次: SESSION, 编号: '0301', 标题: '关于网页链接的建议', 内容: '见链接', 主办单位: 'jtw' } }]);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Bad rows
// ---------------------------------------------------------------------------------------------

/** Asserts that exactly the suggestions `numbers` are in the database, with nothing of any other. */
function expectOnly(db: NodeDb, numbers: string[]) {
  const suggestions = db.select().from(schema.suggestions).all();
  expect(suggestions.map((s) => s.number).sort()).toEqual([...numbers].sort());
  const ids = new Set(suggestions.map((s) => s.id));
  const assignments = db.select().from(schema.assignments).all();
  const links = db.select().from(schema.suggestionDeputies).all();
  const audit = db.select().from(schema.auditLog).all();
  expect(assignments.filter((a) => !ids.has(a.suggestionId))).toEqual([]);
  expect(links.filter((d) => !ids.has(d.suggestionId))).toEqual([]);
  expect(audit.filter((e) => !ids.has(e.suggestionId ?? ''))).toEqual([]);
  expect(audit.map((e) => e.action)).toEqual(Array(numbers.length).fill('import_created'));
  // every suggestion kept got its assignments
  for (const id of ids) {
    expect(assignments.filter((a) => a.suggestionId === id)).not.toHaveLength(0);
  }
}

const BAD_ROWS: Array<{ problem: string; row: Row; reason: string[] }> = [
  { problem: 'missing title', row: { title: '' }, reason: ['缺少标题'] },
  { problem: 'title of spaces only', row: { title: '   ' }, reason: ['缺少标题'] },
  { problem: 'unknown co unit', row: { co_units: 'cgj、nosuch' }, reason: ['未知的承办单位', 'nosuch'] },
  { problem: 'unknown lead unit', row: { lead_unit: 'nosuch', co_units: '' }, reason: ['未知的承办单位', 'nosuch'] },
  { problem: 'unknown split unit', row: { lead_unit: '', co_units: '', split_units: 'sthjj、nosuch' }, reason: ['未知的承办单位', 'nosuch'] },
  { problem: 'unknown co deputy', row: { co_deputies: 'd02、d99' }, reason: ['未知的代表', 'd99'] },
  { problem: 'unknown lead deputy', row: { lead_deputy: 'd99', co_deputies: '' }, reason: ['未知的代表', 'd99'] },
  { problem: 'lead and split both given', row: { co_units: '', split_units: 'sthjj、slj' }, reason: ['主办单位与分办单位不能同时填写'] },
  { problem: 'neither lead nor split', row: { lead_unit: '', co_units: '' }, reason: ['缺少主办单位或分办单位'] },
  { problem: 'a single split unit', row: { lead_unit: '', co_units: '', split_units: 'sthjj' }, reason: ['分办须有两个及以上单位'] },
  { problem: 'co units without lead (split given)', row: { lead_unit: '', co_units: 'cgj', split_units: 'sthjj、slj' }, reason: ['协办单位须与主办单位一起填写'] },
  { problem: 'co units without lead or split', row: { lead_unit: '', co_units: 'cgj' }, reason: ['协办单位须与主办单位一起填写'] },
  { problem: 'lead unit repeated as co', row: { co_units: 'cgj、jtw' }, reason: ['单位重复', 'jtw'] },
  { problem: 'co unit repeated', row: { co_units: 'cgj、cgj' }, reason: ['单位重复', 'cgj'] },
  { problem: 'split unit repeated', row: { lead_unit: '', co_units: '', split_units: 'sthjj、slj、sthjj' }, reason: ['单位重复', 'sthjj'] },
  { problem: 'deputy repeated', row: { co_deputies: 'd02、d01' }, reason: ['代表重复', 'd01'] },
  { problem: 'bad kind', row: { kind: '意见' }, reason: ['类型无效', '意见'] },
  { problem: 'bad timing', row: { timing: '平时' }, reason: ['提出时间无效', '平时'] },
  { problem: 'bad 重点督办', row: { key: '也许' }, reason: ['重点督办应为“是”或“否”', '也许'] },
  { problem: 'bad 涉密', row: { classified: '保密' }, reason: ['涉密应为“是”或“否”', '保密'] },
  { problem: 'date that does not exist', row: { assigned_on: '2026-02-30' }, reason: ['交办日期应为 YYYY-MM-DD', '2026-02-30'] },
  { problem: 'date in words', row: { assigned_on: 'tomorrow' }, reason: ['交办日期应为 YYYY-MM-DD', 'tomorrow'] },
  { problem: 'month 13', row: { assigned_on: '2026/13/01' }, reason: ['交办日期应为 YYYY-MM-DD'] },
  { problem: 'missing session', row: { session: '' }, reason: ['缺少届次'] },
];

describe('bad rows are rejected with their row number and reason; the rows around them import', () => {
  it.each(BAD_ROWS)('$problem', async ({ row, reason }) => {
    const db = emptyWorld();
    const report = await importFile(db, csvOf([good('0001'), good('0002', row), good('0003')]), 'csv');
    expect(report).toMatchObject({ total: 3, created: 2, updated: 0, unchanged: 0 });
    expect(report.rejected).toEqual([{ row: 3, number: '0002', reason: expect.any(String) }]);
    for (const part of reason) expect(report.rejected[0]!.reason).toContain(part);
    expect(report.items.map((i) => [i.row, i.number])).toEqual([
      [2, '0001'],
      [4, '0003'],
    ]);
    expectOnly(db, ['0001', '0003']);
    expect(db.select().from(schema.suggestionDeputies).all()).toHaveLength(4);
    expect(db.select().from(schema.assignments).all()).toHaveLength(4);
  });

  it('missing number: rejected without a number', async () => {
    const db = emptyWorld();
    const report = await importFile(db, csvOf([good('0001'), good('', { title: '没有编号的建议' }), good('0003')]), 'csv');
    expect(report.created).toBe(2);
    expect(report.rejected).toEqual([{ row: 3, number: undefined, reason: expect.stringContaining('缺少编号') }]);
    expectOnly(db, ['0001', '0003']);
    expect(db.select().from(schema.suggestions).all().map((s) => s.title)).not.toContain('没有编号的建议');
  });

  it('a duplicate number within the file is rejected naming the first row; the first row is kept as it was', async () => {
    const db = emptyWorld();
    const report = await importFile(
      db,
      csvOf([good('0001'), good('0002'), good('0003'), good('0002', { title: '重复编号的另一条', lead_unit: 'zjw', co_units: '' })]),
      'csv',
    );
    expect(report).toMatchObject({ total: 4, created: 3, updated: 0, unchanged: 0 });
    expect(report.rejected).toEqual([{ row: 5, number: '0002', reason: expect.stringContaining('编号重复') }]);
    expect(report.rejected[0]!.reason).toContain('第 3 行');
    expectOnly(db, ['0001', '0002', '0003']);
    const s2 = suggestionByNumber(db, '0002')!;
    expect(s2.title).toBe('关于第0002号事项的建议');
    expect(assignmentsOf(db, s2.id).map((a) => `${a.role}:${a.unitId}`)).toEqual(['co:cgj', 'lead:jtw']);
  });

  it('the same number in another session is not a duplicate', async () => {
    const db = emptyWorld();
    const report = await importFile(db, csvOf([good('0001'), good('0001', { session: '市政协六届二次会议', kind: '提案' })]), 'csv');
    expect(report).toMatchObject({ created: 2, rejected: [] });
    expect(suggestionByNumber(db, '0001', '市政协六届二次会议')).toMatchObject({ kind: 'proposal' });
  });

  it('a row with several problems names each of them', async () => {
    const db = emptyWorld();
    const report = await importFile(db, csvOf([good('0001', { title: '', kind: '意见', key: '也许' })]), 'csv');
    expect(report.rejected).toHaveLength(1);
    const reason = report.rejected[0]!.reason;
    expect(reason).toContain('缺少标题');
    expect(reason).toContain('类型无效');
    expect(reason).toContain('重点督办应为');
    expectOnly(db, []);
  });

  it('in one file with every kind of bad row, each is reported at the row a person sees (blank lines count)', async () => {
    const rows: Array<Row | null> = [];
    const expected: Array<{ row: number; parts: string[] }> = [];
    const goodNumbers: string[] = [];
    BAD_ROWS.forEach(({ row, reason }, i) => {
      const goodNumber = String(1000 + 2 * i);
      rows.push(good(goodNumber));
      goodNumbers.push(goodNumber);
      if (i === 5) rows.push(null); // a blank line: a blank row in a spreadsheet
      rows.push(good(String(1001 + 2 * i), row));
      expected.push({ row: rows.length + 1, parts: reason });
    });
    rows.push(good('0001'), good('0001')); // duplicate at the end
    goodNumbers.push('0001');
    expected.push({ row: rows.length + 1, parts: ['编号重复', `第 ${rows.length} 行`] });

    const db = emptyWorld();
    const report = await importFile(db, csvOf(rows), 'csv');
    expect(report.total).toBe(rows.length - 1); // the blank line is no row
    expect(report.created).toBe(goodNumbers.length);
    expect(report.rejected.map((r) => r.row)).toEqual(expected.map((e) => e.row));
    report.rejected.forEach((r, i) => {
      for (const part of expected[i]!.parts) expect(r.reason).toContain(part);
    });
    expectOnly(db, goodNumbers);
  });

  it('a failure while writing a row stops the import and leaves nothing half written', async () => {
    const db = emptyWorld();
    let assignmentIds = 0;
    // The fourth assignment id is that of 0002's co-handler: 0002's suggestion row and deputy
    // links are already written when it fails.
    const failing: NewId = (prefix) => {
      if (prefix === 'as' && ++assignmentIds === 4) throw new Error('disk full');
      return newId(prefix);
    };
    const rows = await readTable(Buffer.from(csvOf([good('0001'), good('0002'), good('0003')])), 'csv');
    expect(() => importSuggestions(db, rows, { ...OPTIONS, newId: failing })).toThrow('disk full');
    expect(assignmentIds).toBe(4);
    expect(suggestionByNumber(db, '0002')).toBeUndefined();
    const ids = new Set(db.select().from(schema.suggestions).all().map((s) => s.id));
    expect(db.select().from(schema.assignments).all().filter((a) => !ids.has(a.suggestionId))).toEqual([]);
    expect(db.select().from(schema.suggestionDeputies).all().filter((d) => !ids.has(d.suggestionId))).toEqual([]);
    expect(db.select().from(schema.auditLog).all().filter((e) => !ids.has(e.suggestionId ?? ''))).toEqual([]);
  });

  it('JSON rows are numbered from 1 and rejected the same way', async () => {
    const db = emptyWorld();
    const items = [
      { session: SESSION, number: '0001', title: '好', lead_unit: 'jtw' },
      { session: SESSION, number: '0002', title: '坏', lead_unit: 'jtw', split_units: ['sthjj', 'slj'] },
      { session: SESSION, number: '0003', title: '坏', lead_unit: 'jtw', key: 'maybe' },
      { session: SESSION, number: '0004', title: '好', split_units: ['sthjj', 'slj'], co_deputies: ['d02'], lead_deputy: 'd01' },
    ];
    const report = await importFile(db, JSON.stringify(items), 'json');
    expect(report.rejected.map((r) => [r.row, r.number])).toEqual([
      [2, '0002'],
      [3, '0003'],
    ]);
    expect(report.rejected[0]!.reason).toContain('主办单位与分办单位不能同时填写');
    expect(report.rejected[1]!.reason).toContain('重点督办应为');
    expectOnly(db, ['0001', '0004']);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Re-import with changes
// ---------------------------------------------------------------------------------------------

describe('re-importing a changed file', () => {
  async function imported() {
    const db = emptyWorld();
    await importFile(db, sampleCsvText(), 'csv');
    return db;
  }
  const editRow = (number: string, edit: (cells: string[], col: (zh: string) => number) => void): string => {
    const { header, rows } = sampleGrid();
    const col = (zh: string) => header.indexOf(zh);
    const target = rows.find((r) => r[1] === number)!;
    edit(target, col);
    return [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';
  };

  it('a changed title updates that suggestion only, bumps its version and audits import_updated listing title', async () => {
    const db = await imported();
    const before = dump(db);
    const s5 = suggestionByNumber(db, '0005')!;
    const text = editRow('0005', (r, col) => (r[col('标题')] = '关于完善社区居家养老服务体系的建议'));

    const report = await importFile(db, text, 'csv', LATER_OPTIONS);
    expect(report).toMatchObject({ total: 30, created: 0, updated: 1, unchanged: 29, rejected: [] });
    expect(report.items.find((i) => i.outcome === 'updated')).toEqual({ row: 6, id: s5.id, session: SESSION, number: '0005', outcome: 'updated' });

    const after = dump(db);
    expect(suggestionByNumber(db, '0005')).toEqual({
      ...s5,
      title: '关于完善社区居家养老服务体系的建议',
      version: 2,
      updatedAt: '2026-03-02T03:30:00.000Z',
    });
    expect(after.suggestions.filter((s) => s.id !== s5.id)).toEqual(before.suggestions.filter((s) => s.id !== s5.id));
    expect(after.assignments).toEqual(before.assignments);
    expect(after.suggestionDeputies).toEqual(before.suggestionDeputies);
    expect(after.audit.slice(0, 30)).toEqual(before.audit);
    expect(after.audit.slice(30)).toEqual([
      expect.objectContaining({
        at: '2026-03-02T03:30:00.000Z',
        actor: 'system:admin',
        source: 'admin_api',
        action: 'import_updated',
        outcome: 'ok',
        suggestionId: s5.id,
        subjectType: 'suggestion',
        subjectId: s5.id,
        beforeState: 'open',
        afterState: 'open',
        details: { changed: ['title'] },
      }),
    ]);

    // Importing the changed file once more changes nothing.
    const third = await importFile(db, text, 'csv', { ...LATER_OPTIONS, now: new Date('2026-03-03T00:00:00Z') });
    expect(third).toMatchObject({ created: 0, updated: 0, unchanged: 30, rejected: [] });
    expect(dump(db)).toEqual(after);
  });

  it('changed co-signers and key flag update the suggestion and its deputy links, listing what changed', async () => {
    const db = await imported();
    const s2 = suggestionByNumber(db, '0002')!;
    const text = editRow('0002', (r, col) => {
      r[col('附议代表')] = 'd05、d06';
      r[col('重点督办')] = '是';
      r[col('督办领导')] = '副市长 王立群';
    });
    const report = await importFile(db, text, 'csv', LATER_OPTIONS);
    expect(report).toMatchObject({ updated: 1, unchanged: 29, rejected: [] });
    expect(suggestionByNumber(db, '0002')).toMatchObject({ key: true, keyLeader: '副市长 王立群', version: 2 });
    expect(deputiesOf(db, s2.id)).toEqual([
      { deputyId: 'd04', role: 'lead', position: 0 },
      { deputyId: 'd05', role: 'co', position: 1 },
      { deputyId: 'd06', role: 'co', position: 2 },
    ]);
    const entry = db.select().from(schema.auditLog).all().at(-1)!;
    expect(entry.action).toBe('import_updated');
    const changed = (entry.details as { changed: string[] }).changed;
    expect([...changed].sort()).toEqual(['deputies', 'key', 'keyLeader']);
  });

  it.each([
    ['a co unit added', (r: string[], col: (zh: string) => number) => (r[col('协办单位')] = 'cgj、zjw')],
    ['the lead unit changed', (r: string[], col: (zh: string) => number) => (r[col('主办单位')] = 'zjw')],
    ['the co unit removed', (r: string[], col: (zh: string) => number) => (r[col('协办单位')] = '')],
    [
      'lead turned into split',
      (r: string[], col: (zh: string) => number) => {
        r[col('主办单位')] = '';
        r[col('协办单位')] = '';
        r[col('分办单位')] = 'jtw、cgj';
      },
    ],
    ['the assignment date changed', (r: string[], col: (zh: string) => number) => (r[col('交办日期')] = '2026-02-11')],
    [
      'the title and the units changed together',
      (r: string[], col: (zh: string) => number) => {
        r[col('标题')] = '新标题';
        r[col('协办单位')] = 'zjw';
      },
    ],
  ])('%s: the row is rejected pointing to 改办, and nothing changes', async (_name, edit) => {
    const db = await imported();
    const before = dump(db);
    const report = await importFile(db, editRow('0001', edit), 'csv', LATER_OPTIONS);
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 29 });
    expect(report.rejected).toEqual([{ row: 2, number: '0001', reason: expect.stringContaining('改办') }]);
    expect(dump(db)).toEqual(before);
  });

  it('units listed in another order, or a row that leaves the date out, are not a change', async () => {
    const db = await imported();
    const before = dump(db);
    const text = csvOf([
      good('0001', {
        title: '关于优化中心城区公交线网的建议',
        body: '部分线路重复设置、换乘不便，建议结合轨道交通优化公交线网并增设微循环线路。',
        co_deputies: 'd02、d03',
        assigned_on: '',
        key: '是',
        key_leader: '常务副市长 陈建华',
      }),
      good('0006', {
        title: '关于加强长江支流水环境治理的建议',
        body: '部分支流水质反复，建议实施一河一策并加强入河排污口监管。',
        category: '农林水利',
        lead_deputy: 'd10',
        co_deputies: 'd11',
        lead_unit: '',
        co_units: '',
        split_units: 'slj、sthjj',
      }),
    ]);
    const report = await importFile(db, text, 'csv', LATER_OPTIONS);
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 2, rejected: [] });
    expect(dump(db)).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// 6. Files that cannot be read
// ---------------------------------------------------------------------------------------------

describe('unreadable input', () => {
  it('a JSON array of things that are not objects: each item is rejected with a reason', async () => {
    const db = emptyWorld();
    const rows = await readTable(Buffer.from('[1, "x", null, ["a"]]'), 'json');
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4]);
    const report = importSuggestions(db, rows, OPTIONS);
    expect(report).toMatchObject({ total: 4, created: 0, updated: 0, unchanged: 0 });
    expect(report.rejected.map((r) => r.row)).toEqual([1, 2, 3, 4]);
    for (const r of report.rejected) expect(r.reason).toContain('每一项须为对象');
    expectOnly(db, []);
  });

  it('a JSON object mixed into good items: only it is rejected', async () => {
    const db = emptyWorld();
    const report = await importFile(db, JSON.stringify([{ session: SESSION, number: '0001', title: '好', lead_unit: 'jtw' }, 'x']), 'json');
    expect(report.created).toBe(1);
    expect(report.rejected).toEqual([{ row: 2, number: undefined, reason: expect.stringContaining('每一项须为对象') }]);
  });

  it.each([
    ['title', true, '标题'],
    ['title', { zh: '标题' }, '标题'],
    ['session', ['市六届人大二次会议'], '届次'],
    ['body', false, '内容'],
  ])('a JSON %s of the wrong type (%j) is rejected with a reason naming the field', async (field, value, zh) => {
    const db = emptyWorld();
    const item = { session: SESSION, number: '0001', title: '好', lead_unit: 'jtw', [field]: value };
    const report = await importFile(db, JSON.stringify([item]), 'json');
    expect(report.created).toBe(0);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]!.reason).toContain(zh);
    expectOnly(db, []);
  });

  it('invalid JSON text: TableReadError saying the JSON cannot be parsed', async () => {
    const error = await readTable(Buffer.from('[{"session": "x",'), 'json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableReadError);
    expect((error as Error).message).toMatch(/JSON file cannot be parsed/);
  });

  it('an empty CSV, or one of blank lines only: TableReadError asking for a header', async () => {
    for (const text of ['', '\n\n', '\uFEFF']) {
      const error = await readTable(Buffer.from(text), 'csv').catch((e: unknown) => e);
      expect(error, JSON.stringify(text)).toBeInstanceOf(TableReadError);
      expect((error as Error).message).toMatch(/empty.*header/);
    }
  });

  it('a CSV with only a header has no rows', async () => {
    expect(await readTable(Buffer.from('届次,编号,标题\n'), 'csv')).toEqual([]);
  });

  it('a CSV with an unterminated quote: TableReadError', async () => {
    const error = await readTable(Buffer.from('届次,编号,标题\nx,1,"unterminated\n'), 'csv').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableReadError);
    expect((error as Error).message).toMatch(/CSV file cannot be parsed/);
  });

  it('a file that is not an XLSX: TableReadError', async () => {
    const error = await readTable(Buffer.from('this is not a zip file'), 'xlsx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableReadError);
    expect((error as Error).message).toMatch(/XLSX file cannot be read/);
  });

  it('formatOfPath knows .csv, .xlsx and .json in any case, and names any other extension', () => {
    expect(formatOfPath('data/建议.csv')).toBe('csv');
    expect(formatOfPath('/tmp/SUGGESTIONS.XLSX')).toBe('xlsx');
    expect(formatOfPath('x.Json')).toBe('json');
    expect(() => formatOfPath('x.txt')).toThrow(TableReadError);
    expect(() => formatOfPath('x.txt')).toThrow(/"\.txt"/);
    expect(() => formatOfPath('x.xls')).toThrow(/"\.xls"/);
    expect(() => formatOfPath('noextension')).toThrow(/noextension/);
  });
});

// ---------------------------------------------------------------------------------------------
// 7. A large file
// ---------------------------------------------------------------------------------------------

describe('a large file', () => {
  const unitIds = directory.units.map((u) => u.id);
  const deputyIds = directory.deputies.map((d) => d.id);

  function generated(count: number): { rows: Row[]; assignments: number; links: number } {
    let assignments = 0;
    let links = 0;
    const rows = Array.from({ length: count }, (_, i): Row => {
      const number = String(i + 1).padStart(4, '0');
      const u = (k: number) => unitIds[(i + k) % unitIds.length]!;
      const d = (k: number) => deputyIds[(i + k) % deputyIds.length]!;
      const split = i % 5 === 0;
      const coUnits = split ? [] : [u(1), u(2)].slice(0, i % 3);
      const coDeputies = [d(1), d(2), d(3)].slice(0, i % 4);
      assignments += split ? 2 : 1 + coUnits.length;
      links += 1 + coDeputies.length;
      return good(number, {
        title: `关于第${i + 1}件事的建议`,
        lead_deputy: d(0),
        co_deputies: coDeputies.join('、'),
        lead_unit: split ? '' : u(0),
        co_units: coUnits.join('、'),
        split_units: split ? `${u(0)}、${u(3)}` : '',
        key: i % 7 === 0 ? '是' : '否',
        timing: i % 2 ? '闭会' : '大会',
      });
    });
    return { rows, assignments, links };
  }

  it('1,000 rows import in one call, in chunks reported as progress', async () => {
    const db = emptyWorld();
    const { rows, assignments, links } = generated(1000);
    const table = await readTable(Buffer.from(csvOf(rows)), 'csv');
    expect(table).toHaveLength(1000);
    const progress: Array<[number, number]> = [];
    const report = importSuggestions(db, table, { ...OPTIONS, onProgress: (done, total) => progress.push([done, total]) });
    expect(report).toMatchObject({ total: 1000, created: 1000, updated: 0, unchanged: 0, rejected: [] });
    expect(progress.at(-1)).toEqual([1000, 1000]);
    expect(progress.map(([done]) => done)).toEqual([...progress.map(([done]) => done)].sort((a, b) => a - b));
    expect(db.select().from(schema.suggestions).all()).toHaveLength(1000);
    expect(db.select().from(schema.assignments).all()).toHaveLength(assignments);
    expect(db.select().from(schema.suggestionDeputies).all()).toHaveLength(links);
    expect(db.select().from(schema.auditLog).all()).toHaveLength(1000);
    // row 778 (i = 777): not split, no co units, key-supervised, interim
    const s778 = suggestionByNumber(db, '0778')!;
    expect(s778).toMatchObject({ title: '关于第778件事的建议', timing: 'interim', key: true });
    expect(assignmentsOf(db, s778.id).map((a) => `${a.role}:${a.unitId}`)).toEqual([`lead:${unitIds[777 % unitIds.length]}`]);
    // row 6 (i = 5): split between two units
    expect(assignmentsOf(db, suggestionByNumber(db, '0006')!.id).map((a) => a.role)).toEqual(['split', 'split']);

    const again = importSuggestions(db, table, LATER_OPTIONS);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1000, rejected: [] });
  });

  it('a duplicate number is found across the chunks of a large file', async () => {
    const db = emptyWorld();
    const { rows } = generated(1000);
    rows.push(good('0003', { title: '重复' }));
    const report = importSuggestions(db, await readTable(Buffer.from(csvOf(rows)), 'csv'), OPTIONS);
    expect(report).toMatchObject({ total: 1001, created: 1000 });
    expect(report.rejected).toEqual([{ row: 1002, number: '0003', reason: expect.stringContaining('第 4 行') }]);
    expect(suggestionByNumber(db, '0003')!.title).toBe('关于第3件事的建议');
  });
});

// ---------------------------------------------------------------------------------------------
// 7. Slices written together (issue 11)
// ---------------------------------------------------------------------------------------------

describe('a slice is written together; a row the database refuses is found row by row', () => {
  const REFUSED_TITLE = '数据库拒绝的建议';
  /** Stands in for any constraint the checks before writing do not know: SQLite refuses this one title. */
  const refuseTitle = (db: NodeDb) =>
    db.$client.exec(`CREATE TRIGGER refuse_title BEFORE INSERT ON suggestions WHEN new.title = '${REFUSED_TITLE}' BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END`);

  function rows(count: number, changes: Record<number, Row> = {}): Row[] {
    return Array.from({ length: count }, (_, i) => good(String(i + 1).padStart(4, '0'), changes[i + 1] ?? {}));
  }

  /** How many rows each table an import writes holds, and how many name a suggestion that does not exist. */
  function tally(db: NodeDb) {
    const ids = new Set(db.select({ id: schema.suggestions.id }).from(schema.suggestions).all().map((s) => s.id));
    const orphans = (list: Array<{ suggestionId: string | null }>) => list.filter((r) => !ids.has(r.suggestionId ?? '')).length;
    const tables = {
      assignments: db.select().from(schema.assignments).all(),
      deputies: db.select().from(schema.suggestionDeputies).all(),
      outbox: db.select().from(schema.outbox).all(),
      cards: db.select().from(schema.cardMessages).all(),
      deadlines: db.select().from(schema.openDeadlines).all(),
      searchDocs: db.select().from(schema.searchDocs).all(),
      audit: db.select().from(schema.auditLog).all().filter((a) => a.action.startsWith('import_')),
    };
    return {
      suggestions: ids.size,
      ...(Object.fromEntries(Object.entries(tables).map(([name, list]) => [name, list.length])) as Record<keyof typeof tables, number>),
      orphans: Object.values(tables).reduce((n, list) => n + orphans(list), 0),
      searchIndex: db.$client.prepare('SELECT count(*) FROM search_index').pluck().get() as number,
    };
  }

  /** What `count` whole suggestions of `good()` leave: lead jtw + co cgj, two deputies. */
  const whole = (count: number) => ({ suggestions: count, assignments: 2 * count, deputies: 2 * count, outbox: 4 * count, cards: 3 * count, searchDocs: count, searchIndex: count, audit: count, orphans: 0 });

  it('one slice of 60 with a refused row and an unknown unit in its middle: the 58 others import whole, each bad row is rejected alone with its number and reason', async () => {
    const db = emptyWorld();
    refuseTitle(db);
    const file = csvOf(rows(60, { 30: { title: REFUSED_TITLE }, 40: { lead_unit: 'nope' } }));
    const report = await importFile(db, file, 'csv');
    expect(report).toMatchObject({ total: 60, created: 58, updated: 0, unchanged: 0 });
    expect(report.rejected).toEqual([
      { row: 31, number: '0030', reason: expect.stringContaining('refused by the test trigger') },
      { row: 41, number: '0040', reason: expect.stringContaining('未知的承办单位：nope') },
    ]);
    expect(report.rejected[0]!.reason).toContain('数据库拒绝写入此行');
    expect(report.items.map((i) => i.number)).toEqual(rows(60).map((r) => r.number).filter((n) => n !== '0030' && n !== '0040'));
    expect(tally(db)).toMatchObject(whole(58));
    expect(suggestionByNumber(db, '0030')).toBeUndefined();
    // The deadlines of a whole suggestion: sign and re-assignment window for each unit, first contact and answer for the lead, the co-handler's opinion.
    expect(tally(db).deadlines).toBe(58 * 7);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true });

    // Once the database takes it, the same file creates the row it refused and changes nothing else.
    db.$client.exec('DROP TRIGGER refuse_title');
    const again = await importFile(db, file, 'csv');
    expect(again).toMatchObject({ created: 1, updated: 0, unchanged: 58 });
    expect(again.rejected.map((r) => r.row)).toEqual([41]);
    expect(tally(db)).toMatchObject({ ...whole(59), deadlines: 59 * 7 });

    // A changed title updates that suggestion in place: no second suggestion, its version bumped.
    const before = suggestionByNumber(db, '0010')!;
    const changed = await importFile(db, csvOf(rows(60, { 10: { title: '关于第0010号事项的建议（修订）' }, 30: { title: REFUSED_TITLE }, 40: { lead_unit: 'nope' } })), 'csv', LATER_OPTIONS);
    expect(changed).toMatchObject({ created: 0, updated: 1, unchanged: 58 });
    expect(changed.items.find((i) => i.number === '0010')).toMatchObject({ id: before.id, outcome: 'updated' });
    expect(suggestionByNumber(db, '0010')).toMatchObject({ id: before.id, title: '关于第0010号事项的建议（修订）', version: 2 });
    expect(tally(db)).toMatchObject({ ...whole(59), audit: 60 });
    expect(verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('in slices of bounded time, a refused row in the middle of 1,000 is rejected alone and the slices after it are written whole again', async () => {
    const db = emptyWorld();
    refuseTitle(db);
    const table = await readTable(Buffer.from(csvOf(rows(1000, { 500: { title: REFUSED_TITLE } }))), 'csv');
    const progress: number[] = [];
    const report = await importSuggestionsInSlices(db, table, { ...OPTIONS, onProgress: (done) => progress.push(done) });
    expect(report).toMatchObject({ total: 1000, created: 999, updated: 0, unchanged: 0 });
    expect(report.rejected).toEqual([{ row: 501, number: '0500', reason: expect.stringContaining('refused by the test trigger') }]);
    expect(tally(db)).toMatchObject({ ...whole(999), deadlines: 999 * 7 });
    expect(progress.at(-1)).toBe(1000);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // Whole slices, not a transaction per row: far fewer slices than rows.
    expect(progress.length).toBeLessThan(200);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('a failure of the database itself (not a refusal of a row) stops the import with nothing of its slice written', async () => {
    const db = emptyWorld();
    await importFile(db, csvOf(rows(5)), 'csv');
    const before = tally(db);
    let calls = 0;
    const failing: NewId = (prefix) => {
      if (prefix === 'ob' && ++calls === 7) throw new Error('disk I/O error');
      return newId(prefix);
    };
    const table = await readTable(Buffer.from(csvOf(rows(20))), 'csv');
    expect(() => importSuggestions(db, table, { ...OPTIONS, newId: failing })).toThrow('disk I/O error');
    expect(tally(db)).toEqual(before);
  });
});
