/**
 * The checks a step makes on state and input before it changes anything; each refuses with a
 * DomainError naming what was wrong.
 */
import { DomainError, refuse } from '../errors.ts';
import { STATE_LABELS, type AssignmentRow, type AssignmentState } from '../model.ts';

/** An assignment withdrawn since the card was drawn (re-assigned away) answers `stale`, not `invalid_state`. */
export function requireState(a: AssignmentRow, allowed: AssignmentState[], verbZh: string, verbEn: string): void {
  if (allowed.includes(a.state)) return;
  throw new DomainError(
    a.state === 'withdrawn' ? 'stale' : 'invalid_state',
    `当前状态（${stateLabelZh(a.state)}）不能${verbZh}`,
    `Cannot ${verbEn} in state ${a.state}`,
    { state: a.state },
  );
}

export function stateLabelZh(state: AssignmentState): string {
  return STATE_LABELS[state]?.zh_cn ?? state;
}

/** The text trimmed, or a refusal when nothing is left. */
export function requireText(value: string, zh: string, en: string): string {
  const trimmed = value.trim();
  if (!trimmed) refuse('invalid_input', zh, en);
  return trimmed;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar date written YYYY-MM-DD (2025-02-30 is not). */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
