/**
 * Lookups: an id from outside (a card value, an API path) that is not part of this suggestion is
 * refused as not found, so a forged value can never reach another suggestion's records.
 */
import { refuse } from '../errors.ts';
import type { AnswerRow, AssignmentRow, CommitmentRow, ContactRow, ReassignmentRequestRow, SuggestionAggregate } from '../model.ts';

export function findAssignment(agg: SuggestionAggregate, id: string): AssignmentRow {
  return agg.assignments.find((a) => a.id === id) ?? refuse('not_found', '找不到该交办记录', `Unknown assignment: ${id}`);
}

export function findContact(agg: SuggestionAggregate, id: string): ContactRow {
  return agg.contacts.find((x) => x.id === id) ?? refuse('not_found', '找不到该沟通记录', `Unknown contact record: ${id}`);
}

export function findAnswer(agg: SuggestionAggregate, id: string): AnswerRow {
  return agg.answers.find((a) => a.id === id) ?? refuse('not_found', '找不到该答复', `Unknown answer: ${id}`);
}

export function findCommitment(agg: SuggestionAggregate, id: string): CommitmentRow {
  return agg.commitments.find((c) => c.id === id) ?? refuse('not_found', '找不到该承诺事项', `Unknown commitment: ${id}`);
}

/** The assignment's re-assignment request still waiting for a supervisor. */
export function pendingRequest(agg: SuggestionAggregate, assignmentId: string): ReassignmentRequestRow {
  return (
    agg.reassignmentRequests.find((r) => r.assignmentId === assignmentId && r.status === 'pending') ??
    refuse('invalid_state', '没有待审批的改办申请', 'There is no pending re-assignment request')
  );
}
