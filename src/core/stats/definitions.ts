/**
 * What every figure of the statistics means (SPEC §10), written down once. compute.ts implements
 * exactly these sentences; the Markdown report prints them as its 统计口径 appendix and
 * docs/statistics.md is `definitionsMarkdown()` (a test keeps the file equal to it).
 *
 * Each entry says what is counted (the numerator of a rate), what it is divided by, and what is
 * left out. `formula` is the one-line Chinese form printed in the report.
 */

export interface Definition {
  id: DefinitionId;
  name: { zh_cn: string; en_us: string };
  /** The one-line Chinese formula printed under the report. */
  formula: string;
  /** What is counted: the numerator of a rate, or the count itself. */
  counts: string;
  /** What a rate divides by; null for plain counts. */
  denominator: string | null;
  /** What is left out, and why. */
  leftOut: string;
}

export type DefinitionId =
  | 'suggestions'
  | 'units_involved'
  | 'assignments'
  | 'answers'
  | 'on_time_rate'
  | 'signed_on_time'
  | 'result_classes'
  | 'satisfaction_first'
  | 'satisfaction_final'
  | 'not_evaluated'
  | 'face_to_face_rate'
  | 'publication_rate'
  | 'reassignment_rate'
  | 'co_opinions'
  | 'commitments'
  | 'commitment_follow_up'
  | 'overdue_items'
  | 'categories'
  | 'nudges'
  | 'extensions'
  | 'contact_disputes'
  | 'quality_review'
  | 'co_opinion_evaluations'
  | 'key_items';

/** How percentages are rounded and printed: one rule for every figure. */
export const ROUNDING = [
  'Percentages are printed with one decimal, as the handling reports print them (91.8%, 1.2%, 7.0%); an exact 100% is printed "100%".',
  'Each is rounded half-up from the exact fraction of its two counts (integer arithmetic, no floating-point drift); a fraction that is not exactly 1 never prints as 100% (at most 99.9%) and one that is not exactly 0 never prints as 0.0% (at least 0.1%). Nothing to divide by prints "—".',
  'Breakdowns of one whole — the result classes A/B/C/D of the answers and the grades 满意/基本满意/不满意 of the evaluations — are printed so that they sum to exactly 100.0%: every part but the largest is rounded on its own, and the largest part is 100% minus the others. This is what the Chongqing 2024 report does: 1178 of 1284 answers is 91.74%, printed 91.8% beside B 1.2% and C+D 7.0%. The largest part can therefore differ from its own rounding by a few tenths.',
  'The C、D类合计 share is the sum of the printed C and D shares. Category shares are each rounded on their own, so they may not sum to exactly 100.0%.',
  'That is the default and the `chongqing` policy. A policy\'s `report` settings change it (SPEC §10): `percentDecimals: 2` prints two decimals with trailing zeros dropped (the Chengdu 2023 article prints 609 of 667 as 91.3% and 49 of 667 as 7.35%), and `sharesSumTo100: false` rounds every share of a breakdown on its own, so they may not sum to exactly 100% (the `chengdu` and `wuchang` policies; Wuchang prints 113, 9 and 1 of 123 as 91.87%, 7.32%, 0.81%). The first-round grades are printed with their shares beside the final ones.',
  'Every share is computed from counts, never from other percentages, and the counts add up: A+B+C+D = answers, public + not public = answers, 满意+基本满意+不满意 = evaluations, made = done + claimed + overdue + not yet due, and the per-unit rows sum to the totals.',
].join(' ');

/** The rounding rule in one Chinese sentence, for the report's 统计口径 appendix. */
export const ROUNDING_ZH =
  '按默认及重庆市政策：百分比保留一位小数，按两个件数之比四舍五入，全部为100%时印“100%”；不是全部的不印为100%，不是零的不印为0.0%。A、B、C、D类及满意、基本满意、不满意各项占比合计为100%：除最大一项外各自四舍五入，最大一项取100%减去其余各项（与重庆市2024年报告一致：1178÷1284＝91.74%，印为91.8%）；C、D类合计占比为两类占比之和；各类别占比各自四舍五入，合计可能不恰为100%。成都市、武昌区政策：保留两位小数（末位0不印，如91.3%），各项各自四舍五入，合计可能不恰为100%。';

/** What the filters select. */
export const SCOPE = [
  'Filters: `session`, `kind`, `timing`, `category` select suggestions by those fields; `from` and `to` select by the suggestion\'s assignment date (交办日期, `assigned_on`), both inclusive.',
  '`unit` restricts every figure to that unit\'s own records: its assignments in effect and their answers, evaluations, contacts, commitments and overdue items; the suggestions it handles (and their categories); and the re-assignments away from it.',
  'Withdrawn (撤回) suggestions are left out of every figure; their number is reported apart.',
  'The report date (统计日期) is today in the configured time zone (DUBAN_TIMEZONE); "overdue" and "not yet due" are as of that date. All dates of events (signing, approval) are local dates in that zone.',
].join(' ');

export const DEFINITIONS: readonly Definition[] = [
  {
    id: 'suggestions',
    name: { zh_cn: '建议总数', en_us: 'suggestions' },
    formula: '符合筛选条件、未撤回的建议件数',
    counts: 'Suggestions matching the filter (with a unit filter: those in which the unit holds an assignment in effect), by timing (大会 session / 闭会 interim), kind (建议/议案/提案), key-supervised (重点督办), classified (涉密), with split handling (分办), and closed (办结: every lead/split assignment closed and every co-handler opinion in). A suggestion merged under another (并案) keeps its number and counts as its own item: the answer of the lead suggestion delivered to it is its answer, evaluated by its own deputies.',
    denominator: null,
    leftOut: 'Withdrawn suggestions (reported apart as `withdrawn`).',
  },
  {
    id: 'units_involved',
    name: { zh_cn: '承办单位数', en_us: 'units involved' },
    formula: '持有在办交办任务的不同单位数',
    counts: 'Distinct units holding at least one assignment in effect.',
    denominator: null,
    leftOut: 'A unit whose only assignments were re-assigned away from it.',
  },
  {
    id: 'assignments',
    name: { zh_cn: '交办件次（主办/协办/分办）', en_us: 'assignments (lead/co/split)' },
    formula: '在办交办任务件次，按主办、协办、分办分列',
    counts: 'Assignments in effect, by role. An assignment is in effect unless it was withdrawn: an approved re-assignment withdraws the old unit\'s assignment and gives the task to the new unit, so each task counts once, under the unit that holds it now.',
    denominator: null,
    leftOut: 'Withdrawn assignments (re-assigned away, or of a withdrawn suggestion).',
  },
  {
    id: 'answers',
    name: { zh_cn: '办结总数（答复件数）', en_us: 'answers' },
    formula: '有审核通过答复的主办（分办）交办件次，每件计其最终答复',
    counts: 'Lead and split assignments in effect that have an approved answer (审核通过), each counted once with its final answer: the round-2 answer once it is approved after re-handling, otherwise the round-1 answer (also while a round-2 answer is being prepared). The handling reports\' "办结总数" is this count.',
    denominator: null,
    leftOut: 'Co-handler opinions (they are not answers); answers awaiting the head\'s approval; answers the head returned (退回修改); a round-1 answer that an approved round-2 answer replaced.',
  },
  {
    id: 'on_time_rate',
    name: { zh_cn: '按时办结率', en_us: 'on-time rate' },
    formula: '按时答复件数 ÷ 答复件数',
    counts: 'Answers approved (the date of the head\'s sign-off) on or before their deadline: for a round-1 answer the answer deadline counted from the assignment date (3 months in the default policy; for a unit that received the task by re-assignment, from the re-assignment date), or the date a supervisor extended it to (延期, once, 6 months at most); for a round-2 answer the re-handling deadline counted from the `unsatisfied` evaluation (2 months).',
    denominator: 'Answers.',
    leftOut: 'Assignments not answered yet (once past their deadline they are overdue items). When and how often an answer was submitted does not matter, only when the head approved the one that counts.',
  },
  {
    id: 'signed_on_time',
    name: { zh_cn: '按时签收', en_us: 'signed on time' },
    formula: '在签收期限内签收的交办件次',
    counts: 'Assignments in effect signed for on or before the sign-for deadline (2 working days from the assignment date in the default policy).',
    denominator: 'Assignments in effect (per unit in the unit table).',
    leftOut: 'Assignments not signed yet, or signed late.',
  },
  {
    id: 'result_classes',
    name: { zh_cn: '答复类别（A/B/C/D）', en_us: 'result classes A/B/C/D' },
    formula: '各类答复件数 ÷ 答复件数；C、D类合计占比为C、D两类占比之和',
    counts: 'Answers by result class: A 已解决或采纳, B 列入计划逐步解决, C 留作参考, D 涉及上级职权.',
    denominator: 'Answers.',
    leftOut: 'Everything left out of answers (returned answers, replaced round-1 answers, answers awaiting approval).',
  },
  {
    id: 'satisfaction_first',
    name: { zh_cn: '首次评价', en_us: 'first-round satisfaction' },
    formula: '第一轮答复的评价件次，按满意、基本满意、不满意分列，占第一轮评价件次的比例',
    counts: 'Every evaluation of a round-1 answer, per evaluation (件次: each deputy who evaluated counts, co-signers included), by grade — including a round-1 evaluation whose answer was later replaced by re-handling.',
    denominator: 'All evaluations of round-1 answers.',
    leftOut: 'Answers never evaluated; evaluations of round-2 answers.',
  },
  {
    id: 'satisfaction_final',
    name: { zh_cn: '最终评价（满意或基本满意率）', en_us: 'final satisfaction' },
    formula: '最终答复的评价件次，按等级分列；满意或基本满意率 =（满意 + 基本满意）÷ 最终答复的评价件次',
    counts: 'Every evaluation of the answers counted in `answers` (their final answers), per evaluation, by grade; the 满意或基本满意 rate counts 满意 and 基本满意 together.',
    denominator: 'All evaluations of those answers.',
    leftOut: 'Answers with no evaluation returned (未收到评价, counted apart); evaluations of a round-1 answer that re-handling replaced.',
  },
  {
    id: 'not_evaluated',
    name: { zh_cn: '未收到评价', en_us: 'evaluations not returned' },
    formula: '没有任何评价的答复件数',
    counts: 'Answers that no deputy has evaluated (yet).',
    denominator: null,
    leftOut: 'Nothing: these are exactly the answers missing from the satisfaction figures.',
  },
  {
    id: 'face_to_face_rate',
    name: { zh_cn: '面商率', en_us: 'face-to-face rate' },
    formula: '有经代表确认的面商记录的主办（分办）件次 ÷ 主办（分办）件次',
    counts: 'Lead and split assignments in effect with at least one face-to-face (面商) contact that a deputy confirmed (确认属实).',
    denominator: 'Lead and split assignments in effect.',
    leftOut: 'Co-handlers; contacts by phone, meeting, visit or other; face-to-face contacts no deputy confirmed, and those a deputy disputed (不属实); contacts a unit recorded before its assignment was re-assigned away.',
  },
  {
    id: 'publication_rate',
    name: { zh_cn: '公开率', en_us: 'publication rate' },
    formula: '公开答复件数 ÷ 答复件数',
    counts: 'Answers marked public (公开). Every answer that is not public carries its reason; a classified suggestion\'s answer is never public.',
    denominator: 'Answers.',
    leftOut: 'Everything left out of answers.',
  },
  {
    id: 'reassignment_rate',
    name: { zh_cn: '改办率', en_us: 're-assignment rate' },
    formula: '经同意改办的件数 ÷ 交办时的交办件次',
    counts: 'Tasks re-assigned with a supervisor\'s approval (同意改办): assignments made at 交办 that were moved to another unit, each task counted once even if it moved again. With a unit filter: the unit\'s own original assignments it passed on.',
    denominator: 'Assignments made at 交办 (not created by a re-assignment). A re-assignment moves a task and adds none, so without a unit filter this equals the assignments in effect.',
    leftOut: 'Requests refused (不同意改办) or still pending.',
  },
  {
    id: 'co_opinions',
    name: { zh_cn: '协办意见', en_us: 'co-handler opinions' },
    formula: '已提交协办意见的协办件次（应提交：协办件次）',
    counts: 'Co-handling assignments in effect that submitted their opinion.',
    denominator: 'Co-handling assignments in effect (opinions expected).',
    leftOut: 'Co-handling assignments re-assigned away.',
  },
  {
    id: 'commitments',
    name: { zh_cn: '承诺事项', en_us: 'commitments' },
    formula: '新增承诺事项 = 已完成 + 已报完成待确认 + 逾期 + 未到期',
    counts: 'Made: the commitments of approved answers. Confirmed (双向确认): those a deputy confirmed. Done: confirmed done by a deputy or a supervisor. Claimed: marked done by the unit, awaiting that confirmation. Overdue: neither claimed nor done, due before the report date. Not yet due: neither claimed nor done, due on or after the report date.',
    denominator: null,
    leftOut: 'Void commitments (of an answer the head returned, or never confirmed by the deputy and lapsed when a re-handled answer replaced their answer); commitments of answers still awaiting approval.',
  },
  {
    id: 'commitment_follow_up',
    name: { zh_cn: '承诺跟踪与兑现评价', en_us: 'commitment follow-up and second evaluation' },
    formula: '承诺进展报告次数（所涉承诺事项件数）；兑现评价：满意、基本满意、不满意各占兑现评价总数之比',
    counts: 'Follow-up reports: the 承诺进展 reports units gave on commitments (as in commitments: of approved answers, not void), and how many commitments have at least one. Second evaluation (承诺兑现评价): every deputy grade of how a commitment confirmed done was kept, one per deputy and commitment.',
    denominator: 'For the grade shares: the second evaluations given.',
    leftOut: 'Void commitments and commitments of answers still awaiting approval; commitments confirmed done but not graded (no second evaluation is counted for them).',
  },
  {
    id: 'overdue_items',
    name: { zh_cn: '逾期事项', en_us: 'overdue items' },
    formula: '统计日已过期限而未完成的承办单位事项',
    counts: 'At the report date, every deadline of a unit that has passed with the thing still not done: sign-for, first contact with the deputy, co-handler opinion, answer, re-handled answer (each per assignment in effect), and every overdue commitment (as in commitments). By unit: the unit the deadline belongs to.',
    denominator: null,
    leftOut: 'The deputy\'s evaluation deadline (the deputy\'s, not the unit\'s); the re-assignment request window (it closes an option, it is no obligation); things done late (they show in the on-time figures instead).',
  },
  {
    id: 'categories',
    name: { zh_cn: '类别', en_us: 'categories' },
    formula: '各类别建议件数 ÷ 建议总数，按件数排序',
    counts: 'Suggestions per category (an empty category is 未分类), ranked by count, ties by name.',
    denominator: 'Suggestions.',
    leftOut: 'As suggestions (withdrawn ones).',
  },
  {
    id: 'nudges',
    name: { zh_cn: '催办次数', en_us: 'nudges (催办)' },
    formula: '代表按“催办”的次数，按被催办的承办单位分列（同一代表对同一建议每个工作日只计一次）',
    counts: 'Each press of 催办 by a deputy counts once for every unit it urged (the units whose assignment was still open); a deputy counts once per suggestion and working day (a press on a rest day counts for the next working day), a second press for that working day is refused. Totals are the sum of the per-unit counts.',
    denominator: null,
    leftOut: 'Withdrawn suggestions; with a unit filter, nudges of other units.',
  },
  {
    id: 'extensions',
    name: { zh_cn: '延期申请与批准', en_us: 'extensions' },
    formula: '承办单位申请延期件次；批准延期＝答复期限经督办人员延期的交办任务数',
    counts: 'Requested: the units\' 申请延期 requests, with those refused and those still pending. Granted: assignments in effect whose answer deadline a supervisor extended (at most once each, by the 同意延期 button or the operator\'s route).',
    denominator: null,
    leftOut: 'Withdrawn suggestions, and assignments re-assigned away.',
  },
  {
    id: 'contact_disputes',
    name: { zh_cn: '沟通记录不属实', en_us: 'disputed contact records' },
    formula: '代表标记“不属实”的沟通记录条数 ÷ 登记的沟通记录条数',
    counts: 'Contact records a deputy answered with 不属实. A disputed record never counts as confirmed: it is not in 面商率 and does not meet the first-contact deadline.',
    denominator: 'Contact records of the assignments counted.',
    leftOut: 'Withdrawn suggestions.',
  },
  {
    id: 'co_opinion_evaluations',
    name: { zh_cn: '协办意见评价回执', en_us: 'co-handler opinion evaluations' },
    formula: '主办单位对协办意见的评价件次（回执），按满意、基本满意、不满意分列；首次满意或基本满意率 = 首次评价为满意或基本满意的协办件次 ÷ 有评价的协办件次',
    counts: 'Every rating (评价协办意见) the lead unit gave to a co-handler opinion of a co-handling assignment in effect, by grade (receipts, 件次: a second opinion rated again counts again); and per co-handling assignment, whether its first rating was 满意 or 基本满意 (the Chongqing report: 3,057 receipts, 3,056 satisfied or basically satisfied at first).',
    denominator: 'For the first-time rate: co-handling assignments in effect with at least one rating.',
    leftOut: 'Opinions not rated yet; the comment; opinions of co-handling assignments re-assigned away.',
  },
  {
    id: 'quality_review',
    name: { zh_cn: '答复质量评审', en_us: 'quality review' },
    formula: '经督办人员评审的答复件数，按合规、文书、效果三个方面分列好、一般、差的件数，按承办单位分列',
    counts: 'Answers (as in `answers`) whose final answer a supervisor reviewed (提交评审 on the 质量评审 card, posted once the evaluation closed the assignment), and for each of the three dimensions — 合规 compliance, 文书 document, 效果 effect (the Wuchang practice) — how many were graded 好 good, 一般 fair and 差 poor. By unit: the unit of the answer.',
    denominator: 'Answers (the reviewed share is reviewed ÷ answers).',
    leftOut: 'Answers not final yet (awaiting evaluation or re-handling: only a final answer is reviewed) and final answers not reviewed yet; the free-text note.',
  },
  {
    id: 'key_items',
    name: { zh_cn: '重点督办件', en_us: 'key items (重点督办)' },
    formula: '重点督办建议件数，其中已办结、已答复、有逾期事项的件数；满意或基本满意率 =（满意 + 基本满意）÷ 其最终答复的评价件次；按督办领导分列',
    counts: 'Key-supervised (重点督办) suggestions as in `suggestions`, each listed with its leader in charge (督办领导: the directory leader the column names, else the column as written), its lead or split units, whether it is closed, how many of its lead/split assignments in effect have an answer (as in `answers`) out of how many, its overdue items (as in `overdue_items`) and the grades of its final answers\' evaluations (as in `satisfaction_final`). Totals: key items, closed, fully answered (every lead/split assignment answered), with at least one overdue item; and per leader the same counts.',
    denominator: 'For the 满意或基本满意 rate: the evaluations of the key items\' final answers.',
    leftOut: 'As suggestions (withdrawn ones); suggestions not marked 重点督办 even when the 督办领导 column names someone.',
  },
];

export function definitionOf(id: DefinitionId): Definition {
  const d = DEFINITIONS.find((x) => x.id === id);
  if (!d) throw new Error(`no definition ${id}`);
  return d;
}

/** docs/statistics.md, generated from the table above. */
export function definitionsMarkdown(): string {
  const lines = [
    '# Statistics: how each figure is defined',
    '',
    '<!-- Generated from src/core/stats/definitions.ts by definitionsMarkdown(); test/stats.test.ts keeps this file equal to it. Edit the code, not this file. -->',
    '',
    'The figures of SPEC §10, as `GET /api/stats`, `GET /api/report` and `duban report` compute them.',
    'Domain background: ../shared/domain/REFERENCE.md §4 (how the published reports define them).',
    '',
    '## Scope and filters',
    '',
    SCOPE,
    '',
    '## Rounding',
    '',
    ROUNDING,
    '',
    '## Figures',
    '',
  ];
  for (const d of DEFINITIONS) {
    lines.push(`### ${d.name.zh_cn} — ${d.name.en_us} (\`${d.id}\`)`, '', `- 公式: ${d.formula}`, `- Counts: ${d.counts}`);
    if (d.denominator) lines.push(`- Divided by: ${d.denominator}`);
    lines.push(`- Left out: ${d.leftOut}`, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
