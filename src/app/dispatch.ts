/**
 * The one entry point for every lifecycle command, whatever the transport (card, text command,
 * admin API, CLI): resolve who acts, load the suggestion, let the domain decide, then save the
 * change, its audit entries and the Lark calls it causes (outbox) in one transaction. A refusal is audited on its own and rethrown
 * to the transport, which turns it into a toast or an HTTP error.
 */
import type { ActionSource, Actor } from '../core/actor.ts';
import { actorLabel } from '../core/actor.ts';
import type { Clock } from '../core/clock.ts';
import { DomainError } from '../core/errors.ts';
import type { NewId } from '../core/ids.ts';
import type { AuditDraft, Command } from '../core/lifecycle/index.ts';
import type { SuggestionAggregate } from '../core/model.ts';
import type { SqliteDb } from '../adapters/sqlite/db.ts';
import { loadAggregate, suggestionIdOf } from '../adapters/sqlite/aggregate-store.ts';
import { appendAudit } from '../adapters/sqlite/audit-store.ts';
import { claimEvent } from '../adapters/sqlite/event-store.ts';
import { chatOfSuggestion } from '../adapters/sqlite/chat-store.ts';
import { resolveActor } from '../adapters/sqlite/directory-store.ts';
import { applyDecision } from './apply-decision.ts';
import { deliverMergedAnswers } from './merges.ts';
import type { AppContext } from './context.ts';
import { deadlineContext } from './context.ts';
import type { DeadlineContext } from '../core/deadlines/deadlines.ts';
import { defaultDeadlineContext } from '../adapters/sqlite/deadline-index.ts';

/** The Lark event that carried a command was handled before: a redelivery has its effect once. */
export class DuplicateEvent extends Error {
  constructor(readonly eventId: string) {
    super(`event ${eventId} was already handled`);
    this.name = 'DuplicateEvent';
  }
}

export interface DispatchDeps {
  db: SqliteDb;
  clock: Clock;
  timeZone: string;
  newId?: NewId;
  /** Where escalations go besides the suggestion's own group (DUBAN_SUPERVISOR_CHAT_ID). */
  supervisorChatId?: string | undefined;
  /** Policy and calendar, for the deadline index and extensions; the built-in default if absent. */
  deadlines?: DeadlineContext | undefined;
}

export interface DispatchRequest {
  command: Command;
  /** A Lark open_id, or a system actor (admin API, CLI, schedule). */
  actor: string | Extract<Actor, { kind: 'system' }>;
  source: ActionSource;
  /** The Lark event that carried the command: claimed in the same transaction, so it acts once. */
  event?: { id: string; type: string } | undefined;
  /** For card presses: the chat the pressed card is in, which must be the suggestion's own group. */
  chatId?: string | undefined;
}

/** Commands whose cards are posted in the supervisors' group rather than the suggestion's. */
const SUPERVISOR_GROUP_COMMANDS: ReadonlySet<Command['type']> = new Set(['record_coordination', 'submit_quality_review']);

export interface DispatchResult {
  aggregate: SuggestionAggregate;
  audit: AuditDraft[];
}

export function dispatch(deps: DispatchDeps, request: DispatchRequest): DispatchResult {
  const { db } = deps;
  const deadlines = deps.deadlines ?? defaultDeadlineContext();
  const now = deps.clock();
  const at = now.toISOString();
  const actor: Actor = typeof request.actor === 'string' ? resolveActor(db, request.actor) : request.actor;
  const suggestionId = suggestionIdOf(db, request.command);
  try {
    return db.transaction(
      (tx) => {
        if (request.event && !claimEvent(tx, request.event, now)) throw new DuplicateEvent(request.event.id);
        const current = suggestionId ? loadAggregate(tx, suggestionId) : undefined;
        if (!current) {
          throw new DomainError('not_found', '找不到该建议或记录', `Unknown suggestion or record for ${request.command.type}`);
        }
        // A card acts in its suggestion's own group; the supervisors' cards (协调处理) in theirs.
        const inSupervisorsGroup = request.chatId !== undefined && request.chatId === deps.supervisorChatId && SUPERVISOR_GROUP_COMMANDS.has(request.command.type);
        if (request.chatId !== undefined && !inSupervisorsGroup && chatOfSuggestion(tx, current.suggestion.id) !== request.chatId) {
          throw new DomainError('forbidden', '这张卡片不属于本群', 'This card does not belong to this group');
        }
        const applyDeps = { now, timeZone: deps.timeZone, deadlines, newId: deps.newId, supervisorChatId: deps.supervisorChatId };
        const { next, audit } = applyDecision(tx, applyDeps, current, request.command, actor, request.source);
        // 并案: the lead suggestion's approved answer reaches every merged suggestion in this transaction.
        deliverMergedAnswers(tx, applyDeps, next, audit, request.source);
        return { aggregate: next, audit };
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    if (error instanceof DomainError) {
      db.transaction((tx) => {
        if (request.event) claimEvent(tx, request.event, now);
        appendAudit(tx, [
          {
            at,
            actor: actorLabel(actor),
            source: request.source,
            action: request.command.type,
            outcome: 'refused',
            suggestionId: suggestionId ?? null,
            subjectType: 'command',
            subjectId: commandSubject(request.command),
            message: error.zh,
            details: { code: error.code, en: error.en },
          },
        ]);
        // Immediate: the audit chain reads its last row before writing (audit-chain.ts).
      }, { behavior: 'immediate' });
    }
    throw error;
  }
}

function commandSubject(command: Command): string {
  const c = command as Record<string, unknown>;
  return String(c.assignmentId ?? c.answerId ?? c.contactId ?? c.commitmentId ?? c.extensionRequestId ?? c.opinionId ?? c.suggestionId ?? command.type);
}

/** The dispatch dependencies of an application context. */
export function dispatchDeps(ctx: AppContext): DispatchDeps {
  return {
    db: ctx.db,
    clock: ctx.clock,
    timeZone: ctx.config.timeZone,
    supervisorChatId: ctx.config.supervisorChatId,
    deadlines: deadlineContext(ctx),
  };
}
