/**
 * LarkApi with the Web `fetch` only, for runtimes where the SDK cannot load (Cloudflare Workers,
 * API.md §6.4): no Node APIs, no SDK. It is interchangeable with the SDK client: the same REST
 * paths and query parameters the SDK sends, the same payloads and answers (lark-wire.ts), the same
 * tenant-token rule (tenant-token-cache.ts) and the same classification of failures:
 * - a non-2xx answer, or a 2xx whose body has a non-zero `code`: by status, `code`, `msg` and
 *   `x-ogw-ratelimit-reset`;
 * - an answer that is not a JSON object (a proxy's HTML page): by its status alone;
 * - a network error, or no complete answer within `timeoutMs` (the call is aborted): transient.
 */
import type { Logger } from '../logger.ts';
import { classifyLarkFailure, LarkApiError, type LarkApi } from './lark-api.ts';
import { classifyLarkAnswer, isLarkRefusal, larkApiOver, type LarkBody, type LarkOperation } from './lark-wire.ts';
import { createTenantTokenCache, type TenantTokenAnswer } from './tenant-token-cache.ts';

/** A Lark call that hangs must not hold the outbox: give up and retry later (as the SDK client). */
const REQUEST_TIMEOUT_MS = 10_000;

export interface FetchLarkClientOptions {
  appId: string;
  appSecret: string;
  /** e.g. https://open.larksuite.com, or the sandbox's URL; calls go to `${baseUrl}/open-apis/…`. */
  baseUrl: string;
  now?: () => number;
  /** The Web fetch to call Lark with (default `globalThis.fetch`); tests inject one to observe calls. */
  fetch?: typeof fetch;
  /** How long a call may take, its answer's body included (default 10 s). */
  timeoutMs?: number;
  /** Each failed call is logged at debug level; the outbox logs the classified outcome itself. */
  logger?: Pick<Logger, 'debug'>;
}

/** A call's payload in the SDK's shape: path parameters, query parameters and the JSON body. */
interface Payload {
  path?: Record<string, string>;
  params?: Record<string, string | number | boolean | undefined>;
  data: unknown;
}

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

/** DELETE carries a JSON body too (remove members' `id_list`), as the SDK sends it. */
type HttpMethod = 'POST' | 'PATCH' | 'DELETE';

/** Where the SDK sends each call (its `fillApiPath` templates). */
const ROUTES: { [K in LarkOperation]: { method: HttpMethod; path: string } } = {
  createChat: { method: 'POST', path: '/open-apis/im/v1/chats' },
  addMembers: { method: 'POST', path: '/open-apis/im/v1/chats/:chat_id/members' },
  removeMembers: { method: 'DELETE', path: '/open-apis/im/v1/chats/:chat_id/members' },
  sendMessage: { method: 'POST', path: '/open-apis/im/v1/messages' },
  replyMessage: { method: 'POST', path: '/open-apis/im/v1/messages/:message_id/reply' },
  patchMessage: { method: 'PATCH', path: '/open-apis/im/v1/messages/:message_id' },
  urgentApp: { method: 'PATCH', path: '/open-apis/im/v1/messages/:message_id/urgent_app' },
  urgentSms: { method: 'PATCH', path: '/open-apis/im/v1/messages/:message_id/urgent_sms' },
};

export function createFetchLarkClient(options: FetchLarkClientOptions): LarkApi {
  // Called through a closure: Workers refuse a fetch invoked with another `this`.
  const fetchLark = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  const tokens = createTenantTokenCache({
    now: options.now ?? Date.now,
    requestToken: () => request('POST', TOKEN_PATH, { data: { app_id: options.appId, app_secret: options.appSecret } }) as Promise<TenantTokenAnswer>,
  });

  /** One call to Lark: its body on success, a classified LarkApiError on any failure. */
  async function request(method: HttpMethod, template: string, payload: Payload, token?: string): Promise<LarkBody> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetchLark(larkUrl(baseUrl, template, payload), {
        method,
        headers: { 'content-type': 'application/json; charset=utf-8', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(payload.data),
        signal: controller.signal,
      });
      const text = await response.text();
      const body = jsonObject(text);
      if (response.ok && body && !isLarkRefusal(body)) return body;
      throw classifyLarkAnswer(response.status, body ?? { msg: `the answer is not JSON: ${text.slice(0, 100)}` }, response.headers.get('x-ogw-ratelimit-reset'));
    } catch (error) {
      const failure =
        error instanceof LarkApiError
          ? error
          : classifyLarkFailure({ networkError: controller.signal.aborted ? `no answer within ${timeoutMs} ms` : describeError(error) });
      options.logger?.debug({ method, path: template, kind: failure.kind, status: failure.httpStatus, code: failure.code }, `lark call failed: ${failure.message}`);
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }

  // A token Lark rejects is forgotten (tenant-token-cache.ts), so the outbox's retry fetches a new one.
  return larkApiOver((operation, payload) =>
    tokens.authorised((token) => request(ROUTES[operation].method, ROUTES[operation].path, payload, token)),
  );
}

/** `${baseUrl}${template}` with `:name` filled from the path parameters, and the query (as the SDK's qs). */
function larkUrl(baseUrl: string, template: string, payload: Payload): string {
  const path = template.replace(/:([a-z_]+)/g, (_, key: string) => {
    const value = payload.path?.[key];
    if (value === undefined) throw new LarkApiError('permanent', `${template}: no value for :${key}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(payload.params ?? {})) if (value !== undefined) query.append(name, String(value));
  const search = query.toString();
  return `${baseUrl}${path}${search ? `?${search}` : ''}`;
}

/** The body as a JSON object, or undefined when it is not one. */
function jsonObject(text: string): LarkBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as LarkBody) : undefined;
  } catch {
    return undefined;
  }
}

/** fetch's own errors say little ("fetch failed"); the cause says why (ECONNREFUSED, …). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `network error: ${String(error)}`;
  const cause = (error as { cause?: unknown }).cause;
  const why = cause instanceof Error ? ` (${(cause as { code?: string }).code ?? cause.message})` : '';
  return `${error.name}: ${error.message}${why}`;
}
