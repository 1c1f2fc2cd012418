/**
 * The handling report (SPEC §10) and its transports. The main dataset mirrors the Chongqing 2024
 * report in ../shared/domain/seeds/: 1284 suggestions handled by 94 units, built through the real
 * import and the real command API (every signature, contact, answer, approval and evaluation a
 * dispatched command), so every figure is known by construction; the Markdown must print the
 * report's own sentences. Then the CSV, the XLSX (opened with exceljs), the HTTP routes, the CLI
 * command and the per-suggestion dossier.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import ExcelJS from 'exceljs';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerReportCommand } from '../src/transports/cli/report-command.ts';
import { reportRoutes } from '../src/transports/http/report-routes.ts';
import { buildRuntime } from '../src/runtimes/node/build-runtime.ts';
import { renderReportCsv } from '../src/adapters/report/csv.ts';
import { dossierContentDisposition, renderDossierMarkdown } from '../src/app/dossier.ts';
import { renderReportMarkdown } from '../src/adapters/report/markdown.ts';
import { renderReportXlsx } from '../src/adapters/report/xlsx.ts';
import { getSuggestionDetail } from '../src/app/suggestion-queries.ts';
import type { Stats } from '../src/core/stats/figures.ts';
import type { Grade, ResultClass } from '../src/core/model.ts';
import { deputyOf, liaison, makeDirectory, SESSION, statsWorld, SUPERVISOR, type StatsWorld } from './support/stats-world.ts';

const DISTRICTS = '万州区 黔江区 涪陵区 渝中区 大渡口区 江北区 沙坪坝区 九龙坡区 南岸区 北碚区 綦江区 大足区 渝北区 巴南区 长寿区 江津区 合川区 永川区 南川区 璧山区 铜梁区 潼南区 荣昌区 开州区 梁平区 武隆区 城口县 丰都县 垫江县 忠县 云阳县 奉节县 巫山县 巫溪县 石柱县 秀山县 酉阳县 彭水县'
  .split(' ')
  .map((d) => `${d}人民政府`);
const DEPARTMENTS = (
  '市发展改革委 市教委 市科技局 市经济信息委 市民族宗教委 市公安局 市民政局 市司法局 市财政局 市人力社保局 市规划自然资源局 市生态环境局 市住房城乡建委 市城市管理局 ' +
  '市交通运输委 市水利局 市农业农村委 市商务委 市文化旅游委 市卫生健康委 市退役军人事务局 市应急管理局 市审计局 市国资委 市市场监管局 市体育局 市统计局 市医保局 ' +
  '市林业局 市机关事务局 市政府外办 市政府港澳办 市大数据发展局 市乡村振兴局 市粮食和物资储备局 市能源局 市地方金融管理局 市信访办 市人防办 市口岸物流办 市药监局 ' +
  '市知识产权局 市消防救援总队 市气象局 市税务局 市邮政管理局 重庆海关 市通信管理局 市烟草专卖局 国网重庆市电力公司 市供销合作总社 市残联 市妇联 团市委 市总工会 市科协'
).split(' ');
const UNIT_NAMES = [...DEPARTMENTS, ...DISTRICTS];
const CATEGORIES: Array<[string, number]> = [
  ['教科文卫体', 312],
  ['城乡建设与管理', 268],
  ['农林水利', 201],
  ['工业经济', 176],
  ['交通邮电', 143],
  ['财政经济', 98],
  ['民政', 55],
  ['政法', 31],
];
const TOTAL = 1284;
const SESSION_PART = 1176; // proposed at the session; the rest in the interim
const unitId = (k: number) => `u${String(k + 1).padStart(3, '0')}`;

/** What each suggestion i gets, decided up front so every total is known. */
interface Plan {
  number: string;
  category: string;
  interim: boolean;
  originalUnit: string;
  unit: string;
  reassigned: boolean;
  classified: boolean;
  isPublic: boolean;
  resultClass: ResultClass;
  faceToFace: boolean;
  extraContact: 'unconfirmed_f2f' | 'phone' | null;
  grade: Grade | null;
  commitment: 'done' | 'open' | null;
  deputy: string;
}

function plan(): Plan[] {
  const categoryOf: string[] = CATEGORIES.flatMap(([name, n]) => Array<string>(n).fill(name));
  const plans: Plan[] = [];
  let notPublicOthers = 0;
  let bcd = 0;
  let f2f = 0;
  let unconfirmed = 0;
  let phone = 0;
  let basic = 0;
  let commitments = 0;
  for (let i = 0; i < TOTAL; i++) {
    const original = unitId(i % 94);
    const reassigned = i < 26;
    const classified = i % 50 === 7;
    const notPublic = classified || (i % 7 === 3 && notPublicOthers++ < 163);
    let resultClass: ResultClass = 'A';
    if (i % 12 === 5 && bcd < 106) resultClass = bcd++ < 16 ? 'B' : bcd <= 76 ? 'C' : 'D';
    const faceToFace = (i % 5 === 0 || i % 5 === 2) && f2f++ < 508;
    const extraContact = i % 5 === 1 && unconfirmed++ < 30 ? 'unconfirmed_f2f' : i % 5 === 3 && phone++ < 100 ? 'phone' : null;
    const grade: Grade | null = [100, 600, 1100].includes(i) ? null : i % 40 === 1 && basic++ < 31 ? 'basically_satisfied' : 'satisfied';
    const commitment = i % 40 === 20 ? (commitments++ < 20 ? 'done' : 'open') : null;
    plans.push({
      number: String(i + 1).padStart(4, '0'),
      category: categoryOf[i]!,
      interim: i >= SESSION_PART,
      originalUnit: original,
      unit: reassigned ? unitId((i + 47) % 94) : original,
      reassigned,
      classified,
      isPublic: !notPublic,
      resultClass,
      faceToFace,
      extraContact,
      grade,
      commitment,
      deputy: `d${String((i % 200) + 1).padStart(3, '0')}`,
    });
  }
  return plans;
}

/** Drives one cohort (session or interim) through its whole handling, command by command. */
function handleCohort(w: StatsWorld, cohort: Plan[], days: { assigned: string; sign: string; reassign: string; contact: string; answer: string; evaluate: string }) {
  w.setNow(`${days.assigned}T01:00:00Z`);
  w.importRows(
    cohort.map((p) => ({
      number: p.number,
      timing: p.interim ? 'interim' : 'session',
      title: `关于第${p.number}号事项的建议`,
      body: p.classified ? '（涉密）' : '建议正文',
      category: p.category,
      lead_deputy: p.deputy,
      lead_unit: p.originalUnit,
      assigned_on: days.assigned,
      classified: p.classified,
    })),
  );
  let live = w.liveAssignments();
  const assignment = (p: Plan) => live.get(`${p.number}/${p.unit}`)!;
  w.batch(() => {
    w.setNow(`${days.sign}T01:00:00Z`);
    for (const p of cohort) {
      const id = live.get(`${p.number}/${p.originalUnit}`)!;
      if (p.reassigned) w.act(liaison(p.originalUnit), { type: 'request_reassign', assignmentId: id, reason: '不属于本单位职责' });
      else w.sign(id, p.originalUnit);
    }
  });
  if (cohort.some((p) => p.reassigned)) {
    w.setNow(`${days.reassign}T01:00:00Z`);
    w.batch(() => {
      for (const p of cohort.filter((x) => x.reassigned)) {
        w.act(SUPERVISOR, { type: 'approve_reassign', assignmentId: live.get(`${p.number}/${p.originalUnit}`)!, newUnitId: p.unit });
      }
    });
    live = w.liveAssignments();
    w.batch(() => {
      for (const p of cohort.filter((x) => x.reassigned)) w.sign(assignment(p), p.unit);
    });
  }
  w.setNow(`${days.contact}T02:00:00Z`);
  const contactDate = w.today();
  w.batch(() => {
    for (const p of cohort) {
      if (p.faceToFace) w.contact(assignment(p), p.unit, 'face_to_face', contactDate, p.deputy);
      if (p.extraContact === 'unconfirmed_f2f') w.contact(assignment(p), p.unit, 'face_to_face', contactDate);
      if (p.extraContact === 'phone') w.contact(assignment(p), p.unit, 'phone', contactDate, p.deputy);
    }
  });
  w.setNow(`${days.answer}T02:00:00Z`);
  const answers = new Map<string, string>();
  w.batch(() => {
    for (const p of cohort) {
      const commitments = p.commitment ? [{ dueOn: p.commitment === 'done' ? '2024-09-30' : '2024-12-31', content: `第${p.number}号承诺事项` }] : [];
      const privateReason = p.classified ? '内容涉密' : '涉及个人隐私';
      answers.set(p.number, w.answer(assignment(p), p.unit, { resultClass: p.resultClass, public: p.isPublic, privateReason, commitments }));
    }
  });
  w.setNow(`${days.evaluate}T02:00:00Z`);
  w.batch(() => {
    for (const p of cohort) {
      const answerId = answers.get(p.number)!;
      if (p.grade) w.evaluate(answerId, p.deputy, p.grade);
      if (p.commitment) w.act(deputyOf(p.deputy), { type: 'confirm_commitments', answerId });
    }
  });
  return answers;
}

function buildChongqing(): { w: StatsWorld; plans: Plan[]; seconds: number } {
  const started = performance.now();
  const plans = plan();
  const w = statsWorld(makeDirectory(UNIT_NAMES, 200), '2024-02-05T01:00:00Z');
  handleCohort(w, plans.filter((p) => !p.interim), { assigned: '2024-02-05', sign: '2024-02-06', reassign: '2024-02-07', contact: '2024-03-14', answer: '2024-04-15', evaluate: '2024-04-25' });
  handleCohort(w, plans.filter((p) => p.interim), { assigned: '2024-06-03', sign: '2024-06-04', reassign: '2024-06-05', contact: '2024-07-10', answer: '2024-08-15', evaluate: '2024-08-26' });
  // 20 of the 32 promises are done by September; 12 are due at the end of the year.
  w.setNow('2024-09-20T02:00:00Z');
  w.batch(() => {
    for (const p of plans.filter((x) => x.commitment === 'done')) {
      const c = w.aggregate(p.number).commitments[0]!;
      w.act(liaison(p.unit), { type: 'claim_commitment_done', commitmentId: c.id, evidence: '已按承诺完成' });
      w.act(deputyOf(p.deputy), { type: 'confirm_commitment_done', commitmentId: c.id });
    }
  });
  w.setNow('2024-11-20T02:00:00Z'); // the report date
  return { w, plans, seconds: (performance.now() - started) / 1000 };
}

/** The seed's half-width punctuation, as our report prints it. */
const fullWidth = (s: string) => s.replace(/\(/g, '（').replace(/\)/g, '）').replace(/,/g, '，').replace(/:/g, '：');
const SEED = fullWidth(readFileSync(new URL('../../shared/domain/seeds/chongqing-2024-npc-handling-report.txt', import.meta.url), 'utf8'));

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 3);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** The rows of a Markdown table under a heading, as arrays of cells. */
function markdownRows(markdown: string, heading: string): string[][] {
  return section(markdown, heading)
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .map((l) => l.slice(2, -2).split(' | '));
}

describe('the Chongqing 2024 report, rebuilt through the command API', () => {
  let w: StatsWorld;
  let plans: Plan[];
  let stats: Stats;
  let markdown: string;

  beforeAll(() => {
    const built = buildChongqing();
    w = built.w;
    plans = built.plans;
    console.log(`Chongqing dataset: ${TOTAL} suggestions built through dispatch in ${built.seconds.toFixed(1)} s`);
    stats = w.stats({ session: SESSION });
    markdown = renderReportMarkdown(stats);
  }, 180_000);
  afterAll(() => w?.close());

  it('has the report’s figures, by construction', () => {
    expect(plans.filter((p) => p.resultClass === 'A')).toHaveLength(1178);
    expect(stats.asOf).toBe('2024-11-20');
    expect(stats.totals).toMatchObject({ suggestions: 1284, withdrawn: 0, unitsInvolved: 94, assignments: { total: 1284, lead: 1284, co: 0, split: 0 }, byTiming: { session: 1176, interim: 108 } });
    expect(stats.answers).toMatchObject({ expected: 1284, answered: 1284, notAnswered: 0, late: 0, onTime: { text: '100%' } });
    const c = stats.resultClasses;
    expect([c.A.count, c.B.count, c.C.count, c.D.count, c.CD.count]).toEqual([1178, 16, 60, 30, 90]);
    expect([c.A.text, c.B.text, c.CD.text]).toEqual(['91.8%', '1.2%', '7.0%']);
    expect(stats.publication).toMatchObject({ public: 1095, notPublic: 189, rate: { text: '85.3%' } });
    expect(stats.faceToFace).toMatchObject({ numerator: 508, denominator: 1284, text: '39.6%' });
    expect(stats.reassignment).toMatchObject({ rate: { numerator: 26, denominator: 1284, text: '2.0%' }, approvedDecisions: 26 });
    expect(stats.satisfaction.final).toMatchObject({ evaluations: 1281, satisfied: { count: 1250 }, basicallySatisfied: { count: 31 }, unsatisfied: { count: 0 } });
    expect(stats.satisfaction.notReturned).toBe(3);
    expect(stats.commitments).toEqual({ made: 32, confirmed: 32, done: 20, claimed: 0, overdue: 0, notYetDue: 12 });
    expect(stats.signedOnTime).toMatchObject({ numerator: 1284, denominator: 1284 });
    expect(stats.overdue.total).toBe(0); // the 3 unevaluated answers wait on the deputies, not the units
    expect(stats.totals.closed).toBe(1281);
    expect(stats.categories.map((x) => [x.category, x.count, x.share.text])).toEqual([
      ['教科文卫体', 312, '24.3%'],
      ['城乡建设与管理', 268, '20.9%'],
      ['农林水利', 201, '15.7%'],
      ['工业经济', 176, '13.7%'],
      ['交通邮电', 143, '11.1%'],
      ['财政经济', 98, '7.6%'],
      ['民政', 55, '4.3%'],
      ['政法', 31, '2.4%'],
    ]);
  });

  it('prints the report’s own sentences: every figure of its 总体情况 equals the report’s', () => {
    const overview = section(markdown, '一、总体情况');
    // Sentences of the seed, word for word (its half-width punctuation made full-width).
    const shared = [
      '共收到建议1284件',
      '94个承办单位参与办理工作',
      '1284件建议均在规定时限内办理答复，按时办结率100%',
      '已解决或采纳的建议（A类）1178件，占办结总数的91.8%',
      '列入工作计划、逐步解决的建议（B类）16件，占办结总数的1.2%',
      '其余留作工作参考或涉及上级国家机关职权的建议（C类、D类）共90件，占办结总数的7.0%',
      '收到主办答复函评价回执1281件，代表评价均为满意或基本满意',
      '公开答复函1095件，其余189件',
      '公开率85.3%',
      '共改办建议26件、改办率',
      '“面对面”与代表沟通508件、面商率39.6%',
      '新增承诺事项32项，已完成20项，剩余12项均未到完成时限',
    ];
    for (const sentence of shared) {
      expect(SEED, `the seed says: ${sentence}`).toContain(sentence);
      expect(overview, `our report says: ${sentence}`).toContain(sentence);
    }
    // The seed rounds the re-assignment rate to "2%"; ours prints one decimal.
    expect(SEED).toContain('共改办建议26件、改办率控制在2%');
    expect(overview).toContain('共改办建议26件、改办率2.0%');
    // The whole section, so no figure can drift unnoticed.
    expect(overview).toBe(
      [
        '## 一、总体情况',
        '',
        '（一）组织推进。共收到建议1284件（其中大会期间提出1176件、闭会期间提出108件），94个承办单位参与办理工作，交办主办1284件次。1284件建议均在规定时限内办理答复，按时办结率100%。共改办建议26件、改办率2.0%。',
        '',
        '（二）研究吸纳。已解决或采纳的建议（A类）1178件，占办结总数的91.8%；列入工作计划、逐步解决的建议（B类）16件，占办结总数的1.2%；其余留作工作参考或涉及上级国家机关职权的建议（C类、D类）共90件，占办结总数的7.0%（其中C类60件、占4.7%，D类30件、占2.3%）。',
        '',
        '（三）代表评价。收到主办答复函评价回执1281件，代表评价均为满意或基本满意（满意1250件、占97.6%，基本满意31件、占2.4%）。另有3件答复尚未收到评价回执。',
        '',
        '（四）办理公开。公开答复函1095件，其余189件经说明理由不予公开（涉密建议26件，答复一律不公开），公开率85.3%。',
        '',
        '（五）沟通联系。主办单位“面对面”与代表沟通508件、面商率39.6%。',
        '',
        '（六）承诺事项。新增承诺事项32项，已完成20项，剩余12项均未到完成时限。其中经代表双向确认32项。',
        '',
        '（七）逾期情况。截至2024年11月20日，无逾期事项。',
        '',
      ].join('\n'),
    );
    expect(markdown.startsWith('# 市六届人大二次会议代表建议办理情况统计报告\n')).toBe(true);
  });

  it('follows the prose with the tables: by unit, by category, commitments, overdue', () => {
    const units = markdownRows(markdown, '二、按承办单位');
    expect(units[0]).toEqual(['承办单位', '承办件次', '主办/分办', '协办', '按时签收', '答复件数', '按时答复', '逾期事项', 'A类', 'B类', 'C类', 'D类', '满意', '基本满意', '不满意', '满意或基本满意率', '面商件数', '面商率']);
    expect(units).toHaveLength(1 + 94 + 1);
    expect(units.at(-1)).toEqual(['合计', '1284', '1284', '0', '1284', '1284', '1284', '0', '1178', '16', '60', '30', '1250', '31', '0', '100%', '508', '39.6%']);
    // Each unit's row is its own count from the plan.
    for (const row of units.slice(1, -1)) {
      const mine = plans.filter((p) => stats.units.find((u) => u.unitName === row[0])!.unitId === p.unit);
      expect(Number(row[1]), row[0]).toBe(mine.length);
      expect(Number(row[8]), row[0]).toBe(mine.filter((p) => p.resultClass === 'A').length);
      expect(Number(row[16]), row[0]).toBe(mine.filter((p) => p.faceToFace).length);
    }
    const categories = markdownRows(markdown, '三、按类别');
    expect(categories.slice(0, 3)).toEqual([
      ['排名', '类别', '件数', '占比'],
      ['1', '教科文卫体', '312', '24.3%'],
      ['2', '城乡建设与管理', '268', '20.9%'],
    ]);
    const commitments = markdownRows(markdown, '四、承诺事项');
    expect(commitments.at(-1)).toEqual(['合计', '32', '32', '20', '0', '0', '12']);
    expect(commitments).toHaveLength(1 + 32 + 1); // one promise per unit here: i % 40 = 20 spreads them over 32 units
    expect(section(markdown, '五、逾期事项清单')).toContain('截至2024年11月20日，无逾期事项。');
    expect(section(markdown, '统计口径')).toContain('**按时办结率**：按时答复件数 ÷ 答复件数。');
  });

  it('the CSV carries the same tables, UTF-8 with a BOM, each headed by its title', () => {
    const csv = renderReportCsv(stats);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).split('\r\n');
    for (const title of ['【总体情况】', '【按承办单位】', '【按类别】', '【承诺事项】', '【逾期事项】', '【统计口径】']) expect(lines).toContain(title);
    expect(lines).toContain('按时办结率,1284,1284,100%');
    expect(lines).toContain('A类（已解决或采纳）,1178,1284,91.8%');
    expect(lines).toContain('C、D类合计,90,1284,7.0%');
    expect(lines).toContain('公开率,1095,1284,85.3%');
    expect(lines).toContain('面商率,508,1284,39.6%');
    expect(lines).toContain('改办率,26,1284,2.0%');
    expect(lines).toContain('合计,1284,1284,0,1284,1284,1284,0,1178,16,60,30,1250,31,0,100%,508,39.6%');
    expect(lines).toContain('1,教科文卫体,312,24.3%');
    const unitHeader = lines.indexOf('【按承办单位】') + 1;
    expect(lines[unitHeader]).toBe('承办单位,承办件次,主办/分办,协办,按时签收,答复件数,按时答复,逾期事项,A类,B类,C类,D类,满意,基本满意,不满意,满意或基本满意率,面商件数,面商率');
  });

  it('the XLSX is a real workbook: one sheet per table, header frozen, percentages as numbers formatted 0.0%', async () => {
    const buffer = await renderReportXlsx(stats);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['总体情况', '按承办单位', '按类别', '承诺事项', '逾期事项', '督办情况', '重点督办件', '统计口径']);
    for (const sheet of wb.worksheets) {
      expect(sheet.views[0], sheet.name).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getRow(1).font?.bold, sheet.name).toBe(true);
    }
    const summary = wb.getWorksheet('总体情况')!;
    expect((summary.getRow(1).values as unknown[]).slice(1)).toEqual(['指标', '件数', '分母', '比率']);
    const byName = new Map<string, ExcelJS.Row>();
    summary.eachRow((r) => byName.set(String(r.getCell(1).value), r));
    const pct = (name: string) => {
      const cell = byName.get(name)!.getCell(4);
      expect(typeof cell.value, name).toBe('number');
      expect(cell.numFmt, name).toBe('0.0%');
      return cell.value;
    };
    expect(byName.get('建议总数')!.getCell(2).value).toBe(1284);
    expect(pct('按时办结率')).toBe(1);
    expect(pct('A类（已解决或采纳）')).toBeCloseTo(0.918, 10);
    expect(pct('B类（列入计划逐步解决）')).toBeCloseTo(0.012, 10);
    expect(pct('C、D类合计')).toBeCloseTo(0.07, 10);
    expect(pct('公开率')).toBeCloseTo(0.853, 10);
    expect(pct('面商率')).toBeCloseTo(0.396, 10);
    expect(pct('改办率')).toBeCloseTo(0.02, 10);
    expect(byName.get('A类（已解决或采纳）')!.getCell(2).value).toBe(1178);

    const units = wb.getWorksheet('按承办单位')!;
    expect((units.getRow(1).values as unknown[]).slice(1)).toEqual(['承办单位', '承办件次', '主办/分办', '协办', '按时签收', '答复件数', '按时答复', '逾期事项', 'A类', 'B类', 'C类', 'D类', '满意', '基本满意', '不满意', '满意或基本满意率', '面商件数', '面商率']);
    expect(units.rowCount).toBe(1 + 94 + 1);
    const total = units.getRow(units.rowCount);
    expect((total.values as unknown[]).slice(1, 16)).toEqual(['合计', 1284, 1284, 0, 1284, 1284, 1284, 0, 1178, 16, 60, 30, 1250, 31, 0]);
    expect(total.getCell(18).value).toBeCloseTo(0.396, 10);
    expect(total.getCell(18).numFmt).toBe('0.0%');
    const categories = wb.getWorksheet('按类别')!;
    expect((categories.getRow(2).values as unknown[]).slice(1)).toEqual([1, '教科文卫体', 312, 0.243]);
    expect(categories.getRow(2).getCell(4).numFmt).toBe('0.0%');
    expect((wb.getWorksheet('承诺事项')!.getRow(1).values as unknown[]).slice(1)).toEqual(['承办单位', '新增承诺', '代表已确认', '已完成', '已报完成待确认', '逾期', '未到期']);
  });

  it('a unit filter gives that unit’s own report', () => {
    const unit = stats.units[0]!;
    const mine = plans.filter((p) => p.unit === unit.unitId);
    const s = w.stats({ unit: unit.unitId });
    expect(s.totals).toMatchObject({ suggestions: mine.length, unitsInvolved: 1 });
    expect(s.resultClasses.A.count).toBe(mine.filter((p) => p.resultClass === 'A').length);
    expect(renderReportMarkdown(s)).toContain(`> 统计日期：2024年11月20日。统计范围：承办单位：${unit.unitName}。`);
  });
});

describe('a report with late answers, re-handling and overdue items', () => {
  it('says so in the prose and lists them', () => {
    const w = statsWorld(makeDirectory(['市交通运输委员会', '市教育委员会'], 4), '2026-03-02T01:00:00Z');
    w.importRows([
      { number: '0001', title: '关于公交线网的建议', category: '交通邮电', lead_deputy: 'd001', co_deputies: 'd002', lead_unit: 'u001', co_units: 'u002', assigned_on: '2026-03-02' },
      { number: '0002', title: '关于学前教育的建议', category: '教科文卫体', lead_deputy: 'd003', lead_unit: 'u002', assigned_on: '2026-03-02' },
      { number: '0003', title: '关于校车的建议', category: '教科文卫体', lead_deputy: 'd004', lead_unit: 'u002', assigned_on: '2026-03-02' },
    ]);
    w.setNow('2026-03-03T01:00:00Z');
    const a1 = w.assignmentId('0001', 'u001');
    const a2 = w.assignmentId('0002', 'u002');
    w.sign(a1, 'u001');
    w.sign(a2, 'u002');
    w.contact(a1, 'u001', 'face_to_face', '2026-03-03', 'd001');
    w.contact(a2, 'u002', 'phone', '2026-03-03', 'd003');
    w.setNow('2026-04-01T02:00:00Z');
    const r1 = w.answer(a1, 'u001', { resultClass: 'B' });
    w.evaluate(r1, 'd001', 'unsatisfied');
    w.setNow('2026-05-08T02:00:00Z'); // within the re-handling deadline (2026-06-01)
    const r2 = w.answer(a1, 'u001', { resultClass: 'A' });
    w.evaluate(r2, 'd001', 'satisfied');
    w.setNow('2026-06-10T02:00:00Z'); // after 0002's answer deadline (2026-06-02)
    const late = w.answer(a2, 'u002', { resultClass: 'C', public: false, privateReason: '涉及第三方信息', commitments: [{ dueOn: '2026-06-30', content: '完成选址' }] });
    w.evaluate(late, 'd003', 'basically_satisfied');
    w.act(deputyOf('d003'), { type: 'confirm_commitments', answerId: late });
    w.setNow('2026-07-15T02:00:00Z');

    const s = w.stats();
    const md = renderReportMarkdown(s);
    const overview = section(md, '一、总体情况');
    expect(overview).toContain('共收到建议3件，2个承办单位参与办理工作，交办主办3件次、协办1件次。已答复2件（尚有1件正在办理），其中按时答复1件，按时办结率50.0%。无改办。');
    expect(overview).toContain('已解决或采纳的建议（A类）1件，占办结总数的50.0%；列入工作计划、逐步解决的建议（B类）0件，占办结总数的0.0%；其余留作工作参考或涉及上级国家机关职权的建议（C类、D类）共1件，占办结总数的50.0%（其中C类1件、占50.0%，D类0件、占0.0%）。');
    expect(overview).toContain('（三）代表评价。收到主办答复函评价回执2件，代表评价均为满意或基本满意（满意1件、占50.0%，基本满意1件、占50.0%）。首次评价2件，其中满意0件、占0.0%，基本满意1件、占50.0%，不满意1件、占50.0%，首次满意或基本满意率50.0%；评价不满意的答复经重新办理后再次答复。协办单位应提交协办意见1件，已提交0件。');
    expect(overview).toContain('公开答复函1件，其余1件经说明理由不予公开，公开率50.0%。');
    expect(overview).toContain('“面对面”与代表沟通1件、面商率33.3%。');
    expect(overview).toContain('新增承诺事项1项，已完成0项，剩余1项中逾期未完成1项。其中经代表双向确认1项。');
    expect(overview).toContain('（七）逾期情况。截至2026年7月15日，逾期事项6项，涉及1个承办单位（市教育委员会6项），清单见第五部分。');
    const overdue = markdownRows(md, '五、逾期事项清单');
    expect(overdue[0]).toEqual(['承办单位', '届次', '编号', '标题', '事项', '截止日期', '逾期工作日']);
    expect(overdue.slice(1).map((r) => [r[0], r[2], r[4], r[5], r[6]])).toEqual([
      ['市教育委员会', '0001', '签收', '2026-03-04', '91'], // 2026: 清明, 劳动节 (with a make-up day), 端午 in between
      ['市教育委员会', '0003', '签收', '2026-03-04', '91'],
      ['市教育委员会', '0003', '首次联系代表', '2026-03-30', '73'],
      ['市教育委员会', '0001', '协办意见', '2026-04-02', '70'],
      ['市教育委员会', '0003', '答复', '2026-06-02', '30'],
      ['市教育委员会', '0002', '承诺事项：完成选址', '2026-06-30', '11'],
    ]);
    w.close();
  });
});

describe('GET /stats and GET /report', () => {
  let w: StatsWorld;
  let app: Hono;
  beforeAll(() => {
    w = statsWorld(makeDirectory(['市交通运输委员会', '市教育委员会'], 2), '2026-03-02T01:00:00Z');
    w.importRows([
      { number: '0001', title: '关于公交线网的建议', category: '交通邮电', lead_deputy: 'd001', lead_unit: 'u001', assigned_on: '2026-03-02' },
      { number: '0002', title: '关于学前教育的建议', category: '教科文卫体', lead_deputy: 'd002', lead_unit: 'u002', assigned_on: '2026-03-02' },
    ]);
    w.setNow('2026-03-03T01:00:00Z');
    const a = w.assignmentId('0001', 'u001');
    w.sign(a, 'u001');
    w.setNow('2026-04-01T02:00:00Z');
    w.answer(a, 'u001', { resultClass: 'A' });
    w.close();
    // The routes run on a runtime of their own, as the server builds it, over the same file.
    app = new Hono().route('/api', reportRoutes(buildRuntime({ DATABASE_PATH: w.path, LOG_LEVEL: 'silent' }, () => new Date('2026-04-10T02:00:00Z'))));
  });

  it('GET /stats answers the statistics as JSON, filtered', async () => {
    const res = await app.request('/api/stats');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Stats;
    expect(body.asOf).toBe('2026-04-10');
    expect(body.totals.suggestions).toBe(2);
    expect(body.answers.onTime).toMatchObject({ numerator: 1, denominator: 1, text: '100%' });
    const filtered = (await (await app.request('/api/stats?unit=u002&category=%E6%95%99%E7%A7%91%E6%96%87%E5%8D%AB%E4%BD%93')).json()) as Stats;
    expect(filtered.totals.suggestions).toBe(1);
    expect(filtered.filters).toEqual({ unit: 'u002', category: '教科文卫体' });
    expect(((await (await app.request('/api/stats?kind=%E8%AE%AE%E6%A1%88')).json()) as Stats).totals.suggestions).toBe(0);
  });

  it('refuses bad filters with 400 in the SPEC error shape', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/stats?from=2026-13-01', /^from: must be a date/],
      ['/api/stats?from=2026-05-01&to=2026-04-01', /^from: from must not be after to/],
      ['/api/stats?kind=petition', /^kind: must be one of/],
      ['/api/stats?unit=nope', /^unit: unknown unit nope/],
      ['/api/stats?colour=red', /colour/],
      ['/api/stats?unit=u001&unit=u002', /^unit: given more than once/],
      ['/api/report?format=pdf', /^format: must be one of md, csv, xlsx/],
      ['/api/report?format=csv&timing=later', /^timing: must be one of/],
    ];
    for (const [url, detail] of cases) {
      const res = await app.request(url);
      expect(res.status, url).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string; details: string[] } };
      expect(body.error.code, url).toBe('invalid_query');
      expect(body.error.message).toBe('Invalid query parameters');
      expect(body.error.details[0], url).toMatch(detail);
    }
  });

  it('GET /report serves Markdown, CSV and XLSX with their content types and file names', async () => {
    const md = await app.request('/api/report');
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.headers.get('content-disposition')).toBe(
      `attachment; filename="duban-report-2026-04-10.md"; filename*=UTF-8''${encodeURIComponent('代表建议办理情况统计报告-2026-04-10.md')}`,
    );
    expect(await md.text()).toContain('共收到建议2件，2个承办单位参与办理工作');

    const csv = await app.request('/api/report?format=csv&session=%E5%B8%82%E5%85%AD%E5%B1%8A%E4%BA%BA%E5%A4%A7%E4%BA%8C%E6%AC%A1%E4%BC%9A%E8%AE%AE');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toContain('filename="duban-report-2026-04-10.csv"');
    expect(csv.headers.get('content-disposition')).toContain(encodeURIComponent('市六届人大二次会议代表建议办理情况统计报告-2026-04-10.csv'));
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toContain('建议总数,2,,');

    const xlsx = await app.request('/api/report?format=xlsx&unit=u001');
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers.get('content-disposition')).toContain('filename="duban-report-2026-04-10.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const units = wb.getWorksheet('按承办单位')!;
    expect(units.getRow(2).getCell(1).value).toBe('市交通运输委员会');
    expect(units.rowCount).toBe(3); // the unit and the total
  });
});

describe('duban report (registerReportCommand)', () => {
  let path: string;
  beforeAll(() => {
    const w = statsWorld(makeDirectory(['市交通运输委员会'], 1), '2026-03-02T01:00:00Z');
    w.importRows([{ number: '0001', title: '关于公交线网的建议', category: '交通邮电', lead_deputy: 'd001', lead_unit: 'u001', assigned_on: '2026-03-02' }]);
    path = w.path;
    w.close();
  });
  const program = () => {
    const p = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerReportCommand(p, async (run) => {
      const runtime = buildRuntime({ DATABASE_PATH: path, LOG_LEVEL: 'silent' }, () => new Date('2026-03-20T02:00:00Z'));
      try {
        return await run({ context: runtime, backup: (file) => runtime.db.$client.backup(file), close: () => {} });
      } finally {
        runtime.db.$client.close();
      }
    });
    return p;
  };
  const out = mkdtempSync(join(tmpdir(), 'duban-report-cli-'));

  it('writes Markdown, CSV and XLSX to --out', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await program().parseAsync(['node', 'duban', 'report', '--format', 'md', '--out', join(out, 'r.md')]);
      expect(readFileSync(join(out, 'r.md'), 'utf8')).toContain('共收到建议1件，1个承办单位参与办理工作');
      expect(log.mock.calls.at(-1)![0]).toMatch(/Report written to .*r\.md \(md, 1 suggestions, as of 2026-03-20\)/);
      await program().parseAsync(['node', 'duban', 'report', '--format', 'csv', '--out', join(out, 'r.csv'), '--unit', 'u001']);
      expect(readFileSync(join(out, 'r.csv'), 'utf8').startsWith('\uFEFF【总体情况】')).toBe(true);
      await program().parseAsync(['node', 'duban', 'report', '--format', 'xlsx', '--out', join(out, 'r.xlsx'), '--session', SESSION, '--from', '2026-03-01']);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(out, 'r.xlsx'));
      expect(wb.worksheets.map((s) => s.name)).toContain('按承办单位');
    } finally {
      log.mockRestore();
    }
  });

  it('prints Markdown and CSV to stdout without --out', async () => {
    const chunks: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    try {
      await program().parseAsync(['node', 'duban', 'report']);
      await program().parseAsync(['node', 'duban', 'report', '--format', 'csv']);
    } finally {
      write.mockRestore();
    }
    expect(chunks[0]!.startsWith('# 代表建议办理情况统计报告\n')).toBe(true);
    expect(chunks[1]!.startsWith('\uFEFF【总体情况】')).toBe(true);
  });

  it('refuses xlsx without --out, an unknown format and a bad filter, writing nothing', async () => {
    const fail = async (args: string[]) => {
      try {
        await program().parseAsync(['node', 'duban', 'report', ...args]);
      } catch (error) {
        expect(error).toBeInstanceOf(CommanderError);
        return (error as CommanderError).message;
      }
      throw new Error(`${args.join(' ')} should fail`);
    };
    expect(await fail(['--format', 'xlsx'])).toMatch(/--format xlsx needs --out FILE/);
    expect(await fail(['--format', 'pdf'])).toMatch(/Allowed choices are md, csv, xlsx/);
    expect(await fail(['--unit', 'nope', '--out', join(out, 'nope.md')])).toMatch(/invalid filter — unit: unknown unit nope/);
    expect(await fail(['--from', '2026-02-30'])).toMatch(/from: must be a date/);
    expect(existsSync(join(out, 'nope.md'))).toBe(false);
  });
});

describe('the dossier (GET /api/suggestions/:id?format=md)', () => {
  function dossierWorld() {
    const w = statsWorld(makeDirectory(['市交通运输委员会', '市城市管理局'], 3), '2026-03-02T01:00:00Z');
    w.importRows([
      { number: '0001', title: '关于优化公交线网的建议', body: '部分线路重复设置，建议优化。', category: '交通邮电', lead_deputy: 'd001', co_deputies: 'd002', lead_unit: 'u001', co_units: 'u002', assigned_on: '2026-03-02', key: true, key_leader: '副市长 王某' },
      { number: '0002', title: '关于某设施安全防护的建议', body: '机密正文：某设施位置', category: '政法', lead_deputy: 'd003', lead_unit: 'u001', assigned_on: '2026-03-02', classified: true },
    ]);
    w.setNow('2026-03-03T01:00:00Z');
    for (const n of ['0001', '0002']) {
      const a = w.assignmentId(n, 'u001');
      w.sign(a, 'u001');
      w.contact(a, 'u001', 'face_to_face', '2026-03-03', n === '0001' ? 'd001' : 'd003');
    }
    w.sign(w.assignmentId('0001', 'u002'), 'u002');
    w.act(liaison('u002'), { type: 'submit_opinion', assignmentId: w.assignmentId('0001', 'u002'), opinion: '同意主办单位意见' });
    w.setNow('2026-04-01T02:00:00Z');
    const r = w.submitAnswer(w.assignmentId('0001', 'u001'), 'u001', { resultClass: 'B', summary: '初稿答复' });
    w.returnAnswer(r, 'u001', '请补充时间表');
    const ok = w.answer(w.assignmentId('0001', 'u001'), 'u001', { resultClass: 'A', summary: '已调整3条线路', commitments: [{ dueOn: '2026-06-30', content: '6月底前开通微循环线路' }] });
    w.act(deputyOf('d001'), { type: 'confirm_commitments', answerId: ok });
    w.evaluate(ok, 'd002', 'basically_satisfied');
    w.evaluate(ok, 'd001', 'satisfied');
    const secret = w.answer(w.assignmentId('0002', 'u001'), 'u001', { resultClass: 'A', public: false, privateReason: '内容涉密', summary: '机密答复内容', commitments: [{ dueOn: '2026-09-30', content: '机密承诺内容' }] });
    w.evaluate(secret, 'd003', 'satisfied');
    w.setNow('2026-04-02T02:00:00Z');
    return w;
  }

  it('prints the suggestion, every step with its time and actor, the answers, evaluations and commitments', () => {
    const w = dossierWorld();
    const md = renderDossierMarkdown(getSuggestionDetail(w.runtime, w.suggestionId('0001')));
    expect(md.startsWith('# 建议办理档案：第0001号 关于优化公交线网的建议\n')).toBe(true);
    expect(dossierContentDisposition({ session: SESSION, number: '0001' })).toBe(
      `attachment; filename="duban-dossier-0001.md"; filename*=UTF-8''${encodeURIComponent(`${SESSION}第0001号建议办理档案.md`)}`,
    );
    expect(md).toContain('| 重点督办 | 是（督办领导：副市长 王某） |');
    expect(md).toContain('| 领衔代表 | 代表001 |');
    expect(md).toContain('| 附议代表 | 代表002 |');
    expect(md).toContain('## 建议内容\n\n部分线路重复设置，建议优化。');
    expect(md).toContain('| 市交通运输委员会 | 主办 | 已办结 | 2026-03-02 | 2026-03-03 09:00 | 2026-04-01 10:00 | 1 |');
    // Every step, in order, with its local time and who acted.
    const steps = markdownRows(md, '办理过程').slice(1);
    expect(steps.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['2026-03-02 09:00', '管理员（命令行）', '导入交办'],
      ['2026-03-03 09:00', '市交通运输委员会联络员（ou_liaison_u001）', '签收'],
      ['2026-03-03 09:00', '市交通运输委员会联络员（ou_liaison_u001）', '登记沟通'],
      ['2026-03-03 09:00', '代表001（代表）', '确认沟通属实'],
      ['2026-03-03 09:00', '市城市管理局联络员（ou_liaison_u002）', '签收'],
      ['2026-03-03 09:00', '市城市管理局联络员（ou_liaison_u002）', '提交协办意见'],
      ['2026-04-01 10:00', '市交通运输委员会联络员（ou_liaison_u001）', '提交答复'],
      ['2026-04-01 10:00', '市交通运输委员会负责人（ou_head_u001）', '退回修改答复'],
      ['2026-04-01 10:00', '市交通运输委员会联络员（ou_liaison_u001）', '提交答复'],
      ['2026-04-01 10:00', '市交通运输委员会负责人（ou_head_u001）', '审核通过答复'],
      ['2026-04-01 10:00', '代表001（代表）', '确认承诺事项'],
      ['2026-04-01 10:00', '代表002（代表）', '评价答复'],
      ['2026-04-01 10:00', '代表001（代表）', '评价答复'],
      ['2026-04-01 10:00', '代表001（代表）', '建议办结'],
    ]);
    expect(md).toContain('| 2026-04-01 10:00 | 市交通运输委员会负责人（ou_head_u001） | 退回修改答复 | 答复待审核 → 办理中 | 请补充时间表 |');
    expect(md).toContain('### 市交通运输委员会 第1轮答复（退回修改）');
    expect(md).toContain('### 市交通运输委员会 第1轮答复（审核通过）');
    expect(md).toContain('| 答复摘要 | 已调整3条线路 |');
    expect(md).toContain('| 退回理由 | 请补充时间表 |');
    expect(md).toContain('| 2026-04-01 10:00 | 代表002 | 第1轮 | 基本满意 | — | 代表002（代表） |');
    expect(md).toContain('| 6月底前开通微循环线路 | 市交通运输委员会 | 2026-06-30 | 已确认 |');
    expect(md).toContain('| 市城市管理局 | 2026-03-03 09:00 | 市城市管理局联络员（ou_liaison_u002） | 同意主办单位意见 |');
    expect(md).toContain('| 2026-03-03 | 面商 | 市交通运输委员会 | 市交通运输委员会联络员（ou_liaison_u001） |');
    // The confirmed commitment is the one open deadline.
    expect(markdownRows(md, '当前期限').slice(1).map((r) => [r[0], r[2], r[3]])).toEqual([['承诺事项', '2026-06-30', '未逾期']]);
    w.close();
  });

  it('a classified suggestion shows no body, no summaries, notes, commitment texts or comments', () => {
    const w = dossierWorld();
    const md = renderDossierMarkdown(getSuggestionDetail(w.runtime, w.suggestionId('0002')));
    expect(md).toContain('| 涉密 | 是 |');
    expect(md).toContain('（涉密建议，正文不予显示。）');
    for (const secret of ['机密正文', '某设施位置', '机密答复内容', '机密承诺内容', '内容涉密']) expect(md).not.toContain(secret);
    expect(md).toContain('| 答复摘要 | （涉密，不予显示） |');
    expect(md).toContain('| 是否公开 | 不公开（理由：（涉密，不予显示）） |');
    expect(md).toContain('| （涉密，不予显示） | 市交通运输委员会 | 2026-09-30 | 待代表确认 |');
    expect(markdownRows(md, '办理过程').slice(1).map((r) => [r[2], r[4]])).toEqual([
      ['导入交办', '市六届人大二次会议 0002'],
      ['签收', '已签收'],
      ['登记沟通', '（涉密，不予显示）'],
      ['确认沟通属实', '确认属实'],
      ['提交答复', '（涉密，不予显示）'],
      ['审核通过答复', '审核通过'],
      ['评价答复', '—'],
      ['建议办结', '建议办结'],
    ]);
    expect(markdownRows(md, '当前期限').slice(1).map((r) => [r[0], r[2], r[4]])).toEqual([['承诺事项', '2026-09-30', '承诺于 2026-09-30 前完成']]);
    w.close();
  });
});

describe('the CSV lets no formula through (CSV injection)', () => {
  it('writes text that a spreadsheet would run (=, +, -, @) as text, and numbers as numbers', async () => {
    const w = statsWorld(makeDirectory(['=HYPERLINK("http://evil.example","点我")'], 2), '2026-03-02T02:00:00Z');
    w.importRows([
      { number: '0001', title: '+1 关于公交的建议', category: '=HYPERLINK("http://evil.example","点我")', lead_deputy: 'd001', lead_unit: 'u001', assigned_on: '2026-03-02' },
      { number: '0002', title: '@SUM(1,2)', category: '-2+3', lead_deputy: 'd002', lead_unit: 'u001', assigned_on: '2026-03-02' },
    ]);
    const csv = renderReportCsv(w.stats());
    const { parse } = await import('csv-parse/sync');
    const cells = (parse(csv.slice(1), { relax_column_count: true, skip_empty_lines: true }) as string[][]).flat();
    const risky = cells.filter((c) => /^[=+\-@\t\r]/.test(c));
    expect(risky).toEqual([]);
    expect(cells).toContain('\'=HYPERLINK("http://evil.example","点我")');
    expect(cells).toContain("'-2+3");
    // Numbers stay numbers (a count is not prefixed).
    expect(cells).toContain('2');
  });
});
