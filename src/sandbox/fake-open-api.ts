/**
 * The behaviour of each Lark Open API endpoint duban uses (API.md §5), as pure handlers over the
 * sandbox state. HTTP plumbing (tokens, app rate limits, faults, envelopes) is in fake-lark.ts.
 *
 * Where the contract says UNCONFIRMED, the handlers take the reading that is safest for the bot:
 * the stricter limit, the duplicate that is not stored twice.
 */
import { checkCard, isTemplateCard, isV2Card } from './card-check.ts';
import { newChatId, newMessageId, newThreadId, newTenantToken, OPEN_ID_PATTERN } from './ids.ts';
import type { SlidingWindowLimiter } from './rate-limiter.ts';
import type { FakeChat, FakeLarkState, FakeMessage, IssuedToken, MessageMention, SandboxPerson } from './sandbox-state.ts';

/** A refusal in Lark's error envelope: HTTP 400 (unless stated) with a non-zero code. */
export class LarkError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly httpStatus = 400,
    readonly extra: { headers?: Record<string, string>; error?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'LarkError';
  }
}

export interface FakeLimits {
  /** false turns every limit off. */
  enabled: boolean;
  /** Tier 4, per API per app: 50/s and 1000/min, either triggers (API.md §5.0). */
  appPerSecond: number;
  appPerMinute: number;
  /** Sends and replies into one chat, shared by all bots (230020). */
  perChatPerSecond: number;
  /** Sends to one user by open_id (230020). */
  perUserPerSecond: number;
  /** PATCH of one message (230020). */
  patchPerMessagePerSecond: number;
  /** Unread urgents per user (230023); the sandbox cannot tell read from unread, so it counts all. */
  maxUrgentsPerUser: number;
  /** Tenant quota for urgent_sms and urgent_phone deliveries (230024). */
  urgentSmsQuota: number;
  urgentPhoneQuota: number;
}

export const DEFAULT_LIMITS: FakeLimits = {
  enabled: true,
  appPerSecond: 50,
  appPerMinute: 1000,
  perChatPerSecond: 5,
  perUserPerSecond: 5,
  patchPerMessagePerSecond: 5,
  maxUrgentsPerUser: 200,
  urgentSmsQuota: Number.POSITIVE_INFINITY,
  urgentPhoneQuota: Number.POSITIVE_INFINITY,
};

export interface FakeCore {
  appId: string;
  appSecret: string;
  botOpenId: string;
  tenantKey: string;
  state: FakeLarkState;
  limits: FakeLimits;
  limiter: SlidingWindowLimiter;
  now(): number;
  person(openId: string): SandboxPerson | undefined;
  /** When true only people in the directory exist; otherwise any well-formed open_id does. */
  strictDirectory: boolean;
  tokenTtlSeconds: number;
  cardMaxBytes: number;
  textMaxBytes: number;
  changed(): void;
}

export interface RouteInput {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

/** A handler's answer: `data` goes under `data`, `top` is spread at the top level (token API). */
export interface RouteOutput {
  msg?: string;
  data?: unknown;
  top?: Record<string, unknown>;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const CHAT_UUID_WINDOW = 10 * HOUR;
const MESSAGE_UUID_WINDOW = 1 * HOUR;
const PATCH_WINDOW = 14 * DAY;
/** A token with less than this left is replaced by a new one on the next request (both stay valid). */
const TOKEN_REFRESH_MARGIN = 30 * 60_000;

const MSG_TYPES = new Set(['text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user']);

function fieldViolation(field: string, description: string): LarkError {
  return new LarkError(99992402, 'field validation failed', 400, {
    error: { field_violations: [{ field, description }] },
  });
}

function requireString(body: Record<string, unknown>, field: string, { optional = false } = {}): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw fieldViolation(field, `${field} is required`);
  }
  // Lark reports a wrongly typed JSON field with 9499.
  if (typeof value !== 'string') throw new LarkError(9499, `Invalid parameter type in json: ${field}.`);
  return value;
}

function optionalStringArray(body: Record<string, unknown>, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new LarkError(9499, `Invalid parameter type in json: ${field}.`);
  }
  return value as string[];
}

function checkUuid(uuid: string | undefined): void {
  if (uuid !== undefined && (uuid.length === 0 || uuid.length > 50)) throw fieldViolation('uuid', 'uuid must be 1–50 characters');
}

function checkUserIdType(query: URLSearchParams, name = 'user_id_type'): void {
  const value = query.get(name) ?? 'open_id';
  if (value !== 'open_id') {
    throw fieldViolation(name, `the sandbox knows people by open_id only (got ${value})`);
  }
}

const byteLength = (s: string): number => new TextEncoder().encode(s).length;

// ---------------------------------------------------------------------------------------------
// People

type Usability = 'ok' | 'not_existed' | 'resigned';

function usability(core: FakeCore, openId: string): Usability {
  if (!OPEN_ID_PATTERN.test(openId)) return 'not_existed';
  const person = core.person(openId);
  if (!person) return core.strictDirectory ? 'not_existed' : 'ok';
  return person.resigned ? 'resigned' : 'ok';
}

// ---------------------------------------------------------------------------------------------
// 5.1 tenant_access_token

export function issueTenantToken(core: FakeCore, input: RouteInput): RouteOutput {
  const appId = input.body.app_id;
  const appSecret = input.body.app_secret;
  if (appId !== core.appId || appSecret !== core.appSecret) {
    // UNCONFIRMED in API.md; 10014 "app secret invalid" as in the old API's error list.
    throw new LarkError(10014, 'app secret invalid');
  }
  const now = core.now();
  const current = core.state.tokens.filter((t) => !t.revoked && t.expiresAt > now).sort((a, b) => b.expiresAt - a.expiresAt)[0];
  let token: IssuedToken;
  if (current && current.expiresAt - now >= TOKEN_REFRESH_MARGIN) {
    token = current;
  } else {
    token = { token: newTenantToken(), issuedAt: now, expiresAt: now + core.tokenTtlSeconds * 1000, revoked: false };
    core.state.tokens.push(token);
    core.changed();
  }
  return { msg: 'ok', top: { tenant_access_token: token.token, expire: Math.floor((token.expiresAt - now) / 1000) } };
}

/** True when `token` was issued by this fake, is not revoked and has not expired on its clock. */
export function isValidToken(core: FakeCore, token: string): boolean {
  const now = core.now();
  return core.state.tokens.some((t) => t.token === token && !t.revoked && t.expiresAt > now);
}

// ---------------------------------------------------------------------------------------------
// 5.2 create chat, 5.8 get chat, 5.3 add members

function chatData(core: FakeCore, chat: FakeChat, full: boolean): Record<string, unknown> {
  const counts = { user_count: String(chat.members.length), bot_count: String(chat.bots.length) };
  const status = chat.status === 'normal' ? 'normal' : 'dissolved';
  if (!full) return { avatar: '', name: chat.name, ...counts, chat_status: status };
  return {
    chat_id: chat.chatId,
    avatar: '',
    name: chat.name,
    description: chat.description,
    i18n_names: {},
    owner_id: chat.ownerId ?? '',
    owner_id_type: 'open_id',
    user_manager_id_list: [],
    bot_manager_id_list: [],
    add_member_permission: 'all_members',
    share_card_permission: 'allowed',
    at_all_permission: 'all_members',
    edit_permission: 'all_members',
    chat_mode: chat.chatMode,
    chat_type: chat.chatType === 'p2p' ? 'p2p' : chat.chatType,
    chat_tag: 'inner',
    group_message_type: chat.groupMessageType,
    join_message_visibility: 'all_members',
    leave_message_visibility: 'all_members',
    membership_approval: 'no_approval_required',
    moderation_permission: 'all_members',
    external: false,
    tenant_key: core.tenantKey,
    ...counts,
    chat_status: status,
  };
}

export function createChat(core: FakeCore, { query, body }: RouteInput): RouteOutput {
  checkUserIdType(query);
  const uuid = query.get('uuid') ?? undefined;
  checkUuid(uuid);
  const name = requireString(body, 'name', { optional: true }) ?? '';
  const description = requireString(body, 'description', { optional: true }) ?? '';
  const ownerId = requireString(body, 'owner_id', { optional: true }) || undefined;
  const userIds = optionalStringArray(body, 'user_id_list');
  const botIds = optionalStringArray(body, 'bot_id_list');
  const chatType = (requireString(body, 'chat_type', { optional: true }) ?? 'private') as FakeChat['chatType'];
  const chatMode = requireString(body, 'chat_mode', { optional: true }) ?? 'group';
  const groupMessageType = requireString(body, 'group_message_type', { optional: true }) ?? 'chat';
  if (chatType !== 'private' && chatType !== 'public') throw fieldViolation('chat_type', 'chat_type is private or public');
  if (groupMessageType !== 'chat' && groupMessageType !== 'thread') {
    throw fieldViolation('group_message_type', 'group_message_type is chat or thread');
  }
  if (userIds.length > 50) throw new LarkError(232001, 'user_id_list holds at most 50 ids');
  if (botIds.length > 5) throw new LarkError(232001, 'bot_id_list holds at most 5 ids');
  if (chatType === 'public' && [...name].length < 2) throw new LarkError(232020, 'a public chat name needs at least 2 characters');

  const now = core.now();
  if (uuid !== undefined) {
    // The same uuid + owner creates at most one chat per 10 h. What a replay returns is
    // UNCONFIRMED; the sandbox returns the chat created first (no duplicate).
    for (const chat of core.state.chats.values()) {
      if (chat.uuid === uuid && chat.ownerId === ownerId && now - chat.createTime < CHAT_UUID_WINDOW) {
        return { data: chatData(core, chat, true) };
      }
    }
  }
  const unusable = [...(ownerId ? [ownerId] : []), ...userIds].filter((id) => usability(core, id) !== 'ok');
  if (unusable.length > 0) throw new LarkError(232043, `some ids are unavailable: ${unusable.join(', ')}`);
  const badBots = botIds.filter((id) => !/^cli_[0-9a-z]+$/i.test(id));
  if (badBots.length > 0) throw new LarkError(232043, `some bot ids are unavailable: ${badBots.join(', ')}`);

  const members = [...new Set([...(ownerId ? [ownerId] : []), ...userIds])];
  const chat: FakeChat = {
    chatId: newChatId(),
    name,
    description,
    ownerId,
    members,
    bots: [...new Set([core.appId, ...botIds])],
    uuid,
    chatType,
    chatMode,
    groupMessageType,
    status: 'normal',
    createTime: now,
    messageIds: [],
  };
  core.state.chats.set(chat.chatId, chat);
  core.changed();
  return { data: chatData(core, chat, true) };
}

function existingChat(core: FakeCore, chatId: string | undefined): FakeChat {
  const chat = chatId ? core.state.chats.get(chatId) : undefined;
  if (!chat || chat.status === 'dissolved') throw new LarkError(232009, 'the chat does not exist or has been dissolved');
  return chat;
}

export function getChat(core: FakeCore, { params, query }: RouteInput): RouteOutput {
  checkUserIdType(query);
  const chat = core.state.chats.get(params.chat_id ?? '');
  if (!chat) throw new LarkError(232009, 'the chat does not exist or has been dissolved');
  return { data: chatData(core, chat, chat.bots.includes(core.appId) && chat.status === 'normal') };
}

export function addChatMembers(core: FakeCore, { params, query, body }: RouteInput): RouteOutput {
  const chat = existingChat(core, params.chat_id);
  if (!chat.bots.includes(core.appId)) throw new LarkError(232011, 'the operator (the bot) is not in the chat');
  const memberIdType = query.get('member_id_type') ?? 'open_id';
  if (memberIdType !== 'open_id' && memberIdType !== 'app_id') {
    throw fieldViolation('member_id_type', `the sandbox supports open_id and app_id (got ${memberIdType})`);
  }
  const succeedType = Number(query.get('succeed_type') ?? '0');
  if (![0, 1, 2].includes(succeedType)) throw fieldViolation('succeed_type', 'succeed_type is 0, 1 or 2');
  const ids = optionalStringArray(body, 'id_list');
  if (ids.length === 0) throw fieldViolation('id_list', 'id_list is required');

  if (memberIdType === 'app_id') {
    if (ids.length > 5) throw new LarkError(232001, 'at most 5 bots per call');
    const bad = ids.filter((id) => !/^cli_[0-9a-z]+$/i.test(id));
    if (bad.length > 0 && succeedType !== 1) throw new LarkError(232043, `some ids are unavailable: ${bad.join(', ')}`);
    for (const id of ids) if (!bad.includes(id) && !chat.bots.includes(id)) chat.bots.push(id);
    core.changed();
    return { data: { invalid_id_list: [], not_existed_id_list: bad, pending_approval_id_list: [] } };
  }

  if (ids.length > 50) throw new LarkError(232001, 'at most 50 users per call');
  const notExisted = ids.filter((id) => usability(core, id) === 'not_existed');
  const resigned = ids.filter((id) => usability(core, id) === 'resigned');
  // succeed_type 0: unknown ids fail the call, resigned users are skipped;
  // 1: add what is usable and report the rest; 2: any unusable id fails the call.
  if ((succeedType === 0 && notExisted.length > 0) || (succeedType === 2 && notExisted.length + resigned.length > 0)) {
    throw new LarkError(232043, `some ids are unavailable: ${[...notExisted, ...resigned].join(', ')}`);
  }
  let added = false;
  for (const id of ids) {
    if (usability(core, id) === 'ok' && !chat.members.includes(id)) {
      chat.members.push(id);
      added = true;
    }
  }
  if (added) core.changed();
  return { data: { invalid_id_list: resigned, not_existed_id_list: notExisted, pending_approval_id_list: [] } };
}

// ---------------------------------------------------------------------------------------------
// 5.4 send, 5.5 reply

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

function admitPerTarget(core: FakeCore, key: string, limit: number): void {
  if (!core.limits.enabled) return;
  const admission = core.limiter.tryAcquire(key, [{ limit, windowMs: 1000 }], core.now());
  if (!admission.ok) {
    throw new LarkError(230020, 'This operation triggers the frequency limit, please try again later');
  }
}

function p2pChatWith(core: FakeCore, openId: string): FakeChat {
  for (const chat of core.state.chats.values()) {
    if (chat.chatType === 'p2p' && chat.members[0] === openId) return chat;
  }
  const chat: FakeChat = {
    chatId: newChatId(),
    name: core.person(openId)?.name ?? openId,
    description: '',
    ownerId: undefined,
    members: [openId],
    bots: [core.appId],
    uuid: undefined,
    chatType: 'p2p',
    chatMode: 'p2p',
    groupMessageType: 'chat',
    status: 'normal',
    createTime: core.now(),
    messageIds: [],
  };
  core.state.chats.set(chat.chatId, chat);
  return chat;
}

function storeMessage(
  core: FakeCore,
  chat: FakeChat,
  content: NewContent,
  extra: { uuid?: string | undefined; rootId?: string; parentId?: string; threadId?: string },
): FakeMessage {
  const now = core.now();
  const message: FakeMessage = {
    messageId: newMessageId(),
    chatId: chat.chatId,
    msgType: content.msgType,
    content: content.content,
    body: content.body,
    sender: { id: core.appId, idType: 'app_id', senderType: 'app' },
    rootId: extra.rootId,
    parentId: extra.parentId,
    threadId: extra.threadId,
    createTime: now,
    updateTime: now,
    deleted: false,
    updated: false,
    uuid: extra.uuid,
    mentions: extractMentions(core, content).mentions,
    revisions: [],
    urgents: [],
  };
  core.state.messages.set(message.messageId, message);
  chat.messageIds.push(message.messageId);
  core.changed();
  return message;
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
  return { data: messageData(core, storeMessage(core, chat, content, { uuid })) };
}

function existingMessage(core: FakeCore, messageId: string | undefined): FakeMessage {
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
  const stored = storeMessage(core, chat, content, {
    uuid,
    rootId,
    parentId: parent.messageId,
    ...(threadId !== undefined && { threadId }),
  });
  return { data: messageData(core, stored) };
}

// ---------------------------------------------------------------------------------------------
// 5.6 update a card

export function patchMessage(core: FakeCore, { params, body }: RouteInput): RouteOutput {
  const rawContent = requireString(body, 'content')!;
  const message = existingMessage(core, params.message_id);
  if (message.sender.senderType !== 'app' || message.sender.id !== core.appId) {
    throw new LarkError(230027, 'Lack of necessary permissions: only messages sent by this app can be updated');
  }
  if (message.msgType !== 'interactive') {
    throw new LarkError(230001, 'Your request contains an invalid request parameter, ext=only interactive messages can be updated');
  }
  if (core.now() - message.createTime > PATCH_WINDOW) {
    throw new LarkError(230031, 'The message has been sent for more than 14 days and cannot be edited.');
  }
  const content = readContent(core, 'interactive', rawContent);
  // Whether PATCH enforces the 2.0 → 1.0 ban is UNCONFIRMED; the sandbox refuses it (200830).
  if (isV2Card(message.body) && !isV2Card(content.body) && !isTemplateCard(content.body)) {
    throw new LarkError(230099, 'Failed to create card content, ext=ErrCode: 200830; ErrMsg: cannot replace a 2.0 card with a 1.0 card');
  }
  if (core.limits.enabled) {
    const admission = core.limiter.tryAcquire(`patch:${message.messageId}`, [{ limit: core.limits.patchPerMessagePerSecond, windowMs: 1000 }], core.now());
    if (!admission.ok) throw new LarkError(230020, 'This operation triggers the frequency limit, please try again later');
  }
  const card = content.body as { schema?: unknown; config?: { update_multi?: unknown } };
  if (!isV2Card(card) && !isTemplateCard(card) && card.config?.update_multi !== true) {
    core.state.warnings.push(
      `PATCH ${message.messageId}: a 1.0 card without config.update_multi:true is updated only for the sender's view`,
    );
  }
  applyRevision(core, message, content.content, content.body, 'patch');
  return { msg: 'ok', data: {} };
}

export function applyRevision(core: FakeCore, message: FakeMessage, content: string, body: unknown, source: 'patch' | 'callback'): void {
  const now = core.now();
  message.content = content;
  message.body = body;
  message.updated = true;
  message.updateTime = now;
  message.revisions.push({ at: now, content, body, source });
  core.changed();
}

// ---------------------------------------------------------------------------------------------
// 5.7 urgent

export function sendUrgent(core: FakeCore, kind: 'app' | 'sms' | 'phone', { params, query, body }: RouteInput): RouteOutput {
  checkUserIdType(query);
  const userIds = optionalStringArray(body, 'user_id_list');
  if (userIds.length === 0) throw fieldViolation('user_id_list', 'user_id_list is required');
  const message = existingMessage(core, params.message_id);
  if (message.sender.senderType !== 'app' || message.sender.id !== core.appId) {
    throw new LarkError(230012, 'The bot is not the sender of the message.');
  }
  const chat = existingChat(core, message.chatId);
  if (!chat.bots.includes(core.appId)) throw new LarkError(230002, 'The bot can not be outside the group.');
  const invalid = userIds.filter((id) => !chat.members.includes(id) || usability(core, id) !== 'ok');
  const valid = [...new Set(userIds.filter((id) => !invalid.includes(id)))];
  if (valid.length === 0) throw new LarkError(230001, 'Your request contains an invalid request parameter, ext=no valid user in user_id_list');
  if (core.limits.enabled) {
    for (const id of valid) {
      const received = [...core.state.messages.values()].reduce(
        (n, m) => n + m.urgents.filter((u) => u.userIds.includes(id)).length,
        0,
      );
      if (received >= core.limits.maxUrgentsPerUser) throw new LarkError(230023, `The user ${id} has too many unread urgent messages.`);
    }
    if (kind !== 'app') {
      const quota = kind === 'sms' ? core.limits.urgentSmsQuota : core.limits.urgentPhoneQuota;
      const used = [...core.state.messages.values()].reduce(
        (n, m) => n + m.urgents.filter((u) => u.kind === kind).reduce((k, u) => k + u.userIds.length, 0),
        0,
      );
      if (used + valid.length > quota) throw new LarkError(230024, `The tenant's urgent_${kind} quota is used up.`);
    }
  }
  message.urgents.push({ kind, at: core.now(), userIds: valid, invalidUserIds: invalid });
  core.changed();
  return { data: { invalid_user_id_list: invalid } };
}
