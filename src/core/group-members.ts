/**
 * Who belongs in a suggestion's group (SPEC §1, §6 "groups follow the people"), as one rule: the
 * suggestion's deputies, the heads and liaisons of its live units (every assignment but a
 * withdrawn one), the supervisors, and the leader in charge when 督办领导 names a directory leader
 * or a Lark open_id (src/core/leaders.ts).
 * The group is created with these people; every later change is a diff of this rule before and
 * after (a re-assignment, a re-import that changes the deputies, a directory change), so a person
 * who left the group by hand is not added back unless what makes them a member changes again.
 */
import { leaderInCharge, type Leader } from './leaders.ts';
import { TRACKED_COMMITMENT_STATES, type AssignmentRow, type CommitmentState, type SuggestionDeputy, type SuggestionRow } from './model.ts';

/** What the rule reads of a suggestion: a SuggestionAggregate is one. */
export interface GroupPeople {
  suggestion: Pick<SuggestionRow, 'status' | 'keyLeader'>;
  deputies: ReadonlyArray<Pick<SuggestionDeputy, 'deputyId' | 'openId'>>;
  assignments: ReadonlyArray<Pick<AssignmentRow, 'unitId' | 'state'>>;
  commitments: ReadonlyArray<{ state: CommitmentState }>;
}

/** What the rule reads of the directory (SPEC §8). */
export interface DirectoryFacts {
  /** Each unit's head and liaisons, by open_id. */
  unitStaff: ReadonlyMap<string, { head: readonly string[]; liaisons: readonly string[] }>;
  supervisors: readonly string[];
  /** Each directory deputy's open_id (a deputy's open_id may be corrected in the directory). */
  deputyOpenIds: ReadonlyMap<string, string>;
  /** The directory's leaders by id (a leader's open_id may be corrected in the directory). */
  leaders: ReadonlyMap<string, Leader>;
}

export interface MemberChanges {
  add: string[];
  remove: string[];
}


/**
 * The open_ids that belong in the group, each once, in the order people see in the member list:
 * deputies (the lead first), heads, liaisons, supervisors, the leader.
 */
export function groupMembers(people: GroupPeople, directory: DirectoryFacts): string[] {
  const liveUnits = [...new Set(people.assignments.filter((a) => a.state !== 'withdrawn').map((a) => a.unitId))];
  const staff = liveUnits.map((unitId) => directory.unitStaff.get(unitId) ?? { head: [], liaisons: [] });
  const leader = leaderInCharge(people.suggestion.keyLeader, directory.leaders)?.openId;
  return [
    ...new Set([
      ...people.deputies.map((d) => directory.deputyOpenIds.get(d.deputyId) ?? d.openId),
      ...staff.flatMap((s) => s.head),
      ...staff.flatMap((s) => s.liaisons),
      ...directory.supervisors,
      ...(leader ? [leader] : []),
    ]),
  ];
}

/** Who joins and who leaves when the wanted members go from `before` to `after`. */
export function memberChanges(before: readonly string[], after: readonly string[]): MemberChanges {
  const was = new Set(before);
  const is = new Set(after);
  return { add: after.filter((id) => !was.has(id)), remove: before.filter((id) => !is.has(id)) };
}

/**
 * Whether the group still follows the people: while the suggestion is open, and after closing
 * while a commitment is still tracked (its unit marks it done, a deputy confirms it). A withdrawn
 * suggestion's group, or a closed one with nothing left to do, is kept as it is: a record.
 */
export function groupFollowsPeople(people: Pick<GroupPeople, 'suggestion' | 'commitments'>): boolean {
  if (people.suggestion.status === 'open') return true;
  return people.suggestion.status === 'closed' && people.commitments.some((c) => TRACKED_COMMITMENT_STATES.has(c.state));
}
