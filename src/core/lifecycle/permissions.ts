/**
 * Permissions (SPEC §5). Each check returns the role the actor acts in, for the audit log, or
 * refuses with the step's own message. A supervisor may act on anyone's behalf, which is recorded
 * as such; the operator and the schedule act as `system:<name>`.
 */
import type { Actor, PersonActor } from '../actor.ts';
import { refuse } from '../errors.ts';
import type { SuggestionAggregate } from '../model.ts';
import { decidingDeputyId } from './rules.ts';

/** The role an actor acted in, written to the audit log. */
export type ActingRole = 'head' | 'liaison' | 'deputy' | 'supervisor' | 'supervisor_on_behalf' | `system:${string}`;

export function requireUnitStaff(actor: Actor, unitId: string, zh: string, en: string): ActingRole {
  if (actor.kind === 'system') return `system:${actor.name}`;
  if (actor.headOf.has(unitId)) return 'head';
  if (actor.liaisonOf.has(unitId)) return 'liaison';
  if (actor.isSupervisor) return 'supervisor_on_behalf';
  return refuse('forbidden', zh, en);
}

export function requireHead(actor: Actor, unitId: string, zh: string, en: string): ActingRole {
  if (actor.kind === 'system') return `system:${actor.name}`;
  if (actor.headOf.has(unitId)) return 'head';
  if (actor.isSupervisor) return 'supervisor_on_behalf';
  return refuse('forbidden', zh, en);
}

export function requireSupervisor(actor: Actor, zh: string, en: string): ActingRole {
  if (actor.kind === 'system') return `system:${actor.name}`;
  if (actor.isSupervisor) return 'supervisor';
  return refuse('forbidden', zh, en);
}

function deputyOfSuggestion(agg: SuggestionAggregate, actor: PersonActor): string | undefined {
  return agg.deputies.find((d) => actor.deputyIds.has(d.deputyId))?.deputyId;
}

export function requireDeputy(agg: SuggestionAggregate, actor: Actor, zh: string, en: string): ActingRole {
  if (actor.kind === 'system') return `system:${actor.name}`;
  if (deputyOfSuggestion(agg, actor)) return 'deputy';
  if (actor.isSupervisor) return 'supervisor_on_behalf';
  return refuse('forbidden', zh, en);
}

export function requireDeputyOrSupervisor(agg: SuggestionAggregate, actor: Actor, zh: string, en: string): ActingRole {
  if (actor.kind === 'system') return `system:${actor.name}`;
  if (deputyOfSuggestion(agg, actor)) return 'deputy';
  if (actor.isSupervisor) return 'supervisor';
  return refuse('forbidden', zh, en);
}

/** An evaluation is always in some deputy's name: a supervisor (or the operator) records the lead deputy's. */
export function requireEvaluator(agg: SuggestionAggregate, actor: Actor, zh: string, en: string): { role: ActingRole; deputyId: string } {
  const own = actor.kind === 'person' ? deputyOfSuggestion(agg, actor) : undefined;
  if (own) return { role: 'deputy', deputyId: own };
  const onBehalf = actor.kind === 'system' || actor.isSupervisor;
  const deciding = decidingDeputyId(agg);
  if (onBehalf && deciding) return { role: actor.kind === 'system' ? `system:${actor.name}` : 'supervisor_on_behalf', deputyId: deciding };
  if (onBehalf) return refuse('invalid_state', '该建议没有登记代表，无法评价', 'This suggestion has no deputy to evaluate it');
  return refuse('forbidden', zh, en);
}
