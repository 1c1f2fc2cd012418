/**
 * The two ledgers (两本台账, SPEC §7; the Wuchang practice of a commitments ledger and an answers
 * ledger updated every two months): one row per commitment of an approved answer, or one row per
 * approved answer, for the suggestions the report's filters select (withdrawn ones left out; with
 * `unit`, that unit's rows). A classified suggestion shows number and title only: its commitment
 * texts and evidence are replaced by 涉密.
 */
import { localDate } from '../core/clock.ts';
import type { CommitmentState, Grade } from '../core/model.ts';
import type { StatsFilters } from '../core/stats/filters.ts';
import { loadLedgerSource, type LedgerSource } from '../adapters/sqlite/ledger-store.ts';
import type { Ledger, LedgerColumn, LedgerKind, LedgerValue } from '../adapters/report/ledger.ts';
import type { AppContext } from './context.ts';
import type { Config } from './config.ts';

const CLASSIFIED = '（涉密）';
export const GRADE_ZH: Record<Grade, string> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' };
const COMMITMENT_STATE_ZH: Record<Exclude<CommitmentState, 'void'>, string> = {
  proposed: '待代表确认',
  confirmed: '已确认',
  done_claimed: '已报完成待确认',
  done: '已完成',
};

const col = (key: string, header: string, type: LedgerColumn['type'] = 'text', width = 14): LedgerColumn => ({ key, header, type, width });
const SUGGESTION_COLUMNS = [col('session', '届次', 'text', 22), col('number', '编号', 'text', 8), col('title', '标题', 'text', 40), col('unit', '承办单位', 'text', 20)];

export const COMMITMENT_COLUMNS: LedgerColumn[] = [
  ...SUGGESTION_COLUMNS,
  col('content', '承诺内容', 'text', 40),
  col('dueOn', '承诺完成时限', 'date'),
  col('state', '状态'),
  col('overdue', '是否逾期', 'text', 8),
  col('confirmedOn', '代表确认日期', 'date'),
  col('claimedOn', '报完成日期', 'date'),
  col('evidence', '完成佐证', 'text', 30),
  col('doneOn', '确认完成日期', 'date'),
  // Policy `followUp`: the 承诺进展 reports (date and text, oldest first) and the second evaluation.
  col('followUps', '跟踪进展', 'text', 40),
  col('secondEvaluation', '兑现评价', 'text', 24),
];

export const ANSWER_COLUMNS: LedgerColumn[] = [
  ...SUGGESTION_COLUMNS,
  col('round', '轮次', 'int', 6),
  col('resultClass', '答复类别', 'text', 8),
  col('public', '是否公开', 'text', 8),
  col('submittedOn', '提交日期', 'date'),
  col('approvedOn', '审核通过日期', 'date'),
  col('evaluations', '代表评价', 'text', 30),
  col('evaluatedOn', '评价日期', 'date'),
];

/** The ledger as of now (dates local to the configured time zone). */
export function buildLedger(ctx: Pick<AppContext, 'db' | 'clock'> & { config: Pick<Config, 'timeZone'> }, kind: LedgerKind, filters: StatsFilters = {}): Ledger {
  const source = loadLedgerSource(ctx.db, filters);
  const day = (instant: string | null): string | null => (instant ? localDate(new Date(instant), ctx.config.timeZone) : null);
  const asOf = localDate(ctx.clock(), ctx.config.timeZone);
  return kind === 'commitments'
    ? { kind, title: '承诺事项台账', asOf, columns: COMMITMENT_COLUMNS, rows: commitmentRows(source, filters, asOf, day) }
    : { kind, title: '答复台账', asOf, columns: ANSWER_COLUMNS, rows: answerRows(source, filters, day) };
}

type Row = Record<string, LedgerValue>;

function suggestionCells(source: LedgerSource, suggestionId: string, assignmentId: string): { session: string; number: string; title: string; unit: string; classified: boolean } {
  const s = source.suggestions.get(suggestionId)!;
  const unitId = source.assignments.get(assignmentId)?.unitId ?? '';
  return { session: s.session, number: s.number, title: s.title, unit: source.unitNames.get(unitId) ?? unitId, classified: s.classified };
}

const ofUnit = (source: LedgerSource, filters: StatsFilters, assignmentId: string): boolean => !filters.unit || source.assignments.get(assignmentId)?.unitId === filters.unit;
const byNumber = (x: Row, y: Row): number => String(x.session).localeCompare(String(y.session)) || String(x.number).localeCompare(String(y.number));

function commitmentRows(source: LedgerSource, filters: StatsFilters, asOf: string, day: (at: string | null) => string | null): Row[] {
  return source.commitments
    .filter((c) => source.suggestions.has(c.suggestionId) && ofUnit(source, filters, c.assignmentId))
    .map((c) => {
      const { classified, ...cells } = suggestionCells(source, c.suggestionId, c.assignmentId);
      const open = c.state !== 'done' && c.state !== 'done_claimed';
      return {
        ...cells,
        content: classified ? CLASSIFIED : c.content,
        dueOn: c.dueOn,
        state: COMMITMENT_STATE_ZH[c.state as Exclude<CommitmentState, 'void'>],
        overdue: open && c.dueOn < asOf ? '是' : '否',
        confirmedOn: day(c.confirmedAt),
        claimedOn: day(c.claimedAt),
        evidence: c.evidence === null ? null : classified ? CLASSIFIED : c.evidence,
        doneOn: day(c.doneAt),
        followUps: source.commitmentFollowUps
          .filter((f) => f.commitmentId === c.id)
          .sort((x, y) => x.reportedAt.localeCompare(y.reportedAt))
          .map((f) => `${day(f.reportedAt)} ${classified ? CLASSIFIED : f.text}`)
          .join('；'),
        secondEvaluation: source.commitmentEvaluations
          .filter((e) => e.commitmentId === c.id)
          .sort((x, y) => x.evaluatedAt.localeCompare(y.evaluatedAt))
          .map((e) => `${source.deputyNames.get(e.deputyId) ?? e.deputyId}：${GRADE_ZH[e.grade]}`)
          .join('；'),
      };
    })
    .sort((x, y) => byNumber(x, y) || String(x.dueOn).localeCompare(String(y.dueOn)));
}

function answerRows(source: LedgerSource, filters: StatsFilters, day: (at: string | null) => string | null): Row[] {
  return source.answers
    .filter((a) => source.suggestions.has(a.suggestionId) && ofUnit(source, filters, a.assignmentId))
    .map((a) => {
      const { classified: _classified, ...cells } = suggestionCells(source, a.suggestionId, a.assignmentId);
      const evaluations = source.evaluations.filter((e) => e.answerId === a.id).sort((x, y) => x.evaluatedAt.localeCompare(y.evaluatedAt));
      return {
        ...cells,
        round: a.round,
        resultClass: a.resultClass,
        public: a.public ? '公开' : '不公开',
        submittedOn: day(a.submittedAt),
        approvedOn: day(a.decidedAt),
        evaluations: evaluations.map((e) => `${source.deputyNames.get(e.deputyId) ?? e.deputyId}：${GRADE_ZH[e.grade]}`).join('；'),
        evaluatedOn: day(evaluations.at(-1)?.evaluatedAt ?? null),
      };
    })
    .sort((x, y) => byNumber(x, y) || Number(x.round) - Number(y.round));
}
