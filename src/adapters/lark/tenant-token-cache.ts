/**
 * The tenant access token both Lark clients (SDK and fetch) keep themselves, with one rule:
 * the cached token until a little before Lark's expiry; one fetch shared by every call waiting for
 * a new one; a token Lark rejects (token_invalid) is forgotten, unless another call has fetched a
 * newer one meanwhile, so the outbox's retry fetches a fresh token. Runtime-neutral (no Node APIs).
 */
import { LarkApiError } from './lark-api.ts';

/** Refresh a little before Lark's expiry (2 h), as the SDK does. */
export const TOKEN_MARGIN_MS = 3 * 60_000;

/** What `POST /open-apis/auth/v3/tenant_access_token/internal` answers (fields are top-level). */
export interface TenantTokenAnswer {
  tenant_access_token?: unknown;
  expire?: unknown;
  data?: Record<string, unknown>;
}

export interface TenantTokenCache {
  /** Runs `call` with the tenant token, forgetting the token if Lark says it is invalid. */
  authorised<T>(call: (token: string) => Promise<T>): Promise<T>;
}

export function createTenantTokenCache(options: { now: () => number; requestToken: () => Promise<TenantTokenAnswer> }): TenantTokenCache {
  const { now } = options;
  let token: { value: string; expiresAt: number } | undefined;
  let fetching: Promise<string> | undefined;

  /** The cached tenant token, or one fetch shared by every call waiting for a new one. */
  function tenantToken(): Promise<string> {
    if (token && token.expiresAt > now()) return Promise.resolve(token.value);
    fetching ??= fetchToken().finally(() => (fetching = undefined));
    return fetching;
  }

  async function fetchToken(): Promise<string> {
    const body = await options.requestToken();
    const value = body.tenant_access_token ?? body.data?.tenant_access_token;
    if (typeof value !== 'string' || !value) throw new LarkApiError('permanent', 'Lark answered the token request without a tenant_access_token');
    const expire = Number(body.expire ?? body.data?.expire ?? 7200);
    token = { value, expiresAt: now() + expire * 1000 - TOKEN_MARGIN_MS };
    return value;
  }

  return {
    async authorised(call) {
      const used = await tenantToken();
      try {
        return await call(used);
      } catch (error) {
        // Forget it only if no other call has fetched a newer one meanwhile.
        if (error instanceof LarkApiError && error.kind === 'token_invalid' && token?.value === used) token = undefined;
        throw error;
      }
    },
  };
}
