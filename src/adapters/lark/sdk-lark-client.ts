/**
 * LarkApi on Node through the official @larksuiteoapi/node-sdk, with `domain` set from
 * LARK_BASE_URL (the sandbox is just another base URL).
 *
 * The SDK's own token cache is module-wide and never invalidated on 99991663 (node-sdk#111), so
 * duban keeps the tenant token itself (`disableTokenCache`), passes it per call with
 * `withTenantToken`, and drops it when Lark says it is invalid; the outbox then retries.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../logger.ts';
import { classifyLarkFailure, LarkApiError, type LarkApi, type SentMessage } from './lark-api.ts';

/** A Lark call that hangs must not hold the outbox: give up and retry later. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Refresh a little before Lark's expiry (2 h), as the SDK does. */
const TOKEN_MARGIN_MS = 3 * 60_000;

interface LarkBody {
  code?: number;
  msg?: string;
  data?: Record<string, unknown>;
}

export function createSdkLarkClient(options: { appId: string; appSecret: string; baseUrl: string; now?: () => number; logger?: Logger }): LarkApi {
  lark.defaultHttpInstance.defaults.timeout = REQUEST_TIMEOUT_MS;
  const client = new lark.Client({
    appId: options.appId,
    appSecret: options.appSecret,
    appType: lark.AppType.SelfBuild,
    domain: options.baseUrl,
    disableTokenCache: true,
    // The SDK logs every failed request at error level; the outbox logs the classified outcome
    // instead, so the SDK's own lines go to debug.
    loggerLevel: lark.LoggerLevel.error,
    ...(options.logger && { logger: sdkLogger(options.logger) }),
  });
  const now = options.now ?? Date.now;
  let token: { value: string; expiresAt: number } | undefined;

  let fetching: Promise<string> | undefined;

  /** The cached tenant token, or one fetch shared by every call waiting for a new one. */
  function tenantToken(): Promise<string> {
    if (token && token.expiresAt > now()) return Promise.resolve(token.value);
    fetching ??= fetchToken().finally(() => (fetching = undefined));
    return fetching;
  }

  async function fetchToken(): Promise<string> {
    const body = (await call(() => client.auth.v3.tenantAccessToken.internal({ data: { app_id: options.appId, app_secret: options.appSecret } }))) as LarkBody & {
      tenant_access_token?: string;
      expire?: number;
    };
    const value = body.tenant_access_token ?? (body.data?.tenant_access_token as string | undefined);
    if (!value) throw new LarkApiError('permanent', 'Lark answered the token request without a tenant_access_token');
    const expire = body.expire ?? (body.data?.expire as number | undefined) ?? 7200;
    token = { value, expiresAt: now() + expire * 1000 - TOKEN_MARGIN_MS };
    return value;
  }

  /** Runs an SDK call, turning every kind of failure into a classified LarkApiError. */
  async function call<T extends LarkBody>(run: () => Promise<T>): Promise<T> {
    let body: T;
    try {
      body = await run();
    } catch (error) {
      throw fromThrown(error);
    }
    if (body && typeof body.code === 'number' && body.code !== 0) {
      throw classifyLarkFailure({ httpStatus: 200, code: body.code, ...(body.msg !== undefined && { msg: body.msg }) });
    }
    return body;
  }

  /** An authorised call; a token Lark rejects is forgotten so the retry fetches a new one. */
  async function authorised<T extends LarkBody>(run: (opts: ReturnType<typeof lark.withTenantToken>) => Promise<T>): Promise<T> {
    const used = await tenantToken();
    const opts = lark.withTenantToken(used);
    try {
      return await call(() => run(opts));
    } catch (error) {
      // Forget it only if no other call has fetched a newer one meanwhile.
      if (error instanceof LarkApiError && error.kind === 'token_invalid' && token?.value === used) token = undefined;
      throw error;
    }
  }

  const sent = (body: LarkBody): SentMessage => {
    const d = body.data ?? {};
    return {
      messageId: String(d.message_id),
      chatId: String(d.chat_id),
      createTime: String(d.create_time ?? ''),
      rootId: d.root_id as string | undefined,
      parentId: d.parent_id as string | undefined,
    };
  };

  return {
    async createChat({ name, description, memberOpenIds, uuid }) {
      const body = await authorised((o) =>
        client.im.v1.chat.create(
          {
            params: { user_id_type: 'open_id', set_bot_manager: true, uuid },
            data: { name, description, user_id_list: memberOpenIds, chat_mode: 'group', chat_type: 'private' },
          },
          o,
        ),
      );
      return { chatId: String(body.data?.chat_id) };
    },
    async addMembers({ chatId, openIds }) {
      const body = await authorised((o) =>
        client.im.v1.chatMembers.create({ path: { chat_id: chatId }, params: { member_id_type: 'open_id', succeed_type: 1 }, data: { id_list: openIds } }, o),
      );
      const d = (body.data ?? {}) as { invalid_id_list?: string[]; not_existed_id_list?: string[] };
      return { invalidOpenIds: [...(d.invalid_id_list ?? []), ...(d.not_existed_id_list ?? [])] };
    },
    async sendMessage({ chatId, msgType, content, uuid }) {
      return sent(
        await authorised((o) => client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: msgType, content, uuid } }, o)),
      );
    },
    async replyMessage({ messageId, msgType, content, uuid }) {
      return sent(await authorised((o) => client.im.v1.message.reply({ path: { message_id: messageId }, data: { msg_type: msgType, content, uuid } }, o)));
    },
    async patchMessage({ messageId, content }) {
      await authorised((o) => client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } }, o));
    },
    async urgent({ messageId, openIds, channel }) {
      const payload = { path: { message_id: messageId }, params: { user_id_type: 'open_id' as const }, data: { user_id_list: openIds } };
      const body = await authorised((o) => (channel === 'sms' ? client.im.v1.message.urgentSms(payload, o) : client.im.v1.message.urgentApp(payload, o)));
      return { invalidOpenIds: ((body.data ?? {}) as { invalid_user_id_list?: string[] }).invalid_user_id_list ?? [] };
    },
  };
}

function sdkLogger(logger: Logger) {
  const debug = (...args: unknown[]) => logger.debug({ sdk: args.map((a) => (a instanceof Error ? a.message : a)) }, 'lark sdk');
  return { error: debug, warn: debug, info: debug, debug, trace: debug };
}

/** The SDK throws AxiosErrors: the Lark body is in `response.data`, the reset in its headers. */
function fromThrown(error: unknown): LarkApiError {
  if (error instanceof LarkApiError) return error;
  const e = error as { response?: { status?: number; data?: LarkBody; headers?: Record<string, unknown> }; code?: string; message?: string };
  if (e.response) {
    const body = e.response.data ?? {};
    return classifyLarkFailure({
      httpStatus: e.response.status,
      ...(typeof body.code === 'number' && { code: body.code }),
      ...(typeof body.msg === 'string' && { msg: body.msg }),
      rateLimitResetSeconds: (e.response.headers?.['x-ogw-ratelimit-reset'] as string | undefined) ?? null,
    });
  }
  return classifyLarkFailure({ networkError: `${e.code ?? 'network error'}: ${e.message ?? String(error)}` });
}
