/**
 * 5.4 send, 5.5 reply, 5.6 update a card: what a message may hold, how it is stored and shown
 * back, the per-chat, per-user and per-message limits. Where the contract says UNCONFIRMED, the
 * handlers take the reading that is safest for the bot: the stricter limit, the duplicate that is
 * not stored twice.
 */
import { checkCard, isTemplateCard, isV2Card } from '../card-check.ts';
import { pastCardLifetime } from '../card-lifetime.ts';
import { newMessageId, newThreadId } from '../ids.ts';
import type { FakeChat, FakeMessage, MessageMention } from '../sandbox-state.ts';
import { existingChat, p2pChatWith } from './chats.ts';
import { LarkError, type FakeCore, type RouteInput, type RouteOutput } from './fake-core.ts';
import { checkUuid, fieldViolation, requireString, usability } from './request-checks.ts';

const HOUR = 3600_000;
const MESSAGE_UUID_WINDOW = 1 * HOUR;

const MSG_TYPES = new Set(['text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user']);

const byteLength = (s: string): number => new TextEncoder().encode(s).length;

interface NewContent {
  msgType: string;
  content: string;
  body: unknown;
}

/** Validates `msg_type` + `content` as Lark does for send, reply and patch. */
function readContent(core: FakeCore, msgType: string, content: string): NewContent {
  if (!MSG_TYPES.has(msgType)) throw fieldViolation('msg_type', `unknown msg_type ${msgType}`);
  const size = byteLength(content);
  const max = msgType === 'text' ? core.textMaxBytes : msgType === 'interactive' || msgType === 'post' ? core.cardMaxBytes : core.textMaxBytes;
  if (size > max) throw new LarkError(230025, `The message content is too long: ${size} bytes, at most ${max}`);
  let body: unknown;
  try {
    body = JSON.parse(content);
  } catch {
    if (msgType === 'interactive') {
      throw new LarkError(230099, 'Failed to create card content, ext=ErrMsg: the card content is not valid JSON');
    }
    throw new LarkError(230001, 'Your request contains an invalid request parameter, ext=invalid message content: not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    if (msgType === 'interactive') throw new LarkError(230099, 'Failed to create card content, ext=ErrMsg: the card is not an object');
    throw new LarkError(230001, 'Your request contains an invalid request parameter, ext=invalid message content');
  }
  if (msgType === 'text' && typeof (body as { text?: unknown }).text !== 'string') {
    throw new LarkError(230001, 'Your request contains an invalid request parameter, ext=text content needs a "text" string');
  }
  if (msgType === 'interactive') {
    const problem = checkCard(body);
    if (problem) {
      const ext = problem.subCode !== undefined ? `ErrCode: ${problem.subCode}; ErrMsg: ${problem.message}` : `ErrMsg: ${problem.message}`;
      throw new LarkError(230099, `Failed to create card content, ext=${ext}`);
    }
  }
  return { msgType, content, body };
}

/** Text `<at user_id="ou_…">Name</at>` becomes `@_user_N` plus a mention, as Lark answers it. */
function extractMentions(core: FakeCore, msg: NewContent): { content: string; mentions: MessageMention[] } {
  if (msg.msgType !== 'text') return { content: msg.content, mentions: [] };
  const mentions: MessageMention[] = [];
  const text = (msg.body as { text: string }).text.replace(/<at\s+user_id\s*=\s*["']?([^"'>\s]+)["']?\s*>(.*?)<\/at>/g, (_, id: string, name: string) => {
    if (id === 'all') return '@_all';
    const key = `@_user_${mentions.length + 1}`;
    mentions.push({ key, id, id_type: 'open_id', name: name || core.person(id)?.name || '', tenant_key: core.tenantKey });
    return key;
  });
  return { content: mentions.length > 0 || text !== (msg.body as { text: string }).text ? JSON.stringify({ text }) : msg.content, mentions };
}

export function messageData(core: FakeCore, m: FakeMessage): Record<string, unknown> {
  const response = extractMentions(core, { msgType: m.msgType, content: m.content, body: m.body });
  return {
    message_id: m.messageId,
    ...(m.rootId !== undefined && { root_id: m.rootId }),
    ...(m.parentId !== undefined && { parent_id: m.parentId }),
    ...(m.threadId !== undefined && { thread_id: m.threadId }),
    msg_type: m.msgType,
    create_time: String(m.createTime),
    update_time: String(m.updateTime),
    deleted: m.deleted,
    updated: m.updated,
    chat_id: m.chatId,
    sender: m.sender.senderType === 'app'
      ? { id: m.sender.id, id_type: 'app_id', sender_type: 'app', tenant_key: core.tenantKey }
      : { id: m.sender.id, id_type: 'open_id', sender_type: 'user', tenant_key: core.tenantKey },
    body: { content: response.content },
    ...(response.mentions.length > 0 && { mentions: response.mentions }),
  };
}

/** The original message of a uuid seen within the last hour; the sandbox never stores a duplicate. */
function duplicateOf(core: FakeCore, uuid: string | undefined): FakeMessage | undefined {
  if (uuid === undefined) return undefined;
  const now = core.now();
  for (const m of core.state.messages.values()) {
    if (m.uuid === uuid && m.sender.senderType === 'app' && now - m.createTime < MESSAGE_UUID_WINDOW) return m;
  }
  return undefined;
}

/** The per-target limit of one second (230020): a chat, a person, or the message a PATCH updates. */
function admitPerTarget(core: FakeCore, key: string, limit: number): void {
  if (!core.limits.enabled) return;
  const admission = core.limiter.tryAcquire(key, [{ limit, windowMs: 1000 }], core.now());
  if (!admission.ok) {
    throw new LarkError(230020, 'This operation triggers the frequency limit, please try again later');
  }
}

/** What a new message carries; storing it adds its times and an empty history. */
export type NewMessage = Pick<FakeMessage, 'messageId' | 'msgType' | 'content' | 'body' | 'sender' | 'rootId' | 'parentId' | 'threadId' | 'uuid' | 'mentions'>;

/** Stores a message at the end of its chat, sent now and never updated; the bot's and people's alike. */
export function storeMessage(core: FakeCore, chat: FakeChat, m: NewMessage): FakeMessage {
  const now = core.now();
  const message: FakeMessage = {
    messageId: m.messageId,
    chatId: chat.chatId,
    msgType: m.msgType,
    content: m.content,
    body: m.body,
    originalBody: m.body,
    sender: m.sender,
    rootId: m.rootId,
    parentId: m.parentId,
    threadId: m.threadId,
    createTime: now,
    updateTime: now,
    deleted: false,
    updated: false,
    uuid: m.uuid,
    mentions: m.mentions,
    revisions: [],
    urgents: [],
  };
  core.state.messages.set(message.messageId, message);
  chat.messageIds.push(message.messageId);
  core.changed();
  return message;
}

/** A message the bot sends or replies with. */
function storeBotMessage(
  core: FakeCore,
  chat: FakeChat,
  content: NewContent,
  extra: { uuid: string | undefined; rootId?: string; parentId?: string; threadId?: string },
): FakeMessage {
  return storeMessage(core, chat, {
    messageId: newMessageId(),
    msgType: content.msgType,
    content: content.content,
    body: content.body,
    sender: { id: core.appId, idType: 'app_id', senderType: 'app' },
    rootId: extra.rootId,
    parentId: extra.parentId,
    threadId: extra.threadId,
    uuid: extra.uuid,
    mentions: extractMentions(core, content).mentions,
  });
}

export function sendMessage(core: FakeCore, { query, body }: RouteInput): RouteOutput {
  const receiveIdType = query.get('receive_id_type');
  if (!receiveIdType) throw fieldViolation('receive_id_type', 'receive_id_type is required');
  if (!['open_id', 'user_id', 'union_id', 'email', 'chat_id'].includes(receiveIdType)) {
    throw fieldViolation('receive_id_type', `unknown receive_id_type ${receiveIdType}`);
  }
  if (receiveIdType !== 'open_id' && receiveIdType !== 'chat_id') {
    throw fieldViolation('receive_id_type', `the sandbox supports chat_id and open_id (got ${receiveIdType})`);
  }
  const receiveId = requireString(body, 'receive_id')!;
  const msgType = requireString(body, 'msg_type')!;
  const rawContent = requireString(body, 'content')!;
  const uuid = requireString(body, 'uuid', { optional: true });
  checkUuid(uuid);

  // At most one send per uuid per hour. What a duplicate returns is UNCONFIRMED; the sandbox
  // answers with the original message and stores nothing.
  const original = duplicateOf(core, uuid);
  if (original) return { data: messageData(core, original) };

  let chat: FakeChat;
  if (receiveIdType === 'chat_id') {
    const found = core.state.chats.get(receiveId);
    if (!found) throw new LarkError(230001, `Your request contains an invalid request parameter, ext=invalid receive_id ${receiveId}`);
    if (found.status === 'dissolved') throw new LarkError(232009, 'the chat has been dissolved');
    if (!found.bots.includes(core.appId)) throw new LarkError(230002, 'The bot can not be outside the group.');
    chat = found;
  } else {
    const use = usability(core, receiveId);
    if (use === 'not_existed') throw new LarkError(99992351, `The open_id ${receiveId} does not exist`);
    if (use === 'resigned') throw new LarkError(230013, 'Bot has NO availability to this user.');
    chat = p2pChatWith(core, receiveId);
  }
  const content = readContent(core, msgType, rawContent);
  const target = receiveIdType === 'chat_id' ? `chat:${chat.chatId}` : `user:${receiveId}`;
  admitPerTarget(core, target, receiveIdType === 'chat_id' ? core.limits.perChatPerSecond : core.limits.perUserPerSecond);
  return { data: messageData(core, storeBotMessage(core, chat, content, { uuid })) };
}

export function existingMessage(core: FakeCore, messageId: string | undefined): FakeMessage {
  const message = messageId ? core.state.messages.get(messageId) : undefined;
  if (!message) throw new LarkError(230001, `Your request contains an invalid request parameter, ext=invalid message_id ${messageId}`);
  if (message.deleted) throw new LarkError(230011, 'The message was recalled.');
  return message;
}

export function replyMessage(core: FakeCore, { params, body }: RouteInput): RouteOutput {
  const msgType = requireString(body, 'msg_type')!;
  const rawContent = requireString(body, 'content')!;
  const uuid = requireString(body, 'uuid', { optional: true });
  checkUuid(uuid);
  const replyInThread = body.reply_in_thread === true;
  const original = duplicateOf(core, uuid);
  if (original) return { data: messageData(core, original) };

  const parent = existingMessage(core, params.message_id);
  const chat = existingChat(core, parent.chatId);
  if (!chat.bots.includes(core.appId)) throw new LarkError(230002, 'The bot can not be outside the group.');
  const content = readContent(core, msgType, rawContent);
  admitPerTarget(core, `chat:${chat.chatId}`, core.limits.perChatPerSecond);

  const rootId = parent.rootId ?? parent.messageId;
  let threadId = parent.threadId;
  if (threadId === undefined && (replyInThread || chat.groupMessageType === 'thread')) {
    threadId = newThreadId();
    const root = core.state.messages.get(rootId);
    if (root) root.threadId = threadId;
    parent.threadId = threadId;
  }
  const stored = storeBotMessage(core, chat, content, {
    uuid,
    rootId,
    parentId: parent.messageId,
    ...(threadId !== undefined && { threadId }),
  });
  return { data: messageData(core, stored) };
}

export function patchMessage(core: FakeCore, { params, body }: RouteInput): RouteOutput {
  const rawContent = requireString(body, 'content')!;
  const message = existingMessage(core, params.message_id);
  if (message.sender.senderType !== 'app' || message.sender.id !== core.appId) {
    throw new LarkError(230027, 'Lack of necessary permissions: only messages sent by this app can be updated');
  }
  if (message.msgType !== 'interactive') {
    throw new LarkError(230001, 'Your request contains an invalid request parameter, ext=only interactive messages can be updated');
  }
  if (pastCardLifetime(message, core.now())) {
    throw new LarkError(230031, 'The message has been sent for more than 14 days and cannot be edited.');
  }
  const content = readContent(core, 'interactive', rawContent);
  // Whether PATCH enforces the 2.0 → 1.0 ban is UNCONFIRMED; the sandbox refuses it (200830).
  if (isV2Card(message.body) && !isV2Card(content.body) && !isTemplateCard(content.body)) {
    throw new LarkError(230099, 'Failed to create card content, ext=ErrCode: 200830; ErrMsg: cannot replace a 2.0 card with a 1.0 card');
  }
  admitPerTarget(core, `patch:${message.messageId}`, core.limits.patchPerMessagePerSecond);
  const card = content.body as { schema?: unknown; config?: { update_multi?: unknown } };
  if (!isV2Card(card) && !isTemplateCard(card) && card.config?.update_multi !== true) {
    core.state.warnings.push(
      `PATCH ${message.messageId}: a 1.0 card without config.update_multi:true is updated only for the sender's view`,
    );
  }
  applyRevision(core, message, content.content, content.body, 'patch');
  return { msg: 'ok', data: {} };
}

/** A new version of a message's content, from a PATCH or the card a card-action callback answered with. */
export function applyRevision(core: FakeCore, message: FakeMessage, content: string, body: unknown, source: 'patch' | 'callback'): void {
  const now = core.now();
  message.content = content;
  message.body = body;
  message.updated = true;
  message.updateTime = now;
  message.revisions.push({ at: now, content, body, source });
  core.changed();
}
