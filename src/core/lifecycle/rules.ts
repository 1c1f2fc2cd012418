/**
 * Rules over the whole aggregate that the steps, the deadlines and the statistics all read: when
 * a suggestion is done, whose evaluation counts, and which answer is the one in force.
 */
import type { AnswerRow, SuggestionAggregate } from '../model.ts';

/**
 * 办结 (SPEC §3): every lead/split assignment is closed and every co-handler opinion is in.
 * Withdrawn assignments (re-assigned away) do not count either way.
 */
export function isSuggestionComplete(agg: SuggestionAggregate): boolean {
  const live = agg.assignments.filter((a) => a.state !== 'withdrawn');
  const answering = live.filter((a) => a.role !== 'co');
  if (answering.length === 0) return false;
  return (
    answering.every((a) => a.state === 'closed' || a.state === 'closed_unsatisfied') &&
    live.filter((a) => a.role === 'co').every((a) => a.state === 'opinion_submitted')
  );
}

/**
 * The deputy whose evaluation moves the assignment (CQ §26: for a joint suggestion the lead
 * deputy rates). Co-signers may evaluate too; theirs are recorded and counted in statistics.
 */
export function decidingDeputyId(agg: SuggestionAggregate): string | undefined {
  const sorted = [...agg.deputies].sort((x, y) => (x.role === y.role ? x.position - y.position : x.role === 'lead' ? -1 : 1));
  return sorted[0]?.deputyId;
}

export function latestApprovedAnswer(agg: SuggestionAggregate, assignmentId: string): AnswerRow | undefined {
  return agg.answers
    .filter((x) => x.assignmentId === assignmentId && x.status === 'approved')
    .sort((x, y) => y.round - x.round || (y.decidedAt ?? '').localeCompare(x.decidedAt ?? ''))[0];
}
