/**
 * What a card press needs besides the command it becomes (src/app/dispatch.ts): which assignment
 * a status-board form acts for, the record of a press that could not even be read, a press on a
 * card that was re-posted, and the pressed card as it is now, for Lark to show in place.
 */
import { renderPostedCard } from '../adapters/cards/posted-card.ts';
import type { LarkCard } from '../adapters/cards/render-card.ts';
import { loadAggregate } from '../adapters/sqlite/aggregate-store.ts';
import { appendAudit } from '../adapters/sqlite/audit-store.ts';
import { postedCard } from '../adapters/sqlite/card-store.ts';
import { resolveActor } from '../adapters/sqlite/directory-store.ts';
import { claimEvent } from '../adapters/sqlite/event-store.ts';
import { DomainError } from '../core/errors.ts';
import { FINISHED_STATES } from '../core/model.ts';
import type { AppContext } from './context.ts';

export type FormPurpose = 'progress' | 'opinion' | 'answer';

/**
 * Status-board forms act for the presser's own unit: the board belongs to the whole suggestion.
 * Lead and split units come first; a supervisor acting on someone's behalf acts for the first.
 */
export function assignmentForPresser(ctx: Pick<AppContext, 'db'>, suggestionId: string, operator: string, purpose: FormPurpose): string {
  const agg = loadAggregate(ctx.db, suggestionId);
  if (!agg) throw new DomainError('not_found', '找不到该建议', `Unknown suggestion: ${suggestionId}`);
  const actor = resolveActor(ctx.db, operator);
  const fits = agg.assignments
    .filter((a) => !FINISHED_STATES.has(a.state))
    .filter((a) => (purpose === 'opinion' ? a.role === 'co' : purpose === 'answer' ? a.role !== 'co' : true))
    .sort((x, y) => (x.role === 'co' ? 1 : 0) - (y.role === 'co' ? 1 : 0));
  const own = fits.filter((a) => actor.headOf.has(a.unitId) || actor.liaisonOf.has(a.unitId));
  const chosen = own[0] ?? fits[0];
  if (!chosen) {
    throw new DomainError('invalid_state', purpose === 'opinion' ? '没有待提交协办意见的协办单位' : '没有可操作的承办单位', 'No assignment of this suggestion can take this action now');
  }
  return chosen.id;
}

/**
 * A press refused before it reached dispatch — a value that is not one of ours, or a form that
 * does not read (a field over its limit, 2026-02-30, a malformed commitment line) — is still
 * written down: someone tried something, and every refusal is audited whatever raised it.
 */
export function auditUnreadablePress(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  operator: string,
  error: DomainError,
  event: { id: string; type: string },
  press?: { action: string; subjectId: string },
): void {
  const now = ctx.clock();
  ctx.db.transaction((tx) => {
    if (!claimEvent(tx, event, now)) return;
    appendAudit(tx, [
      {
        at: now.toISOString(),
        actor: operator,
        source: 'card',
        action: press?.action ?? 'card_press',
        outcome: 'refused',
        subjectType: 'command',
        subjectId: press?.subjectId ?? 'unknown',
        message: error.zh,
        details: { code: error.code, en: error.en, ...(error.details && typeof error.details === 'object' ? { about: error.details } : {}) },
      },
    ]);
  });
}

/** The card in a Lark message, rendered from the current state; undefined for a message that is not one of our cards. */
export function currentCard(ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'policy' | 'calendar'>, messageId: string): LarkCard | undefined {
  const posted = postedCard(ctx.db, messageId);
  return posted && renderPostedCard(ctx.db, posted, { now: ctx.clock(), timeZone: ctx.config.timeZone, policy: ctx.policy, calendar: ctx.calendar });
}

/**
 * A press on an earlier copy of a re-posted card (SPEC §4) does nothing: that copy no longer acts,
 * whatever its buttons say (its update to the buttonless notice may not have reached the presser
 * yet). The refusal, for a toast; undefined when the card is current.
 */
export function supersededCardRefusal(ctx: Pick<AppContext, 'db'>, messageId: string): DomainError | undefined {
  const posted = postedCard(ctx.db, messageId);
  if (!posted?.supersededBy) return undefined;
  return new DomainError(
    'stale',
    '此卡片已更新，请在本群最新的卡片上操作',
    'This card was posted again: please use the latest card in this group',
  );
}
