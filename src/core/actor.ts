/**
 * Who is acting, and in which capacities. Transports identify a person by Lark open_id; the
 * store resolves that against the directory into an `Actor` before the domain decides.
 */
/** `lark`: what Lark itself reported (an event such as the bot removed from a group, or its answer to a call). */
export type ActionSource = 'card' | 'text' | 'admin_api' | 'cli' | 'schedule' | 'lark';

export interface PersonActor {
  kind: 'person';
  openId: string;
  isSupervisor: boolean;
  headOf: ReadonlySet<string>;
  liaisonOf: ReadonlySet<string>;
  /** Directory deputy ids that carry this open_id (normally one). */
  deputyIds: ReadonlySet<string>;
}

/** The operator acting through the admin API or the CLI, or the schedule. */
export interface SystemActor {
  kind: 'system';
  name: 'admin' | 'cli' | 'schedule';
}

export type Actor = PersonActor | SystemActor;

export const actorLabel = (actor: Actor): string => (actor.kind === 'person' ? actor.openId : `system:${actor.name}`);

export const systemActor = (name: SystemActor['name']): SystemActor => ({ kind: 'system', name });
