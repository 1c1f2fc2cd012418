/**
 * What duban sends to Lark and how it reads the answers, shared by the SDK client and the fetch
 * client so both put the same things on the wire (API.md §5). `larkApiOver` is the LarkApi both
 * return: it builds each call's payload in the SDK's own `{path, params, data}` shape and turns
 * the answer's `data` into the LarkApi result; a client only says how to perform one call (an SDK
 * method, or a REST path with fetch). Also the `{code,msg,data}` envelope and a refusal turned into
 * a classified LarkApiError. Runtime-neutral (no Node APIs): the Workers build uses it too.
 */
import { classifyLarkFailure, type LarkApi, type LarkApiError, type SentMessage } from './lark-api.ts';

type Input<K extends keyof LarkApi> = Parameters<LarkApi[K]>[0];

/** The payload of each call, as the SDK's methods take it. */
const larkPayloads = {
  createChat: ({ name, description, memberOpenIds, uuid }: Input<'createChat'>) => ({
    params: { user_id_type: 'open_id' as const, set_bot_manager: true, uuid },
    data: { name, description, user_id_list: memberOpenIds, chat_mode: 'group', chat_type: 'private' },
  }),
  addMembers: ({ chatId, openIds }: Input<'addMembers'>) => ({
    path: { chat_id: chatId },
    params: { member_id_type: 'open_id' as const, succeed_type: 1 },
    data: { id_list: openIds },
  }),
  removeMembers: ({ chatId, openIds }: Input<'removeMembers'>) => ({
    path: { chat_id: chatId },
    params: { member_id_type: 'open_id' as const },
    data: { id_list: openIds },
  }),
  sendMessage: ({ chatId, openId, msgType, content, uuid }: Input<'sendMessage'>) => ({
    params: { receive_id_type: openId !== undefined ? ('open_id' as const) : ('chat_id' as const) },
    data: { receive_id: openId ?? chatId, msg_type: msgType, content, uuid },
  }),
  replyMessage: ({ messageId, msgType, content, uuid }: Input<'replyMessage'>) => ({
    path: { message_id: messageId },
    data: { msg_type: msgType, content, uuid },
  }),
  patchMessage: ({ messageId, content }: Input<'patchMessage'>) => ({ path: { message_id: messageId }, data: { content } }),
  urgent: ({ messageId, openIds }: Input<'urgent'>) => ({
    path: { message_id: messageId },
    params: { user_id_type: 'open_id' as const },
    data: { user_id_list: openIds },
  }),
};

/** The calls duban makes: urgent is two calls (two SDK methods, two REST paths). */
export interface LarkPayloads {
  createChat: ReturnType<typeof larkPayloads.createChat>;
  addMembers: ReturnType<typeof larkPayloads.addMembers>;
  removeMembers: ReturnType<typeof larkPayloads.removeMembers>;
  sendMessage: ReturnType<typeof larkPayloads.sendMessage>;
  replyMessage: ReturnType<typeof larkPayloads.replyMessage>;
  patchMessage: ReturnType<typeof larkPayloads.patchMessage>;
  urgentApp: ReturnType<typeof larkPayloads.urgent>;
  urgentSms: ReturnType<typeof larkPayloads.urgent>;
}
export type LarkOperation = keyof LarkPayloads;

/** Performs one authorised call; resolves to Lark's body, or throws a classified LarkApiError. */
export type PerformLarkCall = <K extends LarkOperation>(operation: K, payload: LarkPayloads[K]) => Promise<LarkBody>;

export function larkApiOver(perform: PerformLarkCall): LarkApi {
  return {
    createChat: async (input) => chatIdOf(await perform('createChat', larkPayloads.createChat(input))),
    addMembers: async (input) => invalidMembersOf(await perform('addMembers', larkPayloads.addMembers(input))),
    removeMembers: async (input) => invalidMembersOf(await perform('removeMembers', larkPayloads.removeMembers(input))),
    sendMessage: async (input) => sentMessageOf(await perform('sendMessage', larkPayloads.sendMessage(input))),
    replyMessage: async (input) => sentMessageOf(await perform('replyMessage', larkPayloads.replyMessage(input))),
    patchMessage: async (input) => {
      await perform('patchMessage', larkPayloads.patchMessage(input));
    },
    urgent: async (input) => invalidUrgentOf(await perform(input.channel === 'sms' ? 'urgentSms' : 'urgentApp', larkPayloads.urgent(input))),
  };
}

export interface LarkBody {
  code?: number;
  msg?: string;
  data?: Record<string, unknown>;
}

/** A refused call: its HTTP status, its body (any shape, or none) and `x-ogw-ratelimit-reset`. */
export function classifyLarkAnswer(httpStatus: number | undefined, body: unknown, rateLimitReset?: string | null): LarkApiError {
  const b = (body !== null && typeof body === 'object' ? body : {}) as LarkBody;
  return classifyLarkFailure({
    ...(httpStatus !== undefined && { httpStatus }),
    ...(typeof b.code === 'number' && { code: b.code }),
    ...(typeof b.msg === 'string' && { msg: b.msg }),
    rateLimitResetSeconds: rateLimitReset ?? null,
  });
}

/** True when a 2xx body still carries a Lark error code. */
export const isLarkRefusal = (body: LarkBody | null | undefined): boolean => !!body && typeof body.code === 'number' && body.code !== 0;

/** `data` of create chat. */
const chatIdOf = (body: LarkBody): { chatId: string } => ({ chatId: String(body.data?.chat_id) });

/** `data` of send and reply. */
function sentMessageOf(body: LarkBody): SentMessage {
  const d = body.data ?? {};
  return {
    messageId: String(d.message_id),
    chatId: String(d.chat_id),
    createTime: String(d.create_time ?? ''),
    rootId: d.root_id as string | undefined,
    parentId: d.parent_id as string | undefined,
  };
}

/** `data` of add members (succeed_type=1) and remove members: the ids Lark did not add or remove. */
function invalidMembersOf(body: LarkBody): { invalidOpenIds: string[] } {
  const d = (body.data ?? {}) as { invalid_id_list?: string[]; not_existed_id_list?: string[] };
  return { invalidOpenIds: [...(d.invalid_id_list ?? []), ...(d.not_existed_id_list ?? [])] };
}

/** `data` of urgent_app / urgent_sms. */
const invalidUrgentOf = (body: LarkBody): { invalidOpenIds: string[] } => ({
  invalidOpenIds: ((body.data ?? {}) as { invalid_user_id_list?: string[] }).invalid_user_id_list ?? [],
});
