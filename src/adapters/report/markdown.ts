/**
 * The handling report in Markdown: Chinese prose in the style of the "一、总体情况" section of the
 * published reports (domain/seeds/), then the tables, then the definitions of every figure.
 * Every number in the prose comes from the statistics, formatted by the one rounding rule.
 */
import { markdownInline, tableCell } from './markdown-text.ts';
import type { Stats } from '../../core/stats/figures.ts';
import { DEFINITIONS, ROUNDING_ZH } from '../../core/stats/definitions.ts';
import { KIND_ZH } from '../../core/stats/filters.ts';
import { categoryTable, commitmentTable, keyItemsTable, overdueTable, qualityTable, supervisionTable, unitTable, type Cell, type ReportTable } from './tables.ts';

/** How many units the prose names in the overdue paragraph (most overdue first); the table lists all. */
const OVERDUE_UNITS_NAMED = 5;

/** 2024-11-20 → 2024年11月20日 */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** What the items are called: 建议, 议案 or 提案 when all are of one kind. */
function noun(stats: Stats): string {
  if (stats.filters.kind) return KIND_ZH[stats.filters.kind];
  const kinds = Object.entries(stats.totals.byKind).filter(([, n]) => n > 0);
  return kinds.length === 1 ? KIND_ZH[kinds[0]![0] as keyof typeof KIND_ZH] : '建议';
}

export function reportTitle(stats: Stats): string {
  const session = stats.filters.session ?? '';
  const n = noun(stats);
  return `${session}${n === '提案' ? '提案' : `代表${n}`}办理情况统计报告`;
}

function overview(stats: Stats): string[] {
  const t = stats.totals;
  const n = noun(stats);
  const a = stats.answers;
  const paragraphs: string[] = [];
  /** Who answers: 主办, or 主办（分办） when some suggestions are handled by split units. */
  const answerers = t.assignments.split ? '主办（分办）' : '主办';

  // （一）组织推进
  const inner: string[] = [];
  if (t.byTiming.session && t.byTiming.interim) inner.push(`其中大会期间提出${t.byTiming.session}件、闭会期间提出${t.byTiming.interim}件`);
  const kinds = (['suggestion', 'motion', 'proposal'] as const).filter((k) => t.byKind[k] > 0);
  if (kinds.length > 1) inner.push(kinds.map((k) => `${KIND_ZH[k]}${t.byKind[k]}件`).join('、'));
  if (t.withSplit) inner.push(`涉及分办${n}${t.withSplit}件`);
  if (t.keySupervised) inner.push(`重点督办${n}${t.keySupervised}件`);
  const roles: string[] = [];
  if (t.assignments.lead) roles.push(`主办${t.assignments.lead}件次`);
  if (t.assignments.co) roles.push(`协办${t.assignments.co}件次`);
  if (t.assignments.split) roles.push(`分办${t.assignments.split}件次`);
  let first = `（一）组织推进。共收到${n}${t.suggestions}件${inner.length ? `（${inner.join('；')}）` : ''}，${t.unitsInvolved}个承办单位参与办理工作${roles.length ? `，交办${roles.join('、')}` : ''}。`;
  if (a.answered === 0) {
    first += a.expected ? `目前尚无审核通过的答复，${a.expected}件次正在办理。` : '';
  } else if (a.notAnswered === 0 && a.late === 0) {
    first += stats.filters.unit === undefined ? `${t.suggestions}件${n}均在规定时限内办理答复，按时办结率${a.onTime.text}。` : `答复${a.answered}件，均在规定时限内办理答复，按时办结率${a.onTime.text}。`;
  } else {
    first += `已答复${a.answered}件${a.notAnswered ? `（尚有${a.notAnswered}件正在办理）` : ''}，其中按时答复${a.onTime.numerator}件，按时办结率${a.onTime.text}。`;
  }
  const r = stats.reassignment.rate;
  first += r.numerator ? `共改办${n}${r.numerator}件、改办率${r.text}。` : '无改办。';
  paragraphs.push(first);

  // （二）研究吸纳
  const c = stats.resultClasses;
  if (a.answered > 0) {
    paragraphs.push(
      `（二）研究吸纳。已解决或采纳的${n}（A类）${c.A.count}件，占办结总数的${c.A.text}；列入工作计划、逐步解决的${n}（B类）${c.B.count}件，占办结总数的${c.B.text}；` +
        `其余留作工作参考或涉及上级国家机关职权的${n}（C类、D类）共${c.CD.count}件，占办结总数的${c.CD.text}（其中C类${c.C.count}件、占${c.C.text}，D类${c.D.count}件、占${c.D.text}）。`,
    );
  } else {
    paragraphs.push('（二）研究吸纳。尚无办结答复。');
  }

  // （三）代表评价
  const f = stats.satisfaction.final;
  const fr = stats.satisfaction.firstRound;
  let third = '（三）代表评价。';
  if (f.evaluations === 0) {
    third += `尚未收到评价回执${a.answered ? `（${a.answered}件答复待评价）` : ''}。`;
  } else {
    third += `收到${answerers}答复函评价回执${f.evaluations}件，`;
    if (f.unsatisfied.count === 0) {
      third += `代表评价均为满意或基本满意（满意${f.satisfied.count}件、占${f.satisfied.text}，基本满意${f.basicallySatisfied.count}件、占${f.basicallySatisfied.text}）。`;
    } else {
      third += `其中满意${f.satisfied.count}件、占${f.satisfied.text}，基本满意${f.basicallySatisfied.count}件、占${f.basicallySatisfied.text}，不满意${f.unsatisfied.count}件、占${f.unsatisfied.text}；满意或基本满意率${f.satisfiedOrBasic.text}。`;
    }
    const sameAsFinal = fr.evaluations === f.evaluations && fr.satisfied.count === f.satisfied.count && fr.basicallySatisfied.count === f.basicallySatisfied.count && fr.unsatisfied.count === f.unsatisfied.count;
    if (!sameAsFinal && fr.evaluations > 0) {
      // The first-round shares beside the final (SPEC §10: Wuchang prints 满意 113 件 91.87%).
      third += `首次评价${fr.evaluations}件，其中满意${fr.satisfied.count}件、占${fr.satisfied.text}，基本满意${fr.basicallySatisfied.count}件、占${fr.basicallySatisfied.text}，不满意${fr.unsatisfied.count}件、占${fr.unsatisfied.text}，首次满意或基本满意率${fr.satisfiedOrBasic.text}；评价不满意的答复经重新办理后再次答复。`;
    }
  }
  if (stats.satisfaction.notReturned) third += `另有${stats.satisfaction.notReturned}件答复尚未收到评价回执。`;
  const co = stats.coOpinions;
  if (co.expected) third += `协办单位应提交协办意见${co.expected}件，已提交${co.received}件。`;
  const coe = stats.coOpinionEvaluations;
  if (coe.receipts) third += `主办单位对协办意见评价回执${coe.receipts}件，首次评价满意或基本满意${coe.firstSatisfiedOrBasic.numerator}件、占${coe.firstSatisfiedOrBasic.text}。`;
  paragraphs.push(third);

  // （四）办理公开
  const pub = stats.publication;
  if (a.answered > 0) {
    paragraphs.push(
      `（四）办理公开。公开答复函${pub.public}件${pub.notPublic ? `，其余${pub.notPublic}件经说明理由不予公开${t.classified ? `（涉密${n}${t.classified}件，答复一律不公开）` : ''}` : ''}，公开率${pub.rate.text}。`,
    );
  } else {
    paragraphs.push('（四）办理公开。尚无答复。');
  }

  // （五）沟通联系
  const ff = stats.faceToFace;
  paragraphs.push(`（五）沟通联系。${answerers}单位“面对面”与代表沟通${ff.numerator}件、面商率${ff.text}。`);

  // （六）承诺事项
  const cm = stats.commitments;
  if (cm.made === 0) {
    paragraphs.push('（六）承诺事项。无新增承诺事项。');
  } else {
    const rest = cm.made - cm.done;
    let sixth = `（六）承诺事项。新增承诺事项${cm.made}项，已完成${cm.done}项`;
    if (rest === 0) sixth += '，已全部完成。';
    else if (cm.notYetDue === rest) sixth += `，剩余${rest}项均未到完成时限。`;
    else {
      const parts: string[] = [];
      if (cm.claimed) parts.push(`已报完成待确认${cm.claimed}项`);
      if (cm.overdue) parts.push(`逾期未完成${cm.overdue}项`);
      if (cm.notYetDue) parts.push(`未到完成时限${cm.notYetDue}项`);
      sixth += `，剩余${rest}项中${parts.join('、')}。`;
    }
    sixth += `其中经代表双向确认${cm.confirmed}项。`;
    paragraphs.push(sixth);
  }

  // （七）逾期情况
  const o = stats.overdue;
  paragraphs.push(
    o.total === 0
      ? `（七）逾期情况。截至${chineseDate(stats.asOf)}，无逾期事项。`
      : `（七）逾期情况。截至${chineseDate(stats.asOf)}，逾期事项${o.total}项，涉及${o.byUnit.length}个承办单位（${o.byUnit
          .slice(0, OVERDUE_UNITS_NAMED)
          .map((u) => `${markdownInline(u.unitName)}${u.count}项`)
          .join('、')}${o.byUnit.length > OVERDUE_UNITS_NAMED ? '等' : ''}），清单见第五部分。`,
  );
  return paragraphs;
}

/** A table cell: names, categories and titles come from people and imports, so they are made inert (markdown-text.ts). */
function escapeCell(value: string): string {
  return tableCell(markdownInline(value));
}

function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'object') return cell.text;
  return escapeCell(String(cell));
}

export function markdownTable(table: ReportTable): string {
  const header = `| ${table.columns.map((c) => escapeCell(c.header)).join(' | ')} |`;
  const rule = `|${table.columns.map((c) => (c.kind === 'text' ? '---' : '---:')).join('|')}|`;
  const rows = table.rows.map((row) => `| ${row.map(cellText).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

/** commitment_follow_up in one sentence: the 承诺进展 reports and the second evaluation's grades. */
function followUpLine(stats: Stats): string {
  const f = stats.commitmentFollowUp;
  const g = f.secondEvaluation;
  const graded = g.evaluations ? `；承诺兑现评价 ${g.evaluations} 件次，其中满意 ${g.satisfied.count} 件次（${g.satisfied.text}），基本满意 ${g.basicallySatisfied.count} 件次（${g.basicallySatisfied.text}），不满意 ${g.unsatisfied.count} 件次（${g.unsatisfied.text}）` : '';
  return `承诺跟踪：承办单位报告承诺进展 ${f.reports} 次，涉及承诺事项 ${f.commitmentsReported} 件${graded}。`;
}

/** key_items: a sentence, the leaders' totals, and the list (definition key_items). */
function keyItemsSection(stats: Stats): string[] {
  const k = stats.keyItems;
  if (k.total === 0) return ['无重点督办件。', ''];
  const leaders = k.byLeader.map((l) => `${markdownInline(l.leader)} ${l.total} 件（办结 ${l.closed} 件，有逾期事项 ${l.withOverdue} 件）`).join('；');
  const rate = k.satisfiedOrBasic.denominator ? `，代表对其答复满意或基本满意率 ${k.satisfiedOrBasic.text}` : '';
  return [`重点督办件 ${k.total} 件，已办结 ${k.closed} 件，全部答复 ${k.answered} 件，有逾期事项 ${k.withOverdue} 件${rate}。按督办领导：${leaders}。`, '', markdownTable(keyItemsTable(stats)), ''];
}

export function renderReportMarkdown(stats: Stats): string {
  const out: string[] = [];
  out.push(`# ${reportTitle(stats)}`, '');
  out.push(`> 统计日期：${chineseDate(stats.asOf)}。统计范围：${stats.scope.length ? stats.scope.map(markdownInline).join('；') : '全部'}。数据来源：duban 督办记录；各项口径见文末“统计口径”。`, '');
  out.push('## 一、总体情况', '');
  for (const p of overview(stats)) out.push(p, '');
  out.push('## 二、按承办单位', '', markdownTable(unitTable(stats)), '');
  out.push('## 三、按类别', '', stats.categories.length ? markdownTable(categoryTable(stats)) : '无。', '');
  out.push('## 四、承诺事项', '', stats.commitments.made ? markdownTable(commitmentTable(stats)) : '无新增承诺事项。', '');
  if (stats.commitmentFollowUp.reports > 0 || stats.commitmentFollowUp.secondEvaluation.evaluations > 0) out.push(followUpLine(stats), '');
  out.push('## 五、逾期事项清单', '', stats.overdue.total ? markdownTable(overdueTable(stats)) : `截至${chineseDate(stats.asOf)}，无逾期事项。`, '');
  out.push('## 六、督办情况', '', markdownTable(supervisionTable(stats)), '');
  out.push('## 七、重点督办件', '', ...keyItemsSection(stats));
  // Only where supervisors review answers (the Wuchang practice): no empty section elsewhere.
  const q = stats.qualityReview;
  if (q.reviewed > 0) {
    const goodOf = (d: 'compliance' | 'document' | 'effect') => q[d].good;
    out.push(
      '## 八、答复质量评审',
      '',
      `督办人员从合规、文书、效果三个方面评审答复${q.reviewed}件（占答复件数的${q.rate.text}），合规为“好”的${goodOf('compliance')}件，文书为“好”的${goodOf('document')}件，效果为“好”的${goodOf('effect')}件。`,
      '',
      markdownTable(qualityTable(stats)),
      '',
    );
  }
  out.push('## 统计口径', '');
  for (const d of DEFINITIONS) out.push(`- **${d.name.zh_cn}**：${d.formula}。`);
  out.push(`- **百分比**：${ROUNDING_ZH}`, '');
  return out.join('\n');
}
