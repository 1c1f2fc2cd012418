/**
 * The report's tables, once, for every format: the Markdown report prints them after its prose,
 * the CSV holds them one after another, the XLSX has one sheet each. A percentage cell keeps its
 * tenths of a percent so each format can print it its own way (text "91.8%", or the number 0.918
 * with a 0.0% format).
 */
import type { CommitmentCounts, QualityCounts, Stats } from '../../core/stats/figures.ts';
import { DEFINITIONS } from '../../core/stats/definitions.ts';
import { NO_LEADER } from '../../core/stats/key-items.ts';
import type { Rate, Share } from '../../core/stats/percent.ts';

export interface PercentCell {
  tenths: number | null;
  /** The printed figure in units of its precision (policy `report.percentDecimals`) and its text. */
  units: number | null;
  decimals: 1 | 2;
  text: string;
}
export type Cell = string | number | PercentCell | null;

export interface Column {
  header: string;
  kind: 'text' | 'int' | 'percent';
  /** Column width in characters, for the workbook. */
  width: number;
}

export interface ReportTable {
  /** The sheet name (XLSX) and the table's title (CSV, Markdown). */
  name: string;
  columns: Column[];
  rows: Cell[][];
}

const text = (header: string, width = 12): Column => ({ header, kind: 'text', width });
const int = (header: string, width = 10): Column => ({ header, kind: 'int', width });
const pct = (header: string, width = 10): Column => ({ header, kind: 'percent', width });
const p = (x: Rate | Share): PercentCell => ({ tenths: x.tenths, units: x.units, decimals: x.decimals, text: x.text });

export const TABLE_NAMES = {
  summary: '总体情况',
  units: '按承办单位',
  categories: '按类别',
  commitments: '承诺事项',
  overdue: '逾期事项',
  supervision: '督办情况',
  keyItems: '重点督办件',
  quality: '答复质量评审',
  definitions: '统计口径',
} as const;

export function summaryTable(stats: Stats): ReportTable {
  const t = stats.totals;
  const rows: Cell[][] = [];
  const count = (name: string, n: number) => rows.push([name, n, null, null]);
  const ratio = (name: string, r: Rate) => rows.push([name, r.numerator, r.denominator, p(r)]);
  const part = (name: string, s: Share) => rows.push([name, s.count, s.of, p(s)]);
  rows.push(['统计日期', stats.asOf, null, null]);
  rows.push(['统计范围', stats.scope.length ? stats.scope.join('；') : '全部', null, null]);
  count('建议总数', t.suggestions);
  count('其中：大会期间提出', t.byTiming.session);
  count('其中：闭会期间提出', t.byTiming.interim);
  count('其中：建议', t.byKind.suggestion);
  count('其中：议案', t.byKind.motion);
  count('其中：提案', t.byKind.proposal);
  count('其中：重点督办', t.keySupervised);
  count('其中：涉密', t.classified);
  count('其中：涉及分办', t.withSplit);
  count('已办结建议', t.closed);
  count('已撤回建议（不计入）', t.withdrawn);
  count('承办单位数', t.unitsInvolved);
  count('交办件次', t.assignments.total);
  count('其中：主办', t.assignments.lead);
  count('其中：协办', t.assignments.co);
  count('其中：分办', t.assignments.split);
  ratio('按时签收', stats.signedOnTime);
  count('应答复件次（主办、分办）', stats.answers.expected);
  count('办结总数（答复件数）', stats.answers.answered);
  count('尚未答复', stats.answers.notAnswered);
  ratio('按时办结率', stats.answers.onTime);
  part('A类（已解决或采纳）', stats.resultClasses.A);
  part('B类（列入计划逐步解决）', stats.resultClasses.B);
  part('C类（留作参考）', stats.resultClasses.C);
  part('D类（涉及上级职权）', stats.resultClasses.D);
  part('C、D类合计', stats.resultClasses.CD);
  ratio('公开率', stats.publication.rate);
  count('不公开答复', stats.publication.notPublic);
  const grades = (label: string, g: Stats['satisfaction']['final']) => {
    count(`${label}评价件次`, g.evaluations);
    part(`${label}：满意`, g.satisfied);
    part(`${label}：基本满意`, g.basicallySatisfied);
    part(`${label}：不满意`, g.unsatisfied);
    ratio(`${label}：满意或基本满意率`, g.satisfiedOrBasic);
  };
  grades('首次', stats.satisfaction.firstRound);
  grades('最终', stats.satisfaction.final);
  count('未收到评价的答复', stats.satisfaction.notReturned);
  ratio('面商率', stats.faceToFace);
  ratio('改办率', stats.reassignment.rate);
  ratio('协办意见（已提交 ÷ 应提交）', stats.coOpinions.rate);
  const coe = stats.coOpinionEvaluations;
  count('协办意见评价回执', coe.receipts);
  count('协办意见评价：满意', coe.grades.satisfied);
  count('协办意见评价：基本满意', coe.grades.basically_satisfied);
  count('协办意见评价：不满意', coe.grades.unsatisfied);
  ratio('协办意见首次评价满意或基本满意率', coe.firstSatisfiedOrBasic);
  const c = stats.commitments;
  count('新增承诺事项', c.made);
  count('承诺事项：代表已确认', c.confirmed);
  count('承诺事项：已完成', c.done);
  count('承诺事项：已报完成待确认', c.claimed);
  count('承诺事项：逾期', c.overdue);
  count('承诺事项：未到期', c.notYetDue);
  count('逾期事项', stats.overdue.total);
  return { name: TABLE_NAMES.summary, columns: [text('指标', 28), text('件数', 14), int('分母'), pct('比率')], rows };
}

export function unitTable(stats: Stats): ReportTable {
  const rows: Cell[][] = stats.units.map((u) => [
    u.unitName,
    u.assigned,
    u.leadOrSplit,
    u.co,
    u.signedOnTime,
    u.answers,
    u.answeredOnTime,
    u.overdue,
    u.classes.A,
    u.classes.B,
    u.classes.C,
    u.classes.D,
    u.grades.satisfied,
    u.grades.basically_satisfied,
    u.grades.unsatisfied,
    p(u.satisfiedOrBasic),
    u.faceToFace.numerator,
    p(u.faceToFace),
  ]);
  const r = stats.resultClasses;
  const g = stats.satisfaction.final;
  rows.push([
    '合计',
    stats.totals.assignments.total,
    stats.answers.expected,
    stats.totals.assignments.co,
    stats.signedOnTime.numerator,
    stats.answers.answered,
    stats.answers.onTime.numerator,
    stats.overdue.total,
    r.A.count,
    r.B.count,
    r.C.count,
    r.D.count,
    g.satisfied.count,
    g.basicallySatisfied.count,
    g.unsatisfied.count,
    p(g.satisfiedOrBasic),
    stats.faceToFace.numerator,
    p(stats.faceToFace),
  ]);
  return {
    name: TABLE_NAMES.units,
    columns: [
      text('承办单位', 24),
      int('承办件次'),
      int('主办/分办'),
      int('协办'),
      int('按时签收'),
      int('答复件数'),
      int('按时答复'),
      int('逾期事项'),
      int('A类', 8),
      int('B类', 8),
      int('C类', 8),
      int('D类', 8),
      int('满意', 8),
      int('基本满意'),
      int('不满意', 8),
      pct('满意或基本满意率', 16),
      int('面商件数'),
      pct('面商率'),
    ],
    rows,
  };
}

export function categoryTable(stats: Stats): ReportTable {
  return {
    name: TABLE_NAMES.categories,
    columns: [int('排名', 8), text('类别', 20), int('件数'), pct('占比')],
    rows: stats.categories.map((c) => [c.rank, c.category, c.count, p(c.share)]),
  };
}

export function commitmentTable(stats: Stats): ReportTable {
  const line = (name: string, c: CommitmentCounts): Cell[] => [name, c.made, c.confirmed, c.done, c.claimed, c.overdue, c.notYetDue];
  return {
    name: TABLE_NAMES.commitments,
    columns: [text('承办单位', 24), int('新增承诺'), int('代表已确认', 12), int('已完成'), int('已报完成待确认', 16), int('逾期'), int('未到期')],
    rows: [...stats.units.filter((u) => u.commitments.made > 0).map((u) => line(u.unitName, u.commitments)), line('合计', stats.commitments)],
  };
}

export function overdueTable(stats: Stats): ReportTable {
  return {
    name: TABLE_NAMES.overdue,
    columns: [text('承办单位', 24), text('届次', 20), text('编号', 8), text('标题', 40), text('事项', 16), text('截止日期', 12), int('逾期工作日', 12)],
    rows: stats.overdue.items.map((i) => [i.unitName, i.session, i.number, i.title, i.detail ? `${i.label}：${i.detail}` : i.label, i.due, i.workingDaysOverdue]),
  };
}

/** 催办 by unit, extensions and disputed contacts (definitions nudges, extensions, contact_disputes). */
export function supervisionTable(stats: Stats): ReportTable {
  const x = stats.extensions;
  const rows: Cell[][] = [
    ['延期申请', '', x.requested],
    ['批准延期', '', x.granted],
    ['不同意延期', '', x.refused],
    ['延期待审批', '', x.pending],
    ['沟通记录', '', stats.contactDisputes.recorded],
    ['沟通记录不属实', '', stats.contactDisputes.disputed],
    ['催办次数', '合计', stats.nudges.total],
    ...stats.nudges.byUnit.map((u): Cell[] => ['催办次数', u.unitName, u.count]),
  ];
  return { name: TABLE_NAMES.supervision, columns: [text('指标', 20), text('承办单位', 24), int('件次')], rows };
}

/** key_items: every key-supervised suggestion with its leader, then the totals by leader. */
export function keyItemsTable(stats: Stats): ReportTable {
  const k = stats.keyItems;
  const items = k.items.map((i): Cell[] => [
    i.leader ?? NO_LEADER,
    i.session,
    i.number,
    i.title,
    i.units.join('、'),
    i.closed ? '是' : '否',
    `${i.answered}/${i.answering}`,
    i.overdue,
    i.grades.satisfied,
    i.grades.basically_satisfied,
    i.grades.unsatisfied,
  ]);
  const leaders = k.byLeader.map((l): Cell[] => [l.leader, '', '', `合计 ${l.total} 件`, '', `${l.closed} 件办结`, `${l.answered} 件已答复`, l.withOverdue, null, null, null]);
  return {
    name: TABLE_NAMES.keyItems,
    columns: [text('督办领导', 16), text('届次', 20), text('编号', 8), text('标题', 40), text('主办（分办）单位', 24), text('办结', 10), text('已答复', 10), int('逾期事项'), int('满意'), int('基本满意'), int('不满意')],
    rows: [...items, ...leaders],
  };
}

/** quality_review by unit: reviewed answers and the 好/一般/差 counts of each dimension. */
export function qualityTable(stats: Stats): ReportTable {
  const q = stats.qualityReview;
  const line = (name: string, answers: number, c: QualityCounts): Cell[] => [
    name,
    answers,
    c.reviewed,
    ...(['compliance', 'document', 'effect'] as const).flatMap((d) => [c[d].good, c[d].fair, c[d].poor]),
  ];
  const dims = [
    ['合规', 'compliance'],
    ['文书', 'document'],
    ['效果', 'effect'],
  ] as const;
  return {
    name: TABLE_NAMES.quality,
    columns: [text('承办单位', 24), int('答复件数'), int('已评审'), ...dims.flatMap(([zh]) => [int(`${zh}：好`, 10), int(`${zh}：一般`, 10), int(`${zh}：差`, 10)])],
    rows: [...q.byUnit.map((u) => line(u.unitName, u.answers, u)), line('合计', stats.answers.answered, q)],
  };
}

export function definitionsTable(): ReportTable {
  return {
    name: TABLE_NAMES.definitions,
    columns: [text('指标', 24), text('公式', 40), text('Counts', 60), text('Divided by', 40), text('Left out', 60)],
    rows: DEFINITIONS.map((d) => [d.name.zh_cn, d.formula, d.counts, d.denominator, d.leftOut]),
  };
}

/** Every table of the CSV and the workbook, in order. */
export function reportTables(stats: Stats): ReportTable[] {
  return [summaryTable(stats), unitTable(stats), categoryTable(stats), commitmentTable(stats), overdueTable(stats), supervisionTable(stats), keyItemsTable(stats), ...(stats.qualityReview.reviewed > 0 ? [qualityTable(stats)] : []), definitionsTable()];
}
