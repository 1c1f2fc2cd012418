/**
 * What duban does with each verified Lark event (SPEC §5, §6). Only database work happens here;
 * anything that calls Lark is queued in the outbox in the same transaction, so the answer to Lark
 * is quick and a redelivered event has its effect once.
 *
 * - `im.message.receive_v1`: every message is stored; in the bot's private chat (`chat_type`
 *   p2p) `我的待办` / `/todo` and `我的建议` / `/mine` answer with the sender's lists; in a group
 *   `@bot 进度` / `/status` posts the status board again, `@bot 帮助` / `/help` answers with the
 *   commands, `@bot 查 <words>` / `/search <words>` with the 查询结果 card of the knowledge base. The bot's own messages
 *   (and other apps') are ignored.
 * - `im.message.recalled_v1`: the stored message is marked recalled (when, by whom); its text stays.
 * - `card.action.trigger`: a press becomes a lifecycle command through dispatch; the answer is a
 *   toast saying what happened or why not, and the pressed card as it is now.
 * - the bot removed from a group, the group disbanded, the bot added back: chat-events.ts.
 */
import type { z } from 'zod';
import type { ActionValue } from '../../adapters/cards/card-model.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { MessageRecorder } from '../../adapters/sqlite/message-store.ts';
import { assignmentForPresser, auditUnreadablePress, currentCard, supersededCardRefusal } from '../../app/card-presses.ts';
import type { AppContext } from '../../app/context.ts';
import { dispatch, dispatchDeps, DuplicateEvent } from '../../app/dispatch.ts';
import { recordGroupMessage, recordRecall, type TextCommand } from '../../app/group-messages.ts';
import { recordRefusedEvent } from '../../app/refused-events.ts';
import { personalCommand, recordPrivateMessage } from '../../app/personal-lists.ts';
import { DomainError } from '../../core/errors.ts';
import { commandOfPress, parseActionValue } from './card-action-command.ts';
import { chatEventHandlers } from './chat-events.ts';
import { cardActionEventSchema, recallEventSchema, firstIssue, messageEventSchema } from './event-schemas.ts';
import type { LarkEnvelope } from './webhook.ts';

export interface EventHandlerDeps {
  context: AppContext;
  /** How messages are committed: the runtime's choice (group commit on Node). */
  messages: MessageRecorder;
  /** Called after a transaction queued Lark calls, so the outbox delivers them soon. */
  onQueued(): void;
}

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
  nudge: ['已催办，已通知承办单位', 'Urged; the units were told'],
  request_extension: ['已提交延期申请，待督办人员审批', 'Extension requested; a supervisor will decide'],
  withdraw: ['本建议已撤回', 'The suggestion was withdrawn'],
  approve_extension: ['已同意延期', 'Extension granted'],
  reject_extension: ['已不同意延期', 'Extension refused'],
  approve_review: ['答复已复核通过，已送代表评价', 'Review passed; the answer was sent to the deputies'],
  return_review: ['答复已退回重办', 'Answer returned for re-handling'],
  dispute_contact: ['已标记该沟通记录不属实', 'Contact record disputed'],
  record_coordination: ['协调结果已登记', 'Coordination recorded'],
  submit_quality_review: ['质量评审已提交', 'Quality review submitted'],
  evaluate_co_opinion: ['协办意见评价已提交', 'Co-handler opinion evaluated'],
  report_commitment_progress: ['承诺进展已记录', 'Commitment progress recorded'],
  evaluate_commitment_satisfied: ['兑现评价已提交：满意', 'Second evaluation recorded: satisfied'],
  evaluate_commitment_basically_satisfied: ['兑现评价已提交：基本满意', 'Second evaluation recorded: basically satisfied'],
  evaluate_commitment_unsatisfied: ['兑现评价已提交：不满意', 'Second evaluation recorded: unsatisfied'],
};

const toast = (type: 'success' | 'error' | 'info' | 'warning', zh: string, en: string) => ({ type, content: zh, i18n: { zh_cn: zh, en_us: en } });

export function createEventHandlers(deps: EventHandlerDeps) {
  const ctx = deps.context;
  const logger: Logger = ctx.logger;

  /**
   * The event's body checked against its schema; undefined (recorded as refused, and logged) when
   * it does not fit, so a handler never reads a field of the wrong type.
   */
  function readBody<T>(envelope: LarkEnvelope, schema: z.ZodType<T>, actorOf?: (event: Record<string, unknown>) => unknown): T | undefined {
    const parsed = schema.safeParse(envelope.event);
    if (parsed.success) return parsed.data;
    const reason = firstIssue(parsed.error);
    const actor = actorOf?.(envelope.event);
    const event = { id: envelope.header.event_id, type: envelope.header.event_type };
    logger.warn({ eventId: event.id, type: event.type, reason }, 'lark event refused: it does not fit its schema');
    recordRefusedEvent(ctx, { ...event, reason, actor: typeof actor === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(actor) ? actor : undefined });
    return undefined;
  }

  async function handleMessage(envelope: LarkEnvelope): Promise<unknown> {
    const ev = readBody(envelope, messageEventSchema);
    if (!ev) return {};
    const m = ev.message;
    if (ev.sender.sender_type !== 'user') return {}; // the bot's own messages, and other apps'
    const text = messageText(m.message_type, m.content);
    const message = {
      messageId: m.message_id,
      chatId: m.chat_id,
      senderOpenId: ev.sender.sender_id?.open_id ?? null,
      msgType: m.message_type,
      text,
      content: m.content,
      rootId: m.root_id ?? null,
      parentId: m.parent_id ?? null,
      threadId: m.thread_id ?? null,
      sentAt: larkTime(m.create_time, ctx.clock()),
    };
    // The bot's private chat: 我的待办 / 我的建议 (SPEC §5), answered to the sender alone.
    const { queued } =
      m.chat_type === 'p2p'
        ? await recordPrivateMessage(ctx, deps.messages, message, personalCommand(text))
        : await recordGroupMessage(ctx, deps.messages, message, textCommand(text, (m.mentions ?? []).length > 0));
    if (queued) deps.onQueued();
    return {};
  }

  function handleRecall(envelope: LarkEnvelope): unknown {
    const ev = readBody(envelope, recallEventSchema);
    if (!ev) return {};
    const outcome = recordRecall(ctx, {
      messageId: ev.message_id,
      recalledAt: larkTime(ev.recall_time, ctx.clock()),
      recallType: ev.recall_type ?? null,
    });
    logger.info({ eventId: envelope.header.event_id, messageId: ev.message_id, outcome }, 'message recalled');
    return {};
  }

  function handleCardAction(envelope: LarkEnvelope): unknown {
    const ev = readBody(envelope, cardActionEventSchema, (body) => (body.operator as { open_id?: unknown } | undefined)?.open_id);
    if (!ev) return { toast: toast('error', '无法识别的操作，已拒收', 'This press could not be read and was refused') };
    const operator = ev.operator.open_id;
    const messageId = ev.context.open_message_id;
    const chatId = ev.context.open_chat_id;
    const event = { id: envelope.header.event_id, type: envelope.header.event_type };
    // The pressed card as it is now, for Lark to show in place (it may be stale).
    const card = () => {
      const current = messageId ? currentCard(ctx, messageId) : undefined;
      return current ? { card: { type: 'raw' as const, data: current } } : {};
    };
    // A re-posted card's earlier copy acts no more (SPEC §4): say where the current one is.
    const superseded = messageId ? supersededCardRefusal(ctx, messageId) : undefined;
    if (superseded) {
      logger.info({ eventId: event.id, operator, messageId, reason: superseded.en }, 'card press refused: the card was re-posted');
      return { toast: toast('warning', superseded.zh, superseded.en), ...card() };
    }
    let value: ActionValue | undefined;
    let dispatched = false;
    try {
      value = parseActionValue(ev.action.value);
      const command = commandOfPress(value, ev.action.form_value ?? {}, (suggestionId, purpose) => assignmentForPresser(ctx, suggestionId, operator, purpose));
      dispatched = true; // from here on, dispatch audits its own refusals
      dispatch(dispatchDeps(ctx), { command, actor: operator, source: 'card', event, chatId });
      deps.onQueued();
      const [zh, en] = SUCCESS[value.a];
      return { toast: toast('success', zh, en), ...card() };
    } catch (error) {
      if (error instanceof DuplicateEvent) return { toast: toast('info', '该操作已处理', 'This press was already handled'), ...card() };
      if (!(error instanceof DomainError)) throw error;
      if (!dispatched) auditUnreadablePress(ctx, operator, error, event, value && { action: value.a, subjectId: value.id });
      logger.info({ eventId: event.id, operator, action: value?.a, code: error.code, reason: error.en }, 'card press refused');
      return { toast: toast(error.code === 'forbidden' ? 'error' : 'warning', error.zh, error.en), ...card() };
    }
  }

  /** What each event type does; one entry per type (a Map: an event type is never a prototype key). */
  const handlers = new Map<string, (envelope: LarkEnvelope) => unknown>(
    Object.entries({
      'im.message.receive_v1': handleMessage,
      'card.action.trigger': handleCardAction,
      'im.message.recalled_v1': handleRecall,
      ...chatEventHandlers(ctx, deps.onQueued, readBody),
    }),
  );

  return {
    handle(envelope: LarkEnvelope): unknown {
      const handler = handlers.get(envelope.header.event_type);
      if (handler) return handler(envelope);
      // Subscribed but unused events are acknowledged, so Lark does not retry them.
      logger.debug({ eventId: envelope.header.event_id, type: envelope.header.event_type }, 'event ignored');
      return {};
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

/**
 * `@bot 进度` / `/status`, `@bot 帮助` / `/help` and `@bot 查 <words>` / `/search <words>`.
 * Chinese words need the @, slash commands do not.
 */
export function textCommand(text: string, mentioned: boolean): TextCommand | undefined {
  const plain = text.replace(/@_user_\d+/g, '').trim();
  const bare = plain.toLowerCase();
  if (bare === '/status' || (mentioned && bare === '进度')) return 'status';
  if (bare === '/help' || (mentioned && bare === '帮助')) return 'help';
  const search = /^\/search(?:\s+([\s\S]*))?$/i.exec(plain) ?? (mentioned ? /^查(?:[\s\u3000]+([\s\S]*))?$/.exec(plain) : null);
  if (search) return { search: (search[1] ?? '').trim() };
  return undefined;
}

function larkTime(ms: string | undefined, fallback: Date): string {
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : fallback.toISOString();
}
