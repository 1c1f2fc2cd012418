/**
 * The contract between `decide` and its steps. A step handles one command type: it checks
 * permissions, state and input in a fixed order (the first failure is the refusal the person
 * sees), then changes `next` and appends its audit entries. It refuses before it changes anything;
 * `next` is a copy besides, so the caller's aggregate stays as it was either way.
 */
import type { Actor } from '../actor.ts';
import type { SuggestionAggregate } from '../model.ts';
import type { AuditDraft, CommandOf, CommandType, DecideContext } from './commands.ts';

export interface StepContext {
  /** A copy of the aggregate the step may change; it becomes the decision's `next`. */
  next: SuggestionAggregate;
  audit: AuditDraft[];
  actor: Actor;
  /** Who acted, as recorded in the rows (an open_id, or `system:<name>`). */
  actorId: string;
  /** `ctx.now` as an ISO instant, the time written to every row the step touches. */
  nowIso: string;
  ctx: DecideContext;
}

export type Step<K extends CommandType> = (command: CommandOf<K>, context: StepContext) => void;

/** One step for every command type: a command without a step does not compile. */
export type StepTable = { readonly [K in CommandType]: Step<K> };

export function auditEntry(
  action: AuditDraft['action'],
  actorRole: string,
  subjectType: AuditDraft['subjectType'],
  subjectId: string,
  beforeState: string | null,
  afterState: string | null,
  message: string,
  details?: unknown,
): AuditDraft {
  return { action, actorRole, subjectType, subjectId, beforeState, afterState, message, details };
}
