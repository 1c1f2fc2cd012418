/**
 * The lifecycle of SPEC §3 as one pure function: `decide(aggregate, command, actor, context)`
 * returns the next aggregate and the audit entries of the change, or throws a DomainError and
 * changes nothing. No I/O here: the store loads and saves, transports build commands.
 *
 * Each command has its step in STEPS; a new command needs its step there (the table's type does
 * not compile without it). What every command shares stays here: nothing happens on a withdrawn
 * suggestion, a suggestion whose last assignment is done is closed, and every change but a
 * read-only one moves the version.
 */
import { actorLabel, type Actor } from '../actor.ts';
import { refuse } from '../errors.ts';
import type { SuggestionAggregate } from '../model.ts';
import { approveAnswer, evaluate, extendAnswerDeadline, returnAnswer, submitAnswer } from './answer-steps.ts';
import { approveReassign, confirmContact, recordContact, rejectReassign, reportProgress, requestReassign, sign, submitOpinion } from './assignment-steps.ts';
import { changesAggregate, type AuditDraft, type Command, type CommandType, type DecideContext, type Decision } from './commands.ts';
import { claimCommitmentDone, confirmCommitmentDone, confirmCommitments, showCommitment } from './commitment-steps.ts';
import { evaluateCommitment, reportCommitmentProgress } from './follow-up-steps.ts';
import { requireCommandWithinLimits } from './field-limits.ts';
import { isSuggestionComplete } from './rules.ts';
import { auditEntry, type Step, type StepTable } from './step.ts';
import { withdrawSuggestion } from './suggestion-steps.ts';
import { approveExtension, approveReview, disputeContact, nudge, rejectExtension, requestExtension, returnReview } from './supervision-steps.ts';
import { recordCoordination } from './coordination-steps.ts';
import { submitQualityReview } from './quality-review-steps.ts';
import { evaluateCoOpinion } from './co-opinion-steps.ts';
import { deliverMergedAnswer, mergeInto } from './merge-steps.ts';

const STEPS: StepTable = {
  sign,
  request_reassign: requestReassign,
  approve_reassign: approveReassign,
  reject_reassign: rejectReassign,
  report_progress: reportProgress,
  record_contact: recordContact,
  confirm_contact: confirmContact,
  submit_opinion: submitOpinion,
  submit_answer: submitAnswer,
  approve_answer: approveAnswer,
  return_answer: returnAnswer,
  evaluate,
  confirm_commitments: confirmCommitments,
  claim_commitment_done: claimCommitmentDone,
  confirm_commitment_done: confirmCommitmentDone,
  show_commitment: showCommitment,
  report_commitment_progress: reportCommitmentProgress,
  evaluate_commitment: evaluateCommitment,
  withdraw_suggestion: withdrawSuggestion,
  extend_answer_deadline: extendAnswerDeadline,
  nudge,
  request_extension: requestExtension,
  approve_extension: approveExtension,
  reject_extension: rejectExtension,
  approve_review: approveReview,
  return_review: returnReview,
  dispute_contact: disputeContact,
  record_coordination: recordCoordination,
  submit_quality_review: submitQualityReview,
  evaluate_co_opinion: evaluateCoOpinion,
  merge_into: mergeInto,
  deliver_merged_answer: deliverMergedAnswer,
};

export function decide(current: SuggestionAggregate, command: Command, actor: Actor, ctx: DecideContext): Decision {
  const next = structuredClone(current);
  const audit: AuditDraft[] = [];
  const nowIso = ctx.now.toISOString();
  const suggestion = next.suggestion;

  if (suggestion.status === 'withdrawn') {
    refuse('invalid_state', '该建议已撤回，不能再操作', 'This suggestion has been withdrawn; nothing more can be done on it');
  }

  requireCommandWithinLimits(command);

  // The table is keyed by command type, so the step found under `command.type` takes this very
  // command; TypeScript cannot follow that correlation through the lookup, hence the widening.
  const step = STEPS[command.type] as Step<CommandType>;
  step(command, { next, audit, actor, actorId: actorLabel(actor), nowIso, ctx });

  if (suggestion.status === 'open' && isSuggestionComplete(next)) {
    suggestion.status = 'closed';
    audit.push(auditEntry('suggestion_closed', audit[0]?.actorRole ?? 'system', 'suggestion', suggestion.id, 'open', 'closed', '建议办结'));
  }
  if (changesAggregate(audit)) {
    suggestion.version += 1;
    suggestion.updatedAt = nowIso;
  }
  return { next, audit };
}
