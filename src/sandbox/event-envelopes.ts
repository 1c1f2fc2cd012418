/**
 * The events Lark pushes to the bot (API.md §1–3), built exactly as documented: a person's
 * message (`im.message.receive_v1`), a card press or form submit (`card.action.trigger`), and
 * what people do to a chat (the chat events: the bot removed or added, the chat disbanded, a
 * member gone). Plain data; event-sender.ts seals and delivers them.
 */
import { newCardToken, unionIdFor } from './ids.ts';

/** Who the events come from, as every envelope's header names them. */
export interface EventSource {
  verificationToken: string;
  appId: string;
  tenantKey: string;
}

export interface MessageEventInput {
  chatId: string;
  senderOpenId: string;
  text: string;
  messageId?: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  /** People mentioned; each gets an `@_user_N` key, prepended to the text unless already in it. */
  mentions?: { openId: string; name: string }[];
  /** Mentions the bot first (as `@_user_1`), as a person typing "@duban" would. */
  mentionBot?: boolean;
  eventId?: string;
  chatType?: 'group' | 'p2p';
  /** 'app' builds an event as if the bot's own message were pushed (Lark does not do that). */
  senderType?: 'user' | 'app';
}

export interface ButtonPressInput {
  chatId: string;
  messageId: string;
  operatorOpenId: string;
  /** The button's callback value. */
  value: Record<string, unknown>;
  /** Present for a form submit: field name → value. */
  formValue?: Record<string, unknown>;
  /** The pressed component's name (a form's submit button). */
  name?: string;
  tag?: string;
  eventId?: string;
  timezone?: string;
}

/** A message event, with the content and mentions Lark shows in the chat. */
export interface MessageEvent {
  envelope: Record<string, unknown>;
  content: string;
  mentions: Array<{ key: string; id: { union_id: string; open_id: string }; name: string; tenant_key: string }>;
}

export function messageEvent(
  from: EventSource,
  input: MessageEventInput,
  { eventId, messageId, createTime }: { eventId: string; messageId: string; createTime: string },
  bot: { openId: string; name: string },
): MessageEvent {
  const mentioned = [...(input.mentionBot ? [bot] : []), ...(input.mentions ?? [])];
  const mentions = mentioned.map((m, i) => ({
    key: `@_user_${i + 1}`,
    id: { union_id: unionIdFor(m.openId), open_id: m.openId },
    name: m.name,
    tenant_key: from.tenantKey,
  }));
  const missingKeys = mentions.filter((m) => !input.text.includes(m.key)).map((m) => m.key);
  const text = missingKeys.length > 0 ? `${missingKeys.join(' ')} ${input.text}` : input.text;
  const content = JSON.stringify({ text });
  const envelope = {
    schema: '2.0',
    header: {
      event_id: eventId,
      event_type: 'im.message.receive_v1',
      create_time: createTime,
      token: from.verificationToken,
      app_id: from.appId,
      tenant_key: from.tenantKey,
    },
    event: {
      sender: {
        sender_id: { union_id: unionIdFor(input.senderOpenId), open_id: input.senderOpenId },
        sender_type: input.senderType ?? 'user',
        tenant_key: from.tenantKey,
      },
      message: {
        message_id: messageId,
        ...(input.rootId !== undefined && { root_id: input.rootId }),
        ...(input.parentId !== undefined && { parent_id: input.parentId }),
        create_time: createTime,
        update_time: createTime,
        chat_id: input.chatId,
        ...(input.threadId !== undefined && { thread_id: input.threadId }),
        chat_type: input.chatType ?? 'group',
        message_type: 'text',
        content,
        ...(mentions.length > 0 && { mentions }),
      },
    },
  };
  return { envelope, content, mentions };
}

/** A card action; `createTime` is in microseconds (16 digits), as card callbacks carry it. */
export function cardActionEvent(from: EventSource, input: ButtonPressInput, eventId: string, createTime: string): Record<string, unknown> {
  return {
    schema: '2.0',
    header: {
      event_id: eventId,
      token: from.verificationToken,
      create_time: createTime,
      event_type: 'card.action.trigger',
      tenant_key: from.tenantKey,
      app_id: from.appId,
    },
    event: {
      operator: { tenant_key: from.tenantKey, open_id: input.operatorOpenId, union_id: unionIdFor(input.operatorOpenId) },
      token: newCardToken(),
      action: {
        value: input.value,
        tag: input.tag ?? 'button',
        timezone: input.timezone ?? 'Asia/Shanghai',
        ...(input.name !== undefined && { name: input.name }),
        ...(input.formValue !== undefined && { form_value: input.formValue }),
      },
      host: 'im_message',
      context: { open_message_id: input.messageId, open_chat_id: input.chatId },
    },
  };
}

/** The chat events the sandbox sends (API.md §2, "Chat events"). */
export type ChatEventType = 'im.chat.member.bot.deleted_v1' | 'im.chat.member.bot.added_v1' | 'im.chat.disbanded_v1' | 'im.chat.member.user.deleted_v1';

export interface ChatEventInput {
  type: ChatEventType;
  chatId: string;
  /** The person who did it. */
  operatorOpenId: string;
  /** The chat's name at the time. */
  chatName: string;
  /** `im.chat.member.user.deleted_v1` only: the people who left or were removed. */
  users?: { openId: string; name: string }[];
  eventId?: string;
}

/**
 * A chat event: the common fields `chat_id`, `operator_id`, `external`, `operator_tenant_key`,
 * `name`, `i18n_names`; the user events add `users`. `create_time` in milliseconds, as events carry it.
 */
export function chatEvent(from: EventSource, input: ChatEventInput, eventId: string, createTime: string): Record<string, unknown> {
  return {
    schema: '2.0',
    header: {
      event_id: eventId,
      event_type: input.type,
      create_time: createTime,
      token: from.verificationToken,
      app_id: from.appId,
      tenant_key: from.tenantKey,
    },
    event: {
      chat_id: input.chatId,
      operator_id: { union_id: unionIdFor(input.operatorOpenId), open_id: input.operatorOpenId },
      external: false,
      operator_tenant_key: from.tenantKey,
      name: input.chatName,
      i18n_names: { zh_cn: input.chatName, en_us: input.chatName },
      ...(input.users && {
        users: input.users.map((u) => ({ name: u.name, tenant_key: from.tenantKey, user_id: { union_id: unionIdFor(u.openId), open_id: u.openId } })),
      }),
    },
  };
}

/** Who recalled a message, as Lark names it in im.message.recalled_v1. */
export type RecallType = 'message_owner' | 'group_owner' | 'group_manager' | 'enterprise_manager';

export interface RecallEventInput {
  messageId: string;
  chatId: string;
  recallType: RecallType;
  eventId?: string;
}

/** im.message.recalled_v1: `message_id`, `chat_id`, `recall_time` (ms, a string) and `recall_type`. */
export function recallEvent(from: EventSource, input: RecallEventInput, eventId: string, createTime: string): Record<string, unknown> {
  return {
    schema: '2.0',
    header: {
      event_id: eventId,
      event_type: 'im.message.recalled_v1',
      create_time: createTime,
      token: from.verificationToken,
      app_id: from.appId,
      tenant_key: from.tenantKey,
    },
    event: { message_id: input.messageId, chat_id: input.chatId, recall_time: createTime, recall_type: input.recallType },
  };
}
