/**
 * What `decide` takes and gives: the commands of SPEC §3, the context the caller supplies, and
 * the decision (the next aggregate and its audit entries).
 */
import type { NewId } from '../ids.ts';
import type { ContactMethod, Grade, ResultClass, SuggestionAggregate } from '../model.ts';

export type Command =
  | { type: 'sign'; assignmentId: string }
  | { type: 'request_reassign'; assignmentId: string; reason: string }
  | { type: 'approve_reassign'; assignmentId: string; newUnitId: string }
  | { type: 'reject_reassign'; assignmentId: string; reason: string }
  | { type: 'report_progress'; assignmentId: string; text: string }
  | { type: 'record_contact'; assignmentId: string; method: ContactMethod; date: string; note: string }
  | { type: 'confirm_contact'; contactId: string }
  | { type: 'submit_opinion'; assignmentId: string; opinion: string }
  | {
      type: 'submit_answer';
      assignmentId: string;
      resultClass: ResultClass;
      summary: string;
      public: boolean;
      privateReason?: string | undefined;
      commitments: Array<{ dueOn: string; content: string }>;
    }
  | { type: 'approve_answer'; answerId: string }
  | { type: 'return_answer'; answerId: string; reason: string }
  | { type: 'evaluate'; answerId: string; grade: Grade; comment?: string | undefined }
  | { type: 'confirm_commitments'; answerId: string }
  | { type: 'claim_commitment_done'; commitmentId: string; evidence: string }
  | { type: 'confirm_commitment_done'; commitmentId: string }
  /** 承诺进展 (policy `followUp`): the unit reports on an open commitment. */
  | { type: 'report_commitment_progress'; commitmentId: string; text: string }
  /** 承诺兑现评价: a deputy grades how a commitment confirmed done was kept (the second evaluation). */
  | { type: 'evaluate_commitment'; commitmentId: string; grade: Grade; comment?: string | undefined }
  /** The status board's 已完成: posts the commitment card again, which carries the evidence form. */
  | { type: 'show_commitment'; commitmentId: string }
  | { type: 'withdraw_suggestion'; suggestionId: string; reason: string }
  | { type: 'extend_answer_deadline'; assignmentId: string; until: string; reason: string }
  /** Supervision from the phone (supervision-steps.ts). */
  | { type: 'nudge'; suggestionId: string }
  | { type: 'request_extension'; assignmentId: string; until: string; reason: string }
  | { type: 'approve_extension'; extensionRequestId: string; until: string }
  | { type: 'reject_extension'; extensionRequestId: string; reason: string }
  | { type: 'approve_review'; answerId: string }
  | { type: 'return_review'; answerId: string; reason: string }
  | { type: 'dispute_contact'; contactId: string; reason: string }
  /** 登记协调结果 on the 协调处理 card in the supervisors' group (SPEC §3, §5). */
  | { type: 'record_coordination'; assignmentId: string; date: string; outcome: string }
  /** 评价协办意见 on the 协办意见 card: the lead unit rates a co-handler's opinion (grade as pressed, checked by the step). */
  | { type: 'evaluate_co_opinion'; opinionId: string; grade: string; comment: string }
  /** 提交评审 on the 质量评审 card in the supervisors' group; grades as pressed, checked by the step. */
  | { type: 'submit_quality_review'; answerId: string; compliance: string; document: string; effect: string; note: string }
  /** 并案: this suggestion is handled under the lead suggestion; its own assignments are withdrawn. */
  | { type: 'merge_into'; suggestionId: string; leadSuggestionId: string; leadNumber: string }
  /** The lead suggestion's approved answer, delivered to a merged suggestion for its own deputies to evaluate. */
  | { type: 'deliver_merged_answer'; suggestionId: string; leadNumber: string; answer: DeliveredAnswer };

/** What a merged suggestion receives of the lead suggestion's approved answer (SPEC §3 并案). */
export interface DeliveredAnswer {
  leadAnswerId: string;
  unitId: string;
  role: 'lead' | 'split';
  resultClass: ResultClass;
  summary: string;
  public: boolean;
  privateReason: string | null;
  submittedBy: string;
  submittedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

export type CommandType = Command['type'];

/** The command of one type, e.g. `CommandOf<'sign'>`. */
export type CommandOf<K extends CommandType> = Extract<Command, { type: K }>;

/** Commands that change nothing but what is posted (and are audited all the same). */
export const READ_ONLY_COMMANDS: ReadonlySet<CommandType> = new Set(['show_commitment']);

/** Whether a decision changed the aggregate: its audit holds more than read-only commands. */
export function changesAggregate(audit: readonly AuditDraft[]): boolean {
  return audit.some((e) => !READ_ONLY_COMMANDS.has(e.action as CommandType));
}

export interface DecideContext {
  now: Date;
  /** Today's date in the configured time zone (YYYY-MM-DD). */
  today: string;
  /** The working day `today` counts for: today, or after a rest day the next working day (a 催办 counts once per working day). */
  workingDay?: string;
  newId: NewId;
  unitExists(unitId: string): boolean;
  /** The policy's answer deadline and the longest extension for an assignment date (SPEC §4). */
  /** Policy `answerReview: "supervisor"`: the head's approval waits for a supervisor's 复核 (SPEC §3). */
  answerReview?: boolean;
  answerLimits?: (assignedOn: string) => { due: string; max: string; nextWorkingDay(date: string): string };
}

export interface AuditDraft {
  action: CommandType | 'suggestion_closed';
  actorRole: string;
  subjectType: 'suggestion' | 'assignment' | 'contact' | 'answer' | 'commitment';
  subjectId: string;
  beforeState: string | null;
  afterState: string | null;
  message: string;
  details?: unknown;
}

export interface Decision {
  next: SuggestionAggregate;
  audit: AuditDraft[];
}
