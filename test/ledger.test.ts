/**
 * The two ledgers (两本台账, SPEC §7): a small session handled through the real command API on a
 * real SQLite file, then read through the real HTTP server (JSON, CSV, XLSX) and the real `duban
 * ledger` process, and read back with a real CSV parser (csv-parse) and a real XLSX reader (exceljs).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime } from '../src/runtimes/node/build-runtime.ts';
import { startServer } from '../src/runtimes/node/serve.ts';
import { runCli } from './support/cli.ts';
import { ADMIN_TOKEN } from './support/server.ts';
import { deputyOf, liaison, makeDirectory, SESSION, statsWorld, type StatsWorld } from './support/stats-world.ts';

const INJECTION = '=HYPERLINK("http://evil.example","点我")';
const SECRET_PROMISE = '涉密工程年内完工';
const SECRET_EVIDENCE = '涉密验收报告第7页';

let w: StatsWorld;
let server: Awaited<ReturnType<typeof startServer>>;
const get = (path: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

beforeAll(async () => {
  w = statsWorld(makeDirectory(['区交通运输局', '区住房和城市更新局'], 5), '2026-03-02T01:00:00Z');
  const row = (number: string, lead_unit: string, extra: Record<string, unknown> = {}) => ({ number, title: `关于第${number}号事项的建议`, body: '内容', category: '交通邮电', lead_deputy: 'd001', lead_unit, assigned_on: '2026-03-02', ...extra });
  w.importRows([row('0001', 'u001'), row('0002', 'u002', { classified: true }), row('0003', 'u001', { title: INJECTION }), row('0004', 'u002')]);
  const a1 = w.assignmentId('0001', 'u001');
  const a2 = w.assignmentId('0002', 'u002');
  const a3 = w.assignmentId('0003', 'u001');
  w.setNow('2026-03-03T01:00:00Z');
  for (const [a, u] of [[a1, 'u001'], [a2, 'u002'], [a3, 'u001']] as const) w.sign(a, u);
  w.setNow('2026-04-10T02:00:00Z');
  const x1 = w.answer(a1, 'u001', { resultClass: 'A', commitments: [{ dueOn: '2026-05-31', content: '五月底前完成路口改造' }, { dueOn: '2026-09-30', content: '九月底前增设公交站' }] });
  const x2 = w.answer(a2, 'u002', { resultClass: 'C', public: false, privateReason: '涉密', commitments: [{ dueOn: '2026-06-30', content: SECRET_PROMISE }] });
  const x3 = w.answer(a3, 'u001', { resultClass: 'B' });
  w.setNow('2026-04-15T02:00:00Z');
  w.act(deputyOf('d001'), { type: 'confirm_commitments', answerId: x1 });
  w.act(deputyOf('d001'), { type: 'confirm_commitments', answerId: x2 });
  w.evaluate(x1, 'd001', 'satisfied');
  w.evaluate(x3, 'd001', 'unsatisfied');
  w.setNow('2026-05-20T02:00:00Z');
  const [c1] = w.aggregate('0001').commitments.filter((c) => c.dueOn === '2026-05-31');
  w.act(liaison('u001'), { type: 'claim_commitment_done', commitmentId: c1!.id, evidence: '竣工照片' });
  w.act(deputyOf('d001'), { type: 'confirm_commitment_done', commitmentId: c1!.id });
  w.act(liaison('u002'), { type: 'claim_commitment_done', commitmentId: w.aggregate('0002').commitments[0]!.id, evidence: SECRET_EVIDENCE });
  const x3b = w.answer(a3, 'u001', { resultClass: 'A' });
  w.setNow('2026-05-25T02:00:00Z');
  w.evaluate(x3b, 'd001', 'basically_satisfied');
  w.setNow('2026-10-08T02:00:00Z'); // the 九月底 promise is overdue now
  const runtime = buildRuntime({ DATABASE_PATH: w.path, PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'silent' }, () => new Date('2026-10-08T02:00:00Z'));
  server = await startServer(runtime, { hostname: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  await server?.close();
  w?.close();
});

describe('GET /api/ledger', () => {
  it('the commitments ledger as CSV: UTF-8 BOM, one row per commitment with SPEC §7 columns, formula-safe, classified texts hidden', async () => {
    const res = await get('/api/ledger?kind=commitments&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(Buffer.from(bytes), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(records.map((r) => [r['编号'], r['承诺内容'], r['承诺完成时限'], r['状态'], r['是否逾期'], r['代表确认日期'], r['报完成日期'], r['完成佐证'], r['确认完成日期']])).toEqual([
      ['0001', '五月底前完成路口改造', '2026-05-31', '已完成', '否', '2026-04-15', '2026-05-20', '竣工照片', '2026-05-20'],
      ['0001', '九月底前增设公交站', '2026-09-30', '已确认', '是', '2026-04-15', '', '', ''],
      ['0002', '（涉密）', '2026-06-30', '已报完成待确认', '否', '2026-04-15', '2026-05-20', '（涉密）', ''],
    ]);
    expect(records[0]!['承办单位']).toBe('区交通运输局');
    expect(records[0]!['届次']).toBe(SESSION);
    const text = Buffer.from(bytes).toString('utf8');
    expect(text).not.toContain(SECRET_PROMISE);
    expect(text).not.toContain(SECRET_EVIDENCE);
  });

  it('the answers ledger as JSON: one row per approved answer and round, with its evaluations; a formula title is kept as text in CSV', async () => {
    const json = (await (await get('/api/ledger?kind=answers')).json()) as { rows: Array<Record<string, unknown>>; asOf: string };
    expect(json.asOf).toBe('2026-10-08');
    expect(json.rows.map((r) => [r.number, r.round, r.resultClass, r.public, r.approvedOn, r.evaluations, r.evaluatedOn])).toEqual([
      ['0001', 1, 'A', '公开', '2026-04-10', '代表001：满意', '2026-04-15'],
      ['0002', 1, 'C', '不公开', '2026-04-10', '', null],
      ['0003', 1, 'B', '公开', '2026-04-10', '代表001：不满意', '2026-04-15'],
      ['0003', 2, 'A', '公开', '2026-05-20', '代表001：基本满意', '2026-05-25'],
    ]);
    const csv = parse(Buffer.from(await (await get('/api/ledger?kind=answers&format=csv')).arrayBuffer()), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(csv[2]!['标题']).toBe(`'${INJECTION}`);
  });

  it('takes the report’s filters: a unit sees its own rows', async () => {
    const json = (await (await get('/api/ledger?kind=commitments&unit=u002')).json()) as { rows: Array<Record<string, unknown>> };
    expect(json.rows.map((r) => r.number)).toEqual(['0002']);
  });

  it('the XLSX: one sheet, header bold and frozen, dates as real dates', async () => {
    const res = await get('/api/ledger?kind=commitments&format=xlsx');
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const sheet = book.worksheets[0]!;
    expect(sheet.name).toBe('承诺事项台账');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toContain('承诺完成时限');
    const due = sheet.getRow(2).getCell(header.indexOf('承诺完成时限') + 1);
    expect(due.value).toBeInstanceOf(Date);
    expect((due.value as Date).toISOString()).toBe('2026-05-31T00:00:00.000Z');
    expect(due.numFmt).toBe('yyyy-mm-dd');
    expect(sheet.rowCount).toBe(4);
  });

  it('refuses an unknown kind or format, naming it', async () => {
    const res = await get('/api/ledger?kind=promises&format=pdf');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: string[] } };
    expect(body.error.code).toBe('invalid_query');
    expect(body.error.details.join(' ')).toMatch(/kind: must be one of commitments, answers.*format: must be one of json, csv, xlsx/);
  });
});

describe('duban ledger', () => {
  it('writes the answers ledger as XLSX and the commitments ledger as CSV to stdout, with the filters', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'duban-ledger-')), 'answers.xlsx');
    const r = runCli(['ledger', '--kind', 'answers', '--format', 'xlsx', '--out', out], w.path);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/答复台账, 4 rows/);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
    const csv = runCli(['ledger', '--kind', 'commitments', '--unit', 'u001'], w.path);
    expect(csv.status).toBe(0);
    const rows = parse(csv.stdout, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => x['承诺内容'])).toEqual(['五月底前完成路口改造', '九月底前增设公交站']);
    const bad = runCli(['ledger', '--kind', 'answers', '--unit', 'u999'], w.path);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/u999/);
  }, 60_000);
});
