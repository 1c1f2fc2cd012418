/** 5.1 tenant_access_token: issued against the app's id and secret, reused until close to expiry. */
import { newTenantToken } from '../ids.ts';
import type { IssuedToken } from '../sandbox-state.ts';
import { LarkError, type FakeCore, type RouteInput, type RouteOutput } from './fake-core.ts';

/** A token with less than this left is replaced by a new one on the next request (both stay valid). */
const TOKEN_REFRESH_MARGIN = 30 * 60_000;

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
