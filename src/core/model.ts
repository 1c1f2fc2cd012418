/**
 * The suggestion aggregate: one suggestion with everything recorded about it (SPEC §2). The
 * lifecycle (lifecycle.ts) reads one aggregate and returns the next; the store diffs and saves it.
 * Row shapes come from the drizzle schema so the database and the domain cannot drift apart.
 */
import type * as schema from '../adapters/sqlite/schema.ts';

export type SuggestionRow = typeof schema.suggestions.$inferSelect;
export type AssignmentRow = typeof schema.assignments.$inferSelect;
export type ReassignmentRequestRow = typeof schema.reassignmentRequests.$inferSelect;
export type ProgressReportRow = typeof schema.progressReports.$inferSelect;
export type ContactRow = typeof schema.contacts.$inferSelect;
export type CoOpinionRow = typeof schema.coOpinions.$inferSelect;
export type AnswerRow = typeof schema.answers.$inferSelect;
export type CommitmentRow = typeof schema.commitments.$inferSelect;
export type EvaluationRow = typeof schema.evaluations.$inferSelect;
export type DeputyRow = typeof schema.deputies.$inferSelect;

export const ASSIGNMENT_STATES = [
  'pending_sign',
  'signed',
  'reassign_requested',
  'opinion_submitted',
  'answer_pending_approval',
  'answered',
  'rehandling',
  'closed',
  'closed_unsatisfied',
  'withdrawn',
] as const;
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];

export const ASSIGNMENT_ROLES = ['lead', 'co', 'split'] as const;
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

export const KINDS = ['suggestion', 'motion', 'proposal'] as const;
export type SuggestionKind = (typeof KINDS)[number];
export const TIMINGS = ['session', 'interim'] as const;
export type SuggestionTiming = (typeof TIMINGS)[number];

export const CONTACT_METHODS = ['face_to_face', 'phone', 'meeting', 'visit', 'other'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export const RESULT_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type ResultClass = (typeof RESULT_CLASSES)[number];

export const GRADES = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type Grade = (typeof GRADES)[number];

/** A deputy linked to the suggestion, lead (领衔) or co-signer (附议). */
export interface SuggestionDeputy {
  deputyId: string;
  role: 'lead' | 'co';
  position: number;
  name: string;
  openId: string;
}

export interface SuggestionAggregate {
  suggestion: SuggestionRow;
  deputies: SuggestionDeputy[];
  assignments: AssignmentRow[];
  reassignmentRequests: ReassignmentRequestRow[];
  progressReports: ProgressReportRow[];
  contacts: ContactRow[];
  coOpinions: CoOpinionRow[];
  answers: AnswerRow[];
  commitments: CommitmentRow[];
  evaluations: EvaluationRow[];
}

/** The child collections of an aggregate, each saved to its own table by the store. */
export const AGGREGATE_COLLECTIONS = [
  'assignments',
  'reassignmentRequests',
  'progressReports',
  'contacts',
  'coOpinions',
  'answers',
  'commitments',
  'evaluations',
] as const satisfies ReadonlyArray<keyof SuggestionAggregate>;
export type AggregateCollection = (typeof AGGREGATE_COLLECTIONS)[number];

/** States in which an assignment needs nothing more from its unit. */
export const FINISHED_STATES: ReadonlySet<string> = new Set(['closed', 'closed_unsatisfied', 'withdrawn']);

export const STATE_LABELS: Record<AssignmentState, { zh_cn: string; en_us: string }> = {
  pending_sign: { zh_cn: '待签收', en_us: 'awaiting sign-for' },
  signed: { zh_cn: '办理中', en_us: 'in handling' },
  reassign_requested: { zh_cn: '申请改办中', en_us: 're-assignment requested' },
  opinion_submitted: { zh_cn: '已提交协办意见', en_us: 'co-handler opinion submitted' },
  answer_pending_approval: { zh_cn: '答复待审核', en_us: 'answer awaiting approval' },
  answered: { zh_cn: '已答复待评价', en_us: 'answered, awaiting evaluation' },
  rehandling: { zh_cn: '重新办理中', en_us: 're-handling' },
  closed: { zh_cn: '已办结', en_us: 'closed' },
  closed_unsatisfied: { zh_cn: '办结（不满意）', en_us: 'closed (unsatisfied)' },
  withdrawn: { zh_cn: '已撤销', en_us: 'withdrawn' },
};
