/**
 * The suggestion aggregate: one suggestion with everything recorded about it (SPEC §2). The
 * lifecycle (lifecycle/) reads one aggregate and returns the next; the store diffs and saves it.
 * These are the core's own types; the schema (src/adapters/sqlite/schema.ts) declares its columns
 * with them, and the store checks at compile time that a row and its type are the same shape.
 */

export const ASSIGNMENT_STATES = [
  'pending_sign',
  'signed',
  'reassign_requested',
  'opinion_submitted',
  'answer_pending_approval',
  /** Approved by the head, waiting for a supervisor's review (policy `answerReview: "supervisor"`). */
  'answer_pending_review',
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

export type SuggestionStatus = 'open' | 'closed' | 'withdrawn';
export type CommitmentState = 'proposed' | 'confirmed' | 'done_claimed' | 'done' | 'void';
export type AnswerStatus = 'pending_approval' | 'pending_review' | 'approved' | 'returned';
export type RequestStatus = 'pending' | 'approved' | 'rejected';
export type BoardLight = 'blue' | 'yellow' | 'red';

/** Instants are ISO-8601 UTC strings; calendar dates are YYYY-MM-DD. */
export interface SuggestionRow {
  id: string;
  session: string;
  number: string;
  kind: SuggestionKind;
  timing: SuggestionTiming;
  title: string;
  body: string;
  category: string;
  key: boolean;
  keyLeader: string | null;
  classified: boolean;
  assignedOn: string;
  status: SuggestionStatus;
  /** Bumped on every change of the aggregate: optimistic concurrency. */
  version: number;
  /** The light the status board last showed; the sweep updates the board when it changes. */
  boardLight: BoardLight | null;
  createdAt: string;
  updatedAt: string;
}

export interface AssignmentRow {
  id: string;
  suggestionId: string;
  unitId: string;
  role: AssignmentRole;
  state: AssignmentState;
  /** The state to return to when a re-assignment request is refused. */
  stateBeforeReassign: AssignmentState | null;
  assignedOn: string;
  /** 1, or 2 after an `unsatisfied` evaluation sent it back for re-handling. */
  round: number;
  /** The date of the `unsatisfied` evaluation that started re-handling. */
  rehandleFrom: string | null;
  signedAt: string | null;
  closedAt: string | null;
  /** For an assignment created by an approved re-assignment: the one it replaces. */
  replacesAssignmentId: string | null;
  /** The answer deadline as extended by a supervisor (SPEC §4: once, at most 6 months). */
  answerDueExtendedTo: string | null;
  createdAt: string;
}

export interface ReassignmentRequestRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  status: RequestStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  newUnitId: string | null;
  newAssignmentId: string | null;
}

export interface ProgressReportRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  text: string;
  reportedBy: string;
  reportedAt: string;
}

export interface ContactRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  method: ContactMethod;
  date: string;
  note: string;
  recordedBy: string;
  recordedAt: string;
  confirmedBy: string | null;
  confirmedAt: string | null;
  /** A deputy answered 不属实: the contact is disputed and never counts as confirmed. */
  disputedBy: string | null;
  disputedAt: string | null;
  disputeReason: string | null;
}

export interface CoOpinionRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  text: string;
  submittedBy: string;
  submittedAt: string;
}

export interface AnswerRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  round: number;
  resultClass: ResultClass;
  summary: string;
  public: boolean;
  privateReason: string | null;
  status: AnswerStatus;
  submittedBy: string;
  submittedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  returnReason: string | null;
  /** The supervisor's 复核通过 or 退回重办 (policy `answerReview`); `decidedBy` stays the head. */
  reviewedBy: string | null;
  reviewedAt: string | null;
}

export interface CommitmentRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  answerId: string;
  content: string;
  dueOn: string;
  /** `void` marks the promises of an answer the head returned: kept, never tracked. */
  state: CommitmentState;
  confirmedBy: string | null;
  confirmedAt: string | null;
  evidence: string | null;
  claimedBy: string | null;
  claimedAt: string | null;
  doneBy: string | null;
  doneAt: string | null;
}

export interface EvaluationRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  answerId: string;
  round: number;
  deputyId: string;
  grade: Grade;
  comment: string;
  evaluatedBy: string;
  evaluatedAt: string;
}

/** 催办: a deputy urged the unit of one open assignment; once per deputy, suggestion and working day. */
export interface NudgeRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  deputyId: string;
  /** The local date of the press. */
  day: string;
  nudgedBy: string;
  nudgedAt: string;
}

/** 申请延期: a lead/split unit asks a supervisor for a later answer deadline (SPEC §4). */
export interface ExtensionRequestRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  /** The date the unit asked for. */
  until: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  status: RequestStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  /** The deadline granted (the supervisor may change the date; a rest day moves to the next working day). */
  grantedUntil: string | null;
  decisionReason: string | null;
}

/**
 * 协调处理 (SPEC §3): after a second 不满意 closes an assignment `closed_unsatisfied`, the congress
 * office convenes the parties; a supervisor records when and what came of it.
 */
export interface CoordinationRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  date: string;
  outcome: string;
  recordedBy: string;
  recordedAt: string;
}

/**
 * 协办意见评价 (SPEC §3, the Chongqing 协办意见评价回执): the lead unit rates a co-handler's opinion;
 * 不满意 sends the co unit back to give a second opinion.
 */
export interface CoOpinionEvaluationRow {
  id: string;
  suggestionId: string;
  /** The co unit's assignment. */
  assignmentId: string;
  opinionId: string;
  grade: Grade;
  comment: string;
  evaluatedBy: string;
  evaluatedAt: string;
}

/** A unit's report on an open commitment, answering a 承诺进展 card (policy `followUp`, SPEC §4). */
export interface CommitmentFollowUpRow {
  id: string;
  suggestionId: string;
  commitmentId: string;
  text: string;
  reportedBy: string;
  reportedAt: string;
}

/** The second evaluation: a deputy's grade of how a commitment confirmed done was kept (承诺兑现评价). */
export interface CommitmentEvaluationRow {
  id: string;
  suggestionId: string;
  commitmentId: string;
  deputyId: string;
  grade: Grade;
  comment: string;
  evaluatedBy: string;
  evaluatedAt: string;
}

/** The three dimensions of a quality review (SPEC §5: 合规、文书、效果, the Wuchang practice), each graded. */
export const REVIEW_DIMENSIONS = ['compliance', 'document', 'effect'] as const;
export type ReviewDimension = (typeof REVIEW_DIMENSIONS)[number];
export const REVIEW_GRADES = ['good', 'fair', 'poor'] as const;
export type ReviewGrade = (typeof REVIEW_GRADES)[number];

/** 质量评审: a supervisor's review of a final answer, once per answer. */
export interface QualityReviewRow {
  id: string;
  suggestionId: string;
  assignmentId: string;
  answerId: string;
  compliance: ReviewGrade;
  document: ReviewGrade;
  effect: ReviewGrade;
  note: string;
  reviewedBy: string;
  reviewedAt: string;
}

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
  nudges: NudgeRow[];
  extensionRequests: ExtensionRequestRow[];
  coordinations: CoordinationRow[];
  qualityReviews: QualityReviewRow[];
  coOpinionEvaluations: CoOpinionEvaluationRow[];
  commitmentFollowUps: CommitmentFollowUpRow[];
  commitmentEvaluations: CommitmentEvaluationRow[];
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
  'nudges',
  'extensionRequests',
  'coordinations',
  'qualityReviews',
  'coOpinionEvaluations',
  'commitmentFollowUps',
  'commitmentEvaluations',
] as const satisfies ReadonlyArray<keyof SuggestionAggregate>;
export type AggregateCollection = (typeof AGGREGATE_COLLECTIONS)[number];

/** Commitments still tracked, after closing too (SPEC §3): a deputy confirms, a unit marks done, a deputy confirms done. */
export const TRACKED_COMMITMENT_STATES: ReadonlySet<CommitmentState> = new Set(['proposed', 'confirmed', 'done_claimed']);

/** States in which an assignment needs nothing more from its unit. */
export const FINISHED_STATES: ReadonlySet<AssignmentState> = new Set(['closed', 'closed_unsatisfied', 'withdrawn']);

export const STATE_LABELS: Record<AssignmentState, { zh_cn: string; en_us: string }> = {
  pending_sign: { zh_cn: '待签收', en_us: 'awaiting sign-for' },
  signed: { zh_cn: '办理中', en_us: 'in handling' },
  reassign_requested: { zh_cn: '申请改办中', en_us: 're-assignment requested' },
  opinion_submitted: { zh_cn: '已提交协办意见', en_us: 'co-handler opinion submitted' },
  answer_pending_approval: { zh_cn: '答复待审核', en_us: 'answer awaiting approval' },
  answer_pending_review: { zh_cn: '答复待复核', en_us: 'answer awaiting review' },
  answered: { zh_cn: '已答复待评价', en_us: 'answered, awaiting evaluation' },
  rehandling: { zh_cn: '重新办理中', en_us: 're-handling' },
  closed: { zh_cn: '已办结', en_us: 'closed' },
  closed_unsatisfied: { zh_cn: '办结（不满意）', en_us: 'closed (unsatisfied)' },
  withdrawn: { zh_cn: '已撤销', en_us: 'withdrawn' },
};
