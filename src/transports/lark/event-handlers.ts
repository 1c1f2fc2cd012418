/**
 * What duban does with each verified Lark event (SPEC §5, §6). Only database work happens here;
 * anything that calls Lark is queued in the outbox in the same transaction, so the answer to Lark
 * is quick and a redelivered event has its effect once.
 *
 * - `im.message.receive_v1`: every message in a group is stored; `@bot 进度` / `/status` posts the
 *   status board again, `@bot 帮助` / `/help` answers with the commands. The bot's own messages
 *   (and other apps') are ignored.
 * - `card.action.trigger`: a press becomes a lifecycle command through dispatch; the answer is a
 *   toast saying what happened or why not, and the pressed card as it is now.
 */
import { eq } from 'drizzle-orm';
import type { WorkingDayCalendar } from '../../core/calendar/working-day-calendar.ts';
import type { ActionValue, CardKind } from '../../adapters/cards/card-model.ts';
import { renderCard } from '../../adapters/cards/render-card.ts';
import type { Clock } from '../../core/clock.ts';
import { DomainError } from '../../core/errors.ts';
import { FINISHED_STATES } from '../../core/model.ts';
import type { Policy } from '../../core/deadlines/policy.ts';
import type { Db } from '../../runtimes/node/open-database.ts';
import * as schema from '../../adapters/sqlite/schema.ts';
import { buildCardModel } from '../../adapters/cards/card-views.ts';
import { enqueue } from '../../adapters/sqlite/outbox-store.ts';
import { writeEffects } from '../../adapters/sqlite/write-effects.ts';
import type { Logger } from '../../app/logger.ts';
import { dispatch } from '../../app/dispatch.ts';
import { loadAggregate } from '../../adapters/sqlite/aggregate-store.ts';
import { appendAudit } from '../../adapters/sqlite/audit-store.ts';
import { suggestionOfChat } from '../../adapters/sqlite/chat-store.ts';
import { resolveActor } from '../../adapters/sqlite/directory-store.ts';
import { claimEvent, DuplicateEvent } from '../../adapters/sqlite/event-store.ts';
import { createMessageStore } from '../../adapters/sqlite/message-store.ts';
import { commandOfPress, parseActionValue } from './card-action-command.ts';
import type { LarkEnvelope } from './webhook.ts';

export interface EventHandlerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  policy: Policy;
  calendar: WorkingDayCalendar;
  timeZone: string;
  supervisorChatId?: string | undefined;
  /** Called after a transaction queued Lark calls, so the outbox delivers them soon. */
  onQueued(): void;
}

export const HELP_TEXT = [
  'duban 督办 — 可用命令 Commands:',
  '@督办 进度 或 /status — 重新发送状态看板 (post the status board again)',
  '@督办 帮助 或 /help — 显示本说明 (show this help)',
  '办理操作请使用卡片上的按钮 (use the buttons on the cards to sign for, report, answer and evaluate).',
].join('\n');

const SUCCESS: Record<ActionValue['a'], [string, string]> = {
  sign: ['已签收', 'Signed for'],
  request_reassign: ['已提交改办申请，待督办人员审批', 'Re-assignment requested; a supervisor will decide'],
  approve_reassign: ['已同意改办', 'Re-assignment approved'],
  reject_reassign: ['已不同意改办', 'Re-assignment refused'],
  report_progress: ['进展已记录', 'Progress recorded'],
  record_contact: ['沟通记录已登记，待代表确认', 'Contact recorded; the deputy will confirm it'],
  submit_opinion: ['协办意见已提交', 'Co-handler opinion submitted'],
  submit_answer: ['答复已提交，待单位负责人审核', 'Answer submitted for the head’s approval'],
  confirm_contact: ['已确认沟通记录属实', 'Contact record confirmed'],
  approve_answer: ['答复已审核通过', 'Answer approved'],
  return_answer: ['答复已退回修改', 'Answer returned for revision'],
  evaluate_satisfied: ['评价已提交：满意', 'Evaluation recorded: satisfied'],
  evaluate_basically_satisfied: ['评价已提交：基本满意', 'Evaluation recorded: basically satisfied'],
  evaluate_unsatisfied: ['评价已提交：不满意', 'Evaluation recorded: unsatisfied'],
  confirm_commitments: ['承诺事项已确认', 'Commitments confirmed'],
  claim_commitment_done: ['已标记完成，待代表确认', 'Marked done; waiting for confirmation'],
  confirm_commitment_done: ['已确认完成', 'Completion confirmed'],
  show_commitment: ['承诺卡片已发送到群内，请在卡片中填写完成情况', 'The commitment card is posted; fill in the evidence there'],
};

const toast = (type: 'success' | 'error' | 'info' | 'warning', zh: string, en: string) => ({ type, content: zh, i18n: { zh_cn: zh, en_us: en } });

interface MessageEvent {
  sender?: { sender_id?: { open_id?: string }; sender_type?: string };
  message?: {
    message_id?: string;
    root_id?: string;
    parent_id?: string;
    thread_id?: string;
    chat_id?: string;
    create_time?: string;
    message_type?: string;
    content?: string;
    mentions?: Array<{ key?: string }>;
  };
}

interface CardActionEvent {
  operator?: { open_id?: string };
  action?: { value?: unknown; form_value?: Record<string, unknown>; name?: string };
  context?: { open_message_id?: string; open_chat_id?: string };
}

export function createEventHandlers(deps: EventHandlerDeps) {
  const { db, logger } = deps;
  const messages = createMessageStore(db);

  async function handleMessage(envelope: LarkEnvelope): Promise<unknown> {
    const ev = envelope.event as MessageEvent;
    const m = ev.message;
    if (ev.sender?.sender_type !== 'user') return {}; // the bot's own messages, and other apps'
    if (!m?.message_id || !m.chat_id || typeof m.content !== 'string') {
      logger.warn({ eventId: envelope.header.event_id }, 'message event without message_id, chat_id or content: ignored');
      return {};
    }
    const text = messageText(m.message_type ?? '', m.content);
    const command = textCommand(text, (m.mentions ?? []).length > 0);
    const now = deps.clock();
    let queued = false;
    await messages.record(
      {
        messageId: m.message_id,
        chatId: m.chat_id,
        senderOpenId: ev.sender?.sender_id?.open_id ?? null,
        msgType: m.message_type ?? 'unknown',
        text,
        content: m.content,
        rootId: m.root_id ?? null,
        parentId: m.parent_id ?? null,
        threadId: m.thread_id ?? null,
        sentAt: larkTime(m.create_time, now),
      },
      now,
      // Runs inside the same transaction: the answer is queued exactly when the message is stored.
      command &&
        ((suggestionId) => {
          if (command === 'status') {
            const agg = loadAggregate(db, suggestionId)!;
            writeEffects(db, agg, [{ type: 'post_card', card: { kind: 'status_board', subjectId: suggestionId } }], { now });
          } else {
            enqueue(db, suggestionId, { kind: 'send_text', text: HELP_TEXT, replyToMessageId: m.message_id! }, now);
          }
          queued = true;
        }),
    );
    if (queued) deps.onQueued();
    return {};
  }

  function handleCardAction(envelope: LarkEnvelope): unknown {
    const ev = envelope.event as CardActionEvent;
    const operator = ev.operator?.open_id;
    const messageId = ev.context?.open_message_id;
    const chatId = ev.context?.open_chat_id;
    const event = { id: envelope.header.event_id, type: envelope.header.event_type };
    if (!operator || !chatId) return { toast: toast('error', '无法识别操作人或群', 'The presser or the chat is missing') };
    let value: ActionValue | undefined;
    try {
      value = parseActionValue(ev.action?.value);
      const command = commandOfPress(value, ev.action?.form_value ?? {}, (suggestionId, purpose) => assignmentFor(suggestionId, operator, purpose));
      if (command.type === 'show_commitment') showCommitment(command.commitmentId, operator, chatId, event);
      else dispatch({ db, clock: deps.clock, timeZone: deps.timeZone, supervisorChatId: deps.supervisorChatId, deadlines: { policy: deps.policy, calendar: deps.calendar, timeZone: deps.timeZone } }, { command, actor: operator, source: 'card', event, chatId });
      deps.onQueued();
      const [zh, en] = SUCCESS[value.a];
      return { toast: toast('success', zh, en), ...currentCard(messageId) };
    } catch (error) {
      if (error instanceof DuplicateEvent) return { toast: toast('info', '该操作已处理', 'This press was already handled'), ...currentCard(messageId) };
      if (!(error instanceof DomainError)) throw error;
      if (value === undefined) auditForgedPress(operator, error, event);
      logger.info({ eventId: event.id, operator, action: value?.a, code: error.code, reason: error.en }, 'card press refused');
      // A refused press answers why, and shows the card as it is now (it may be stale).
      return { toast: toast(error.code === 'forbidden' ? 'error' : 'warning', error.zh, error.en), ...currentCard(messageId) };
    }
  }

  /** Status-board forms act for the presser's own unit; a supervisor acts for the lead unit. */
  function assignmentFor(suggestionId: string, operator: string, purpose: 'progress' | 'opinion' | 'answer'): string {
    const agg = loadAggregate(db, suggestionId);
    if (!agg) throw new DomainError('not_found', '找不到该建议', `Unknown suggestion: ${suggestionId}`);
    const actor = resolveActor(db, operator);
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

  /** The board's 已完成 button: re-posts the commitment card, which carries the evidence form. */
  function showCommitment(commitmentId: string, operator: string, chatId: string, event: { id: string; type: string }) {
    const now = deps.clock();
    const commitment = db.select().from(schema.commitments).where(eq(schema.commitments.id, commitmentId)).get();
    if (!commitment) throw new DomainError('not_found', '找不到该承诺事项', `Unknown commitment: ${commitmentId}`);
    const assignment = db.select().from(schema.assignments).where(eq(schema.assignments.id, commitment.assignmentId)).get()!;
    const actor = resolveActor(db, operator);
    const refusal =
      suggestionOfChat(db, chatId) !== commitment.suggestionId
        ? new DomainError('forbidden', '这张卡片不属于本群', 'This card does not belong to this group')
        : !(actor.headOf.has(assignment.unitId) || actor.liaisonOf.has(assignment.unitId) || actor.isSupervisor)
          ? new DomainError('forbidden', '仅承办单位联络员或负责人可标记承诺完成', "Only the handling unit's liaison or head may mark a commitment done")
          : commitment.state !== 'confirmed'
            ? new DomainError('invalid_state', '该承诺当前不能标记完成', 'This commitment cannot be marked done now')
            : undefined;
    db.transaction((tx) => {
      if (!claimEvent(tx, event, now)) throw new DuplicateEvent(event.id);
      appendAudit(tx, [
        {
          at: now.toISOString(),
          actor: operator,
          source: 'card',
          action: 'show_commitment',
          outcome: refusal ? 'refused' : 'ok',
          suggestionId: commitment.suggestionId,
          subjectType: 'commitment',
          subjectId: commitment.id,
          message: refusal?.zh ?? '重新发送承诺卡片',
        },
      ]);
      if (!refusal) {
        const agg = loadAggregate(tx, commitment.suggestionId)!;
        writeEffects(tx, agg, [{ type: 'post_card', card: { kind: 'commitment', subjectId: commitment.id } }], { now });
      }
    });
    if (refusal) throw refusal;
  }

  /** A press whose value is not one of ours is still written down: someone tried something. */
  function auditForgedPress(operator: string, error: DomainError, event: { id: string; type: string }) {
    db.transaction((tx) => {
      if (!claimEvent(tx, event, deps.clock())) return;
      appendAudit(tx, [
        {
          at: deps.clock().toISOString(),
          actor: operator,
          source: 'card',
          action: 'card_press',
          outcome: 'refused',
          subjectType: 'command',
          subjectId: 'unknown',
          message: error.zh,
          details: { code: error.code, en: error.en },
        },
      ]);
    });
  }

  /** The pressed card rendered from the current state, for Lark to show in place. */
  function currentCard(messageId: string | undefined): { card?: { type: 'raw'; data: unknown } } {
    if (!messageId) return {};
    const posted = db.select().from(schema.cardMessages).where(eq(schema.cardMessages.messageId, messageId)).get();
    if (!posted?.suggestionId) return {};
    const agg = loadAggregate(db, posted.suggestionId);
    const model =
      agg &&
      buildCardModel(db, agg, { kind: posted.kind as CardKind, subjectId: posted.subjectId }, { now: deps.clock(), timeZone: deps.timeZone, policy: deps.policy, calendar: deps.calendar });
    return model ? { card: { type: 'raw', data: renderCard(model) } } : {};
  }

  return {
    handle(envelope: LarkEnvelope): unknown {
      switch (envelope.header.event_type) {
        case 'im.message.receive_v1':
          return handleMessage(envelope);
        case 'card.action.trigger':
          return handleCardAction(envelope);
        default:
          // Subscribed but unused events are acknowledged, so Lark does not retry them.
          logger.debug({ eventId: envelope.header.event_id, type: envelope.header.event_type }, 'event ignored');
          return {};
      }
    },
  };
}

/** The plain text of a message; mentions (`@_user_1`) are left in place, commands strip them. */
export function messageText(messageType: string, content: string): string {
  try {
    const parsed = JSON.parse(content) as Record<string, unknown>;
    if (messageType === 'text') return String(parsed.text ?? '');
    if (messageType === 'post') {
      const post = (parsed.content ? parsed : (Object.values(parsed)[0] ?? {})) as { title?: string; content?: Array<Array<{ text?: string }>> };
      return [post.title ?? '', ...(post.content ?? []).map((line) => line.map((el) => el.text ?? '').join(''))].filter(Boolean).join('\n');
    }
  } catch {
    // Not JSON: keep nothing but the raw content, which is stored anyway.
  }
  return '';
}

/** `@bot 进度` / `/status` and `@bot 帮助` / `/help`. Chinese words need the @, slash commands do not. */
export function textCommand(text: string, mentioned: boolean): 'status' | 'help' | undefined {
  const bare = text.replace(/@_user_\d+/g, '').trim().toLowerCase();
  if (bare === '/status' || (mentioned && bare === '进度')) return 'status';
  if (bare === '/help' || (mentioned && bare === '帮助')) return 'help';
  return undefined;
}

function larkTime(ms: string | undefined, fallback: Date): string {
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : fallback.toISOString();
}
