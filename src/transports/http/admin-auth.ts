/**
 * Bearer-token guard for /api/* (SPEC §7). Without ADMIN_TOKEN the admin API is off. Tokens are
 * compared as SHA-256 digests with a constant-time compare, so neither content nor length leaks
 * through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './errors.ts';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function adminAuth(adminToken: string | undefined): MiddlewareHandler {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return async (c, next) => {
    if (!expected) throw new HttpError(403, 'admin_api_disabled', 'The admin API is disabled: set ADMIN_TOKEN to enable it');
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'unauthorized', 'Missing bearer token: send Authorization: Bearer <ADMIN_TOKEN>');
    }
    if (!timingSafeEqual(digest(match[1]!.trim()), expected)) {
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new HttpError(401, 'unauthorized', 'Invalid bearer token');
    }
    await next();
  };
}
