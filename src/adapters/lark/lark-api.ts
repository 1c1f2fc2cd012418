/**
 * The Lark calls duban makes, as a small interface. On Node it is implemented with the official
 * SDK (sdk-lark-client.ts); the Workers build implements the same interface with fetch, since the
 * SDK cannot load there. Every failure is a LarkApiError classified for the outbox's retries.
 */
import type { GroupLossReason } from '../../core/group-loss.ts';

export interface LarkApi {
  createChat(input: { name: string; description: string; memberOpenIds: string[]; uuid: string }): Promise<{ chatId: string }>;
  addMembers(input: { chatId: string; openIds: string[] }): Promise<{ invalidOpenIds: string[] }>;
  /** Removes people from a chat the bot owns (at most 50 a call); ids not in the chat come back invalid. */
  removeMembers(input: { chatId: string; openIds: string[] }): Promise<{ invalidOpenIds: string[] }>;
  /** To a chat, or to a person by open_id (the bot's private chat with them: receive_id_type open_id). */
  sendMessage(input: MessageTarget & { msgType: 'text' | 'interactive'; content: string; uuid: string }): Promise<SentMessage>;
  replyMessage(input: { messageId: string; msgType: 'text' | 'interactive'; content: string; uuid: string }): Promise<SentMessage>;
  patchMessage(input: { messageId: string; content: string }): Promise<void>;
  urgent(input: { messageId: string; openIds: string[]; channel: 'app' | 'sms' }): Promise<{ invalidOpenIds: string[] }>;
}

export type MessageTarget = { chatId: string; openId?: undefined } | { openId: string; chatId?: undefined };

export interface SentMessage {
  messageId: string;
  chatId: string;
  createTime: string;
  rootId?: string | undefined;
  parentId?: string | undefined;
}

/**
 * - `rate_limited`: HTTP 429 / 99991400 (app limit), 230020 (per chat or message), 232019 (chat
 *   busy): retry after `retryAfterMs`;
 * - `token_invalid`: 99991661/99991663/99991677: get a new tenant token, then retry;
 * - `transient`: HTTP 5xx, timeouts and network errors: retry with back-off;
 * - `permanent`: any other Lark error: retrying cannot help, keep it for the admin.
 */
export type LarkErrorKind = 'rate_limited' | 'token_invalid' | 'transient' | 'permanent';

export class LarkApiError extends Error {
  constructor(
    readonly kind: LarkErrorKind,
    message: string,
    readonly httpStatus?: number,
    readonly code?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'LarkApiError';
  }
}

const TOKEN_CODES = new Set([99991661, 99991663, 99991677]);
/** Answers that say the chat itself is gone for the bot (API.md §5.0): 232009 dissolved; 230002 / 232011 the bot is not in it. */
const GROUP_LOSS_CODES = new Map<number, GroupLossReason>([
  [232009, 'disbanded'],
  [230002, 'bot_removed'],
  [232011, 'bot_removed'],
]);

/** Whether a refused call says the chat is lost to the bot, and how. */
export function groupLossOf(error: LarkApiError): GroupLossReason | undefined {
  return error.code === undefined ? undefined : GROUP_LOSS_CODES.get(error.code);
}
const RATE_CODES = new Set([99991400, 230020, 232019, 11232, 11233]);

/** Classifies a Lark answer (status, body code, headers) or a network failure. */
export function classifyLarkFailure(input: {
  httpStatus?: number;
  code?: number;
  msg?: string;
  rateLimitResetSeconds?: string | number | null;
  networkError?: string;
}): LarkApiError {
  const { httpStatus, code } = input;
  const describe = `${input.networkError ?? `HTTP ${httpStatus ?? '?'}`}${code !== undefined ? ` code ${code}` : ''}${input.msg ? `: ${input.msg}` : ''}`;
  if (input.networkError) return new LarkApiError('transient', describe, httpStatus, code);
  if (httpStatus === 429 || (code !== undefined && RATE_CODES.has(code))) {
    const reset = Number(input.rateLimitResetSeconds);
    return new LarkApiError('rate_limited', describe, httpStatus, code, Number.isFinite(reset) && reset > 0 ? reset * 1000 : 1000);
  }
  if (code !== undefined && TOKEN_CODES.has(code)) return new LarkApiError('token_invalid', describe, httpStatus, code);
  if (httpStatus !== undefined && httpStatus >= 500) return new LarkApiError('transient', describe, httpStatus, code);
  return new LarkApiError('permanent', describe, httpStatus, code);
}
