/**
 * LarkApi on Node through the official @larksuiteoapi/node-sdk, with `domain` set from
 * LARK_BASE_URL (the sandbox is just another base URL).
 *
 * The SDK's own token cache is module-wide and never invalidated on 99991663 (node-sdk#111), so
 * duban keeps the tenant token itself (`disableTokenCache`), passes it per call with
 * `withTenantToken`, and drops it when Lark says it is invalid; the outbox then retries. That
 * token rule (tenant-token-cache.ts) and the payloads and answers (lark-wire.ts) are shared with
 * the fetch client the Workers build uses (fetch-lark-client.ts).
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../logger.ts';
import { classifyLarkFailure, LarkApiError, type LarkApi } from './lark-api.ts';
import { classifyLarkAnswer, isLarkRefusal, larkApiOver, type LarkBody, type LarkOperation, type LarkPayloads } from './lark-wire.ts';
import { createTenantTokenCache, type TenantTokenAnswer } from './tenant-token-cache.ts';

/** A Lark call that hangs must not hold the outbox: give up and retry later. */
const REQUEST_TIMEOUT_MS = 10_000;

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
  const tokens = createTenantTokenCache({
    now: options.now ?? Date.now,
    requestToken: () =>
      call(() => client.auth.v3.tenantAccessToken.internal({ data: { app_id: options.appId, app_secret: options.appSecret } })) as Promise<TenantTokenAnswer>,
  });

  /** Runs an SDK call, turning every kind of failure into a classified LarkApiError. */
  async function call<T extends LarkBody>(run: () => Promise<T>): Promise<T> {
    let body: T;
    try {
      body = await run();
    } catch (error) {
      throw fromThrown(error);
    }
    if (isLarkRefusal(body)) throw classifyLarkAnswer(200, body);
    return body;
  }

  const calls: { [K in LarkOperation]: (payload: LarkPayloads[K], o: ReturnType<typeof lark.withTenantToken>) => Promise<LarkBody> } = {
    createChat: (p, o) => client.im.v1.chat.create(p, o),
    addMembers: (p, o) => client.im.v1.chatMembers.create(p, o),
    removeMembers: (p, o) => client.im.v1.chatMembers.delete(p, o),
    sendMessage: (p, o) => client.im.v1.message.create(p, o),
    replyMessage: (p, o) => client.im.v1.message.reply(p, o),
    patchMessage: (p, o) => client.im.v1.message.patch(p, o),
    urgentApp: (p, o) => client.im.v1.message.urgentApp(p, o),
    urgentSms: (p, o) => client.im.v1.message.urgentSms(p, o),
  };
  // A token Lark rejects is forgotten (tenant-token-cache.ts), so the outbox's retry fetches a new one.
  return larkApiOver((operation, payload) => tokens.authorised((token) => call(() => calls[operation](payload, lark.withTenantToken(token)))));
}

function sdkLogger(logger: Logger) {
  const debug = (...args: unknown[]) => logger.debug({ sdk: args.map((a) => (a instanceof Error ? a.message : a)) }, 'lark sdk');
  return { error: debug, warn: debug, info: debug, debug, trace: debug };
}

/** The SDK throws AxiosErrors: the Lark body is in `response.data`, the reset in its headers. */
function fromThrown(error: unknown): LarkApiError {
  if (error instanceof LarkApiError) return error;
  const e = error as { response?: { status?: number; data?: LarkBody; headers?: Record<string, unknown> }; code?: string; message?: string };
  if (e.response) return classifyLarkAnswer(e.response.status, e.response.data, (e.response.headers?.['x-ogw-ratelimit-reset'] as string | undefined) ?? null);
  return classifyLarkFailure({ networkError: `${e.code ?? 'network error'}: ${e.message ?? String(error)}` });
}
