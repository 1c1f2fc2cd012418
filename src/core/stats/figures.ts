/**
 * The figures of SPEC §10 as computeStats returns them (compute.ts) and the reports print them
 * (src/adapters/report/): each field names the definition it follows in definitions.ts.
 */
import type { IsoDate } from '../calendar/working-day-calendar.ts';
import type { DeadlineKind } from '../deadlines/policy.ts';
import type { Grade, ResultClass, SuggestionKind, SuggestionTiming, ReviewGrade } from '../model.ts';
import type { StatsFilters } from './filters.ts';
import type { Rate, Share } from './percent.ts';
import type { SupervisionFigures } from './supervision.ts';
import type { KeyItemFigures } from './key-items.ts';

export interface GradeBreakdown {
  evaluations: number;
  satisfied: Share;
  basicallySatisfied: Share;
  unsatisfied: Share;
  /** (满意 + 基本满意) ÷ evaluations. */
  satisfiedOrBasic: Rate;
}

export interface ClassBreakdown {
  A: Share;
  B: Share;
  C: Share;
  D: Share;
  /** C and D together; its printed share is the sum of the printed C and D shares. */
  CD: Share;
}

export interface CommitmentCounts {
  made: number;
  confirmed: number;
  done: number;
  claimed: number;
  overdue: number;
  notYetDue: number;
}

export interface OverdueItem {
  suggestionId: string;
  session: string;
  number: string;
  title: string;
  classified: boolean;
  unitId: string;
  unitName: string;
  kind: DeadlineKind;
  /** 签收, 首次联系代表, 答复, 承诺事项… */
  label: string;
  /** The commitment's content (never for a classified suggestion). */
  detail: string | null;
  subjectId: string;
  due: IsoDate;
  workingDaysOverdue: number;
}

export interface UnitRow {
  unitId: string;
  unitName: string;
  /** Assignments in effect. */
  assigned: number;
  leadOrSplit: number;
  co: number;
  signedOnTime: number;
  answers: number;
  answeredOnTime: number;
  overdue: number;
  classes: Record<ResultClass, number>;
  /** Evaluations of the unit's final answers. */
  grades: Record<Grade, number>;
  satisfiedOrBasic: Rate;
  faceToFace: Rate;
  commitments: CommitmentCounts;
}

/** quality_review: reviewed answers and their grades on each dimension. */
export interface QualityCounts {
  reviewed: number;
  compliance: Record<ReviewGrade, number>;
  document: Record<ReviewGrade, number>;
  effect: Record<ReviewGrade, number>;
}

export interface CategoryRow {
  rank: number;
  category: string;
  count: number;
  share: Share;
}

export interface Stats extends SupervisionFigures {
  asOf: IsoDate;
  generatedAt: string;
  filters: StatsFilters;
  /** The filters in Chinese, e.g. "届次：市六届人大二次会议". */
  scope: string[];
  totals: {
    suggestions: number;
    withdrawn: number;
    closed: number;
    byTiming: Record<SuggestionTiming, number>;
    byKind: Record<SuggestionKind, number>;
    keySupervised: number;
    classified: number;
    withSplit: number;
    unitsInvolved: number;
    assignments: { total: number; lead: number; co: number; split: number };
  };
  signedOnTime: Rate;
  answers: { expected: number; answered: number; notAnswered: number; onTime: Rate; late: number };
  resultClasses: ClassBreakdown;
  publication: { rate: Rate; public: number; notPublic: number };
  satisfaction: { firstRound: GradeBreakdown; final: GradeBreakdown; notReturned: number };
  faceToFace: Rate;
  reassignment: { rate: Rate; approvedDecisions: number };
  coOpinions: { expected: number; received: number; rate: Rate };
  /** co_opinion_evaluations: receipts by grade, and the first rating per co assignment. */
  coOpinionEvaluations: { receipts: number; grades: Record<Grade, number>; rated: number; firstSatisfiedOrBasic: Rate };
  commitments: CommitmentCounts;
  /** commitment_follow_up: the 承诺进展 reports and the second evaluation (承诺兑现评价). */
  commitmentFollowUp: { reports: number; commitmentsReported: number; secondEvaluation: GradeBreakdown };
  overdue: { total: number; byUnit: Array<{ unitId: string; unitName: string; count: number }>; items: OverdueItem[] };
  categories: CategoryRow[];
  units: UnitRow[];
  /** key_items: every key-supervised suggestion with its leader, and the totals by leader. */
  keyItems: KeyItemFigures;
  /** quality_review: all reviewed answers (`rate`: reviewed ÷ answers), and by unit (units with an answer). */
  qualityReview: QualityCounts & { rate: Rate; byUnit: Array<QualityCounts & { unitId: string; unitName: string; answers: number }> };
}
