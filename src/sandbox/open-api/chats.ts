/**
 * 5.2 create a chat, 5.8 get a chat, 5.3 add members and remove them; and the p2p chat a message
 * to a person opens. Where the contract says UNCONFIRMED, the handlers take the reading that is safest for
 * the bot: the stricter limit, the duplicate that is not stored twice.
 */
import { newChatId } from '../ids.ts';
import type { FakeChat } from '../sandbox-state.ts';
import { LarkError, type FakeCore, type RouteInput, type RouteOutput } from './fake-core.ts';
import { checkUserIdType, checkUuid, fieldViolation, optionalStringArray, requireString, usability } from './request-checks.ts';

const CHAT_UUID_WINDOW = 10 * 3600_000;

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
  const chat = storeChat(core, now, {
    name,
    description,
    ownerId,
    members,
    bots: [...new Set([core.appId, ...botIds])],
    uuid,
    chatType,
    chatMode,
    groupMessageType,
  });
  core.changed();
  return { data: chatData(core, chat, true) };
}

export function existingChat(core: FakeCore, chatId: string | undefined): FakeChat {
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

/**
 * DELETE im/v1/chats/:chat_id/members (`member_id_type`, body `id_list`): at most 50 users or 5
 * bots a call; the owner cannot be removed (232076); only the owner or the creating bot may remove
 * others, and every group here is created by the bot. Ids that are not in the chat come back in
 * `invalid_id_list` (what Lark does with them is UNCONFIRMED; the sandbox takes the lenient
 * reading, the call succeeds for the rest).
 */
export function removeChatMembers(core: FakeCore, { params, query, body }: RouteInput): RouteOutput {
  const chat = existingChat(core, params.chat_id);
  if (!chat.bots.includes(core.appId)) throw new LarkError(232011, 'Operator can NOT be out of the chat.');
  const memberIdType = query.get('member_id_type') ?? 'open_id';
  if (memberIdType !== 'open_id' && memberIdType !== 'app_id') {
    throw new LarkError(232015, `Your request specifies a member_id_type which is NOT supported (the sandbox knows open_id and app_id, got ${memberIdType}).`);
  }
  const ids = optionalStringArray(body, 'id_list');
  if (ids.length === 0) throw fieldViolation('id_list', 'id_list is required');
  const bots = memberIdType === 'app_id';
  if (ids.length > (bots ? 5 : 50)) throw new LarkError(232001, bots ? 'at most 5 bots per call' : 'at most 50 users per call');
  if (!bots && chat.ownerId !== undefined && ids.includes(chat.ownerId)) throw new LarkError(232076, "Can't kick chat owner.");
  const list = bots ? chat.bots : chat.members;
  const invalid = ids.filter((id) => !list.includes(id));
  const removed = ids.filter((id) => list.includes(id));
  if (removed.length > 0) {
    if (bots) chat.bots = chat.bots.filter((id) => !removed.includes(id));
    else chat.members = chat.members.filter((id) => !removed.includes(id));
    core.changed();
  }
  return { data: { invalid_id_list: invalid } };
}

/** The bot's p2p chat with a person, opened by the first message sent to them. */
export function p2pChatWith(core: FakeCore, openId: string): FakeChat {
  for (const chat of core.state.chats.values()) {
    if (chat.chatType === 'p2p' && chat.members[0] === openId) return chat;
  }
  return storeChat(core, core.now(), {
    name: core.person(openId)?.name ?? openId,
    description: '',
    ownerId: undefined,
    members: [openId],
    bots: [core.appId],
    uuid: undefined,
    chatType: 'p2p',
    chatMode: 'p2p',
    groupMessageType: 'chat',
  });
}

/**
 * A group people made in Lark and added the bot to (the supervisors' group, say): a test and UI
 * control, with the chat id given or made.
 */
export function groupMadeByPeople(core: FakeCore, input: { chatId?: string; name: string; members: string[]; ownerId?: string }): FakeChat {
  if (input.chatId !== undefined && core.state.chats.has(input.chatId)) throw new Error(`The sandbox already has a chat ${input.chatId}`);
  const fields = {
    name: input.name,
    description: '',
    ownerId: input.ownerId ?? input.members[0],
    members: [...new Set(input.members)],
    bots: [core.appId],
    uuid: undefined,
    chatType: 'private' as const,
    chatMode: 'group',
    groupMessageType: 'chat' as const,
  };
  const chat = storeChat(core, core.now(), fields, input.chatId);
  core.changed();
  return chat;
}

/** A new live chat with no messages yet. The caller says when the state changed. */
function storeChat(
  core: FakeCore,
  createTime: number,
  fields: Omit<FakeChat, 'chatId' | 'status' | 'createTime' | 'messageIds'>,
  chatId: string = newChatId(),
): FakeChat {
  const chat: FakeChat = { chatId, ...fields, status: 'normal', createTime, messageIds: [] };
  core.state.chats.set(chat.chatId, chat);
  return chat;
}
