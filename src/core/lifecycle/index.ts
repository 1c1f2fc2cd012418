/** The lifecycle of SPEC §3: `decide` and what its callers name. The steps stay inside. */
export { decide } from './decide.ts';
export { READ_ONLY_COMMANDS, changesAggregate, type AuditDraft, type Command, type CommandType, type DecideContext, type DeliveredAnswer, type Decision } from './commands.ts';
export { decidingDeputyId, isSuggestionComplete, latestApprovedAnswer } from './rules.ts';
export { isIsoDate } from './checks.ts';
export { requireSupervisor } from './permissions.ts';
export { newCommitment } from './answer-steps.ts';
export { FORM_FIELD_LIMITS, MAX_COMMITMENTS, COMMITMENT_HORIZON_YEARS, requireWithinLimit, type FormFieldName } from './field-limits.ts';
export { EXTENSIBLE_STATES } from './supervision-steps.ts';
